package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.RoundTripAssertionError;
import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.internal.locks.AtomicityRisks;
import dev.rehearsal.core.internal.locks.RiskRules;
import dev.rehearsal.core.internal.retry.RetryFinding;
import dev.rehearsal.core.internal.retry.RetryPoints;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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

    /**
     * Whether {@code migration} gets a retry phase: it can stop part-way under {@code engine}'s tool and engine, as
     * its script shows, or as its up will show where the tool's helper reports how it ran; never with retries off.
     */
    static boolean expected(RehearsalEngine engine, Migration migration) {
        return engine.settings().tool().retry() && (engine.tool().appliesAgain(migration)
                || engine.tool().upTransaction(migration) == UpTransaction.AS_REPORTED
                || !RetryPoints.of(engine.database().dialect(), engine.database().dialect().split(migration.up().sql()),
                engine.tool().upTransaction(migration)).isEmpty());
    }

    /** Where the step's migration can stop part-way: from its script, or from its up as the tool's helper reported it. */
    private RetryPoints points() {
        RehearsalEngine engine = step.engine;
        Migration migration = step.migration;
        UpTransaction transaction = engine.tool().upTransaction(migration);
        if (transaction == UpTransaction.AS_REPORTED) {
            return step.reportedUp() == null ? new RetryPoints(List.of(), 0)
                    : RetryPoints.of(engine.database().dialect(), step.reportedUp());
        }
        return RetryPoints.of(engine.database().dialect(), engine.database().dialect().split(migration.up().sql()),
                transaction);
    }

    void run() {
        // the copy kept before the up of a migration with a down script: the way back where a retry ends elsewhere
        kept = step.restoring ? null : step.takeRestorePoint();
        try {
            run(kept);
        } finally {
            if (kept != null && !fallbackUsed) {
                step.engine.discard(kept);
            }
        }
    }

    private boolean fallbackUsed;
    /** The phase's copy of the state before the up, where one was kept: discarded at the end unless restored. */
    private DatabaseSession.RestorePoint kept;

    private void run(DatabaseSession.RestorePoint fallback) {
        RehearsalEngine engine = step.engine;
        Migration migration = step.migration;
        Phase back = step.restoring ? Phase.RESTORE : Phase.DOWN;
        SchemaSnapshot start = step.backBeforeUp().orElseThrow(() -> step.log.skip(Phase.RETRY, NotRun.after(
                step.log.result(back), "the " + back.label() + " phase of " + step.displayName()
                        + " did not run to its end")));
        long c0 = System.nanoTime();
        long sql = 0;
        RetryPoints points = points();
        boolean again = engine.tool().appliesAgain(migration);
        if (points.isEmpty() && !again) {
            step.notes.add("retry: " + (step.reportedUp() == null ? "not rehearsed, as the tool's helper did not"
                    + " report the statements of the up" : "no point where " + step.displayName() + " can stop"
                    + " part-way: its statements ran in one transaction, and none commits by itself"));
            step.log.pass(Phase.RETRY, 0, System.nanoTime() - c0);
            return;
        }
        if (fallback == null && !step.restoring && step.reportedUp() != null
                && !step.dialect().undo(start, start).unsupported().isEmpty()) {
            // the points became known with the up; where no undo can be derived from the catalog (MariaDB), a copy of
            // the state the down brought back (checked equal to the one before the up) is the way back
            try {
                fallback = step.engine.keepRestorePoint();
                kept = fallback;
            } catch (RehearsalException e) {
                step.notes.add("retry: no copy of the database could be kept to come back from a retry that ends"
                        + " elsewhere (" + e.getMessage() + "); the down script is the way back");
            }
        }
        SequenceCounters counters = SequenceCounters.read(engine.session().database());
        // the data as the down (or restore) left it: what a stopped run and its retry are compared with
        DataFingerprint startData = step.dataBeforeUp() == null ? null : engine.checkedFingerprint(start);
        List<String> summaries = new ArrayList<>(); // the points'
        List<String> others = new ArrayList<>(); // the second application's, the way back's
        PointRehearsal.Outcome finding = null;
        PointRehearsal.Outcome lost = null;
        boolean everyShown = true;
        // each point, then, for a migration the tool applies again on a later run, that second application
        List<Function<DatabaseSession.RestorePoint, RetryRun>> runs = new ArrayList<>();
        points.points().forEach(point -> runs.add(copy -> new PointRehearsal(step, point, start, startData, copy)));
        if (again) {
            runs.add(copy -> new AgainRehearsal(step, start, startData, copy));
        }
        int rehearsed = 0;
        String rule = RULE;
        for (Function<DatabaseSession.RestorePoint, RetryRun> make : runs) {
            if (!summaries.isEmpty() || !others.isEmpty()) {
                counters.restoreOn(engine.session().database());
            }
            RetryRun run = make.apply(fallbackUsed ? null : fallback);
            PointRehearsal.Outcome outcome;
            try {
                outcome = run.run();
            } finally {
                fallbackUsed |= run.fallbackUsed();
            }
            sql += outcome.sqlNanos();
            (outcome.point() != null ? summaries : others).add(outcome.summary());
            if (outcome.point() != null) {
                rehearsed++;
                everyShown &= outcome.shown();
            }
            if (outcome.finding() != null) {
                finding = outcome;
                rule = outcome.point() == null ? AgainRehearsal.RULE : RULE;
            }
            lost = outcome.lost() ? outcome : null;
            if (finding != null || lost != null) {
                break;
            }
        }
        if (again && finding != null && finding.point() != null) {
            others.add("applied again: not rehearsed after the finding at a point");
        }
        if (lost != null) {
            others.add("the database could not be brought back before the up, and is rebuilt before the next step"
                    + " (the up again does not run)");
        }
        String which = (points.isEmpty() ? "" : "points rehearsed: " + String.join("; ", summaries)
                + (points.found() > rehearsed ? "; " + (points.found() - rehearsed) + " more not rehearsed"
                + (finding != null || lost != null ? "" : " (at most " + RetryPoints.MAX + ")") : ""))
                + (points.isEmpty() || others.isEmpty() ? "" : "; ") + String.join("; ", others);
        if (lost == null) {
            counters.restoreOn(engine.session().database());
            engine.state().markClean(start);
        }
        long checks = System.nanoTime() - c0 - sql;
        if (finding == null && lost != null) {
            throw step.log.fail(Phase.RETRY, Duration.ofNanos(sql), Duration.ofNanos(checks), new RoundTripAssertionError(
                    "The retries of " + step.displayName() + " could not be rehearsed to their end, and the database"
                            + " is rebuilt before the next step: " + lost.summary() + "\n" + which));
        }
        if (finding == null) {
            boolean everyPoint = points.found() == rehearsed && everyShown;
            if (everyPoint && !points.isEmpty()) {
                // what non-atomic-script asks for ("make every statement safe to re-run") is shown
                step.log.allowUpRisks(AtomicityRisks.RULE, "retry-safe: stopped at each point where it can stop,"
                        + " it was retried to the same end (the retry phase)");
            }
            step.notes.add("retry: " + which);
            step.log.pass(Phase.RETRY, sql, checks);
            return;
        }
        String allowed = allowance(migration, rule);
        step.log.locks(Phase.RETRY, RetryFinding.report(rule, migration.up().name(), finding.point(),
                finding.finding(), allowed));
        if (allowed != null || !engine.judged(migration.displayName())) {
            step.notes.add("retry: " + rule + (allowed != null ? " allowed (" + allowed + ")" : ", reported, not"
                    + " judged, as " + step.displayName() + " is released (before rehearsal.risks.since, or in git's"
                    + " merge base)") + "; " + which);
            step.log.pass(Phase.RETRY, sql, checks);
            return;
        }
        throw step.log.fail(Phase.RETRY, Duration.ofNanos(sql), Duration.ofNanos(checks), new RoundTripAssertionError(
                rule + ": " + finding.finding() + "\n" + which + "\nIf the team accepts it, say why in the script (--"
                        + " rehearsal:allow " + rule + " <reason>) or in rehearsal.allow-risks (\"" + migration.version()
                        + " " + rule + ": <reason>\")."));
    }

    /** The reason the team gave for accepting a migration with the finding {@code rule}, or null. */
    private String allowance(Migration migration, String rule) {
        Map<String, String> allowed = new HashMap<>(RiskRules.allowedIn(migration.up().sql()));
        allowed.putAll(step.settings().locks().allowedFor(migration.version()));
        return allowed.get(rule);
    }
}
