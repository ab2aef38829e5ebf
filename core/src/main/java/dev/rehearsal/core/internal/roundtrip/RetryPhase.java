package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.RoundTripAssertionError;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.internal.locks.AtomicityRisks;
import dev.rehearsal.core.internal.locks.RiskRules;
import dev.rehearsal.core.internal.retry.RetryFinding;
import dev.rehearsal.core.internal.retry.RetryPoint;
import dev.rehearsal.core.internal.retry.RetryPoints;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * For a migration whose statements can commit before a later one fails: from the state before its up, rehearses a
 * failure at each point where it can stop ({@link RetryPoints}, one {@link PointRehearsal} each), then judges. A retry
 * that fails or ends elsewhere is the risk {@value #RULE}: it fails the phase for a migration whose risks are judged
 * (one a change adds), unless allowed, and is reported for a released one. The database is back before the up at the
 * end, or rebuilt before the next step where it could not be brought back.
 */
final class RetryPhase {

    static final String RULE = "not-retry-safe";

    private final StepContext step;

    RetryPhase(StepContext step) {
        this.step = step;
    }

    /** Where {@code migration} can stop part-way under {@code engine}'s tool and engine; none with retries off. */
    static RetryPoints points(RehearsalEngine engine, Migration migration) {
        if (!engine.settings().tool().retry()) {
            return new RetryPoints(List.of(), 0);
        }
        return RetryPoints.of(engine.database().dialect(), engine.database().dialect().split(migration.up().sql()),
                engine.tool().upTransaction(migration));
    }

    void run() {
        // the copy kept before the up of a migration with a down script: the way back where a retry ends elsewhere
        DatabaseSession.RestorePoint fallback = step.restoring ? null : step.takeRestorePoint();
        try {
            run(fallback);
        } finally {
            if (fallback != null && !fallbackUsed) {
                step.engine.discard(fallback);
            }
        }
    }

    private boolean fallbackUsed;

    private void run(DatabaseSession.RestorePoint fallback) {
        RehearsalEngine engine = step.engine;
        Migration migration = step.migration;
        Phase back = step.restoring ? Phase.RESTORE : Phase.DOWN;
        SchemaSnapshot start = step.backBeforeUp().orElseThrow(() -> step.log.skip(Phase.RETRY, NotRun.after(
                step.log.result(back), "the " + back.label() + " phase of " + step.displayName()
                        + " did not run to its end")));
        long c0 = System.nanoTime();
        long sql = 0;
        RetryPoints points = points(engine, migration);
        Map<String, String> counters = engine.session().counters();
        // the data as the down (or restore) left it: what a stopped run and its retry are compared with
        DataFingerprint startData = step.dataBeforeUp() == null ? null : engine.fingerprint(start);
        List<String> summaries = new ArrayList<>();
        PointRehearsal.Outcome finding = null;
        PointRehearsal.Outcome lost = null;
        boolean everyShown = true;
        for (RetryPoint point : points.points()) {
            if (!summaries.isEmpty()) {
                engine.session().restoreCounters(counters);
            }
            PointRehearsal rehearsal = new PointRehearsal(step, point, start, startData,
                    fallbackUsed ? null : fallback);
            PointRehearsal.Outcome outcome;
            try {
                outcome = rehearsal.run();
            } finally {
                fallbackUsed |= rehearsal.fallbackUsed();
            }
            sql += outcome.sqlNanos();
            summaries.add(outcome.summary());
            everyShown &= outcome.shown();
            finding = outcome.finding() != null ? outcome : finding;
            lost = outcome.lost() ? outcome : null;
            if (finding != null || lost != null) {
                break;
            }
        }
        if (lost != null) {
            summaries.add("the database could not be brought back before the up, and is rebuilt before the next step"
                    + " (the up again does not run)");
        }
        String which = "points rehearsed: " + String.join("; ", summaries)
                + (points.found() > summaries.size() ? "; " + (points.found() - summaries.size())
                + " more not rehearsed" + (finding != null || lost != null ? "" : " (at most " + RetryPoints.MAX + ")")
                : "");
        if (lost == null) {
            engine.session().restoreCounters(counters);
            engine.state().markClean(start);
        }
        long checks = System.nanoTime() - c0 - sql;
        if (finding == null && lost != null) {
            throw step.log.fail(Phase.RETRY, Duration.ofNanos(sql), Duration.ofNanos(checks), new RoundTripAssertionError(
                    "The retries of " + step.displayName() + " could not be rehearsed to their end, and the database"
                            + " is rebuilt before the next step: " + lost.summary() + "\n" + which));
        }
        if (finding == null) {
            boolean everyPoint = points.found() == summaries.size() && everyShown;
            if (everyPoint) {
                // what non-atomic-script asks for ("make every statement safe to re-run") is shown
                step.log.allowUpRisks(AtomicityRisks.RULE, "retry-safe: stopped at each point where it can stop,"
                        + " it was retried to the same end (the retry phase)");
            }
            step.notes.add("retry: " + which);
            step.log.pass(Phase.RETRY, sql, checks);
            return;
        }
        String allowed = allowance(migration);
        step.log.locks(Phase.RETRY, RetryFinding.report(RULE, migration.up().name(), finding.point(),
                finding.finding(), allowed));
        if (allowed != null || !engine.judged(migration.displayName())) {
            step.notes.add("retry: " + RULE + (allowed != null ? " allowed (" + allowed + ")" : ", reported, not"
                    + " judged, as " + step.displayName() + " is released (before rehearsal.risks.since, or in git's"
                    + " merge base)") + "; " + which);
            step.log.pass(Phase.RETRY, sql, checks);
            return;
        }
        throw step.log.fail(Phase.RETRY, Duration.ofNanos(sql), Duration.ofNanos(checks), new RoundTripAssertionError(
                RULE + ": " + finding.finding() + "\n" + which + "\nIf the team accepts it, say why in the script (--"
                        + " rehearsal:allow " + RULE + " <reason>) or in rehearsal.allow-risks (\"" + migration.version()
                        + " " + RULE + ": <reason>\")."));
    }

    /** The reason the team gave for accepting a migration that is not retry-safe, or null. */
    private String allowance(Migration migration) {
        Map<String, String> allowed = new HashMap<>(RiskRules.allowedIn(migration.up().sql()));
        allowed.putAll(step.settings().locks().allowedFor(migration.version()));
        return allowed.get(RULE);
    }
}
