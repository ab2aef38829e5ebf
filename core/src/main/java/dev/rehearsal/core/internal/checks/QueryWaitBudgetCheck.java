package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.QueryWaits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code rehearsal.queries.max-wait}: when nothing else failed, a phase in which one of the application's own
 * statements, played as traffic, waited longer than the budget fails. The message names each such statement, its
 * wait, the migration statement and lock it waited behind, and the safer way the risk rules give for that statement.
 */
final class QueryWaitBudgetCheck implements PhaseCheck {

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.phase() != Phase.RESTORE && context.runningApplication().budgetsWaits();
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        if (findings.failed() || context.locks() == LockReport.NONE) {
            return;
        }
        List<String> breaches = new ArrayList<>();
        for (QueryWaits q : context.locks().queries()) {
            Duration max = context.runningApplication().maxWaitOn(q.table());
            if (max != null && q.longestWait().compareTo(max) > 0) {
                breaches.add(breach(q, max, context.locks()));
            }
        }
        if (!breaches.isEmpty()) {
            findings.fail("The " + context.phase().label() + " of " + context.displayName() + " kept the application"
                    + " waiting longer than its budget (rehearsal.queries.max-wait):\n  - "
                    + String.join("\n  - ", breaches));
        }
    }

    private static String breach(QueryWaits q, Duration max, LockReport report) {
        StringBuilder sb = new StringBuilder(q.origin()).append(": ").append(q.query()).append(" (")
                .append(q.kind().label()).append(" on ").append(q.table()).append(") waited ")
                .append(q.longestWait().toMillis()).append(" ms (budget ").append(max.toMillis()).append(" ms); ").append(q.waited()).append(" of ").append(q.runs())
                .append(" runs waited, p95 ").append(q.p95Wait().toMillis()).append(" ms");
        q.behind().ifPresent(b -> sb.append("\n      behind ").append(b.lock().mode()).append(" on ")
                .append(b.lock().relation()).append(" taken by ").append(b.where()).append(", held ")
                .append(b.lock().held().toMillis()).append(" ms"));
        Set<String> safer = new LinkedHashSet<>();
        for (LockRisk r : report.risks()) {
            if (r.alternative() != null && !r.alternative().isBlank() && q.table().equals(r.table())) {
                safer.add(r.alternative() + " (" + r.rule() + ")");
            }
        }
        if (safer.isEmpty()) {
            safer.add("a lock_timeout (SET lock_timeout = '2s') with a retry, so the migration gives way instead of"
                    + " queueing the application behind it; a table rewrite in batches on a new table or column");
        }
        sb.append("\n      safer: ").append(String.join("; ", safer));
        return sb.toString();
    }
}
