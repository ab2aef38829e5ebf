package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.db.Engine;
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
        String unbudgeted = unbudgeted(context);
        if (unbudgeted != null) {
            // a budget that holds nothing says so, once, rather than passing in silence
            context.runningApplication().once(List.of("warning: rehearsal.queries.max-wait is set, but " + unbudgeted
                    + ", so no wait of the application's statements is budgeted")).forEach(findings::note);
            return;
        }
        if (findings.failed() || context.locks() == LockReport.NONE) {
            return;
        }
        List<String> breaches = new ArrayList<>();
        for (QueryWaits q : context.locks().queries()) {
            Duration max = context.runningApplication().maxWaitOn(q.table());
            if (max != null && q.longestWait().compareTo(max) > 0) {
                breaches.add(breach(q, max, context.locks(), context.dialect().engine()));
            }
        }
        if (!breaches.isEmpty()) {
            findings.fail("The " + context.phase().label() + " of " + context.displayName() + " kept the application"
                    + " waiting longer than its budget (rehearsal.queries.max-wait):\n  - "
                    + String.join("\n  - ", breaches));
        }
    }

    /** Why the budget cannot hold anything in this rehearsal, or null when it can. */
    private static String unbudgeted(PhaseContext context) {
        if (!context.runningApplication().playsTraffic()) {
            return context.settings().queries().before().isEmpty()
                    ? "the running version's statements are not given (rehearsal.queries.file)"
                    : "the statements are not played as traffic (rehearsal.queries.traffic=false)";
        }
        if (!context.settings().locks().trace() || !context.settings().locks().probes()) {
            return "traffic is off (rehearsal.locks.trace or rehearsal.locks.probes is false)";
        }
        if (context.dialect().locks() == null) {
            return "this engine's locks are not observed, so no traffic runs";
        }
        return null;
    }

    private static String breach(QueryWaits q, Duration max, LockReport report, Engine engine) {
        StringBuilder sb = new StringBuilder(q.origin()).append(": ").append(q.query()).append(" (")
                .append(q.kind().label()).append(" on ").append(q.table()).append(") waited ")
                .append(q.longestWait().toMillis()).append(" ms (budget ").append(max.toMillis()).append(" ms); ").append(q.waited()).append(" of ").append(q.runs())
                .append(" runs waited, p95 ").append(q.p95Wait().toMillis()).append(" ms");
        q.behind().ifPresent(b -> sb.append("\n      behind ").append(b.lock().mode()).append(" on ")
                .append(b.lock().relation()).append(" taken by ").append(b.where()).append(", held ")
                .append(b.lock().held().toMillis()).append(" ms"));
        // the safer ways of the statement it waited behind, else of every statement on its table
        Set<String> safer = new LinkedHashSet<>();
        String behind = q.behind().map(QueryWaits.Behind::where).orElse(null);
        for (boolean own : new boolean[] {true, false}) {
            for (LockRisk r : report.risks()) {
                if (r.alternative() != null && !r.alternative().isBlank() && q.table().equals(r.table())
                        && (!own || r.statement().equals(behind))) {
                    safer.add(r.alternative() + " (" + r.rule() + ")");
                }
            }
            if (!safer.isEmpty()) {
                break;
            }
        }
        if (safer.isEmpty()) {
            safer.add("a lock timeout (" + (engine == Engine.MARIADB
                    ? "SET SESSION lock_wait_timeout = 2" : "SET lock_timeout = '2s'") + ") with a retry, so the"
                    + " migration gives way instead of queueing the application behind it; long work in batches that"
                    + " commit");
        }
        sb.append("\n      safer: ").append(String.join("; ", safer));
        return sb.toString();
    }
}
