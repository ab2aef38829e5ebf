package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.internal.locks.RiskRules;
import dev.rehearsal.core.internal.queries.RunningApplication;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.QueryWaits;
import dev.rehearsal.core.model.Migration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The application's own statements as traffic during the phase: notes the statements left out of it (they cannot run
 * on the schema before the migration), each once, and a statement that worked before the phase and failed while the
 * migration ran (a column renamed under a running version, a table dropped between two statements that commit on
 * their own) is a {@value RunningApplicationCheck#RULE} risk, named with the phase and the error.
 */
final class ApplicationTrafficCheck implements PhaseCheck {

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.runningApplication().playsTraffic();
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        RunningApplication app = context.runningApplication();
        if (app.before(context.dialect()).isEmpty()) {
            app.once(List.of("warning: the application's statement files (rehearsal.queries.file) hold no statement"
                    + " Rehearsal can run, so the synthetic probes play alone; the lines it could not read are listed"
                    + " in the notes")).forEach(findings::note);
        }
        app.trafficNotes().forEach(findings::note);
        List<String> leftOut = app.leftOutOfTraffic();
        if (!leftOut.isEmpty()) {
            findings.note(leftOut.size() + " of the application's statements cannot run before the "
                    + context.phase().label() + " and were left out of its traffic: " + String.join("; ", leftOut));
        }
        // judged where the checks after a phase judge: the up under the running version, the down under the new one
        // when its statements are given (without them a down's traffic is the running version's, for its waits)
        boolean judged = context.phase() == Phase.UP || context.phase() == Phase.DOWN && app.checksDowns();
        if (context.locks() == LockReport.NONE || context.migration().isEmpty() || !judged) {
            return;
        }
        List<String> failed = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        for (QueryWaits q : context.locks().queries()) {
            // a statement that fails after the phase too is named by the check after it; here those that fail
            // only while the migration runs, between its states
            boolean namedAfter = findings.risks().stream().anyMatch(r -> r.rule().equals(RunningApplicationCheck.RULE)
                    && r.reason().contains(q.query() + " ("));
            if (q.failed() > 0 && breaks(q.firstError()) && !namedAfter) {
                failed.add(q.origin() + ": " + q.query() + " failed " + q.failed() + " of " + q.runs() + " times ("
                        + q.firstError() + ")");
                if (!tables.contains(q.table())) {
                    tables.add(q.table());
                }
            }
        }
        if (failed.isEmpty()) {
            return;
        }
        Migration migration = context.migration().orElseThrow();
        findingsFor(context, findings, migration, failed, tables);
    }

    /**
     * Whether a failure says the statement no longer fits the schema (a name, a type, a constraint), not that it met
     * the migration in a wait: a deadlock or serialization failure (class 40), a cancel or timeout (57014, 55P03) is
     * the lock account's, not a break.
     */
    private static boolean breaks(String error) {
        if (error == null || error.startsWith("40") || error.startsWith("57") || error.startsWith("55P03")
                || error.startsWith("70100") || error.startsWith("08")) {
            return false; // a deadlock, a serialization failure, a cancel, a timeout, a lost connection
        }
        String message = error.toLowerCase(Locale.ROOT);
        // MariaDB says some of those with the general HY000
        return !message.contains("lock wait timeout") && !message.contains("deadlock")
                && !message.contains("query execution was interrupted") && !message.contains("max_statement_time");
    }

    private static void findingsFor(PhaseContext context, Findings findings, Migration migration, List<String> failed,
                                    List<String> tables) {
        Map<String, String> allowed = new HashMap<>(context.settings().locks().allowedFor(migration.version()));
        allowed.putAll(RiskRules.allowedIn(migration.up().sql()));
        String script = context.phase() == Phase.DOWN ? migration.downScript().map(s -> s.name())
                .orElse(migration.up().name()) : migration.up().name();
        findings.riskOrMore(new LockRisk(RunningApplicationCheck.RULE, script, String.join(", ", tables),
                "while the " + context.phase().label() + " ran, " + failed.size() + " of the application's statements"
                        + " that ran before it failed: " + String.join("; ", failed),
                "expand and contract: add the new shape beside the old one, move the application over, remove the old"
                        + " shape in a later migration", allowed.get(RunningApplicationCheck.RULE)));
    }
}
