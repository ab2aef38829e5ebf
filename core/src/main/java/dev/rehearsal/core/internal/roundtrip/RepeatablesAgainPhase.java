package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.RoundTripAssertionError;
import dev.rehearsal.core.internal.locks.RiskRules;
import dev.rehearsal.core.internal.retry.Leftovers;
import dev.rehearsal.core.internal.retry.RetryAdvice;
import dev.rehearsal.core.internal.retry.RetryFinding;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The retry phase of the repeatable migrations: the tool applies each again over what it made, as it does whenever
 * one of them changes. An error, or a schema other than the first application's, is the risk {@value #RULE}, judged
 * as {@link RetryPhase} judges its own.
 */
final class RepeatablesAgainPhase {

    static final String RULE = "not-idempotent";

    private final StepContext step;

    RepeatablesAgainPhase(StepContext step) {
        this.step = step;
    }

    void run() {
        RehearsalEngine engine = step.engine;
        if (step.up().isEmpty()) {
            throw step.log.skip(Phase.RETRY, NotRun.after(step.log.result(Phase.UP),
                    "the repeatable migrations did not apply"));
        }
        List<Migration> repeatables = engine.history().repeatable();
        long t0 = System.nanoTime();
        boolean applied;
        try {
            applied = engine.tool().applyRepeatablesAgain();
        } catch (RehearsalException e) {
            long sql = System.nanoTime() - t0;
            engine.tool().drainMessages(); // the tool's own account of the same failure
            engine.state().markDirty("a repeatable migration failed when applied again");
            Optional<Migration> failed = failed(e, repeatables);
            String statement = e instanceof MigrationFailedException m && m.statement().isPresent()
                    ? m.statement().get() : failed.map(f -> f.up().sql()).orElse("");
            RetryAdvice.Rerun advice = RetryAdvice.forRerun(statement);
            judge(failed, failed.map(Migration::displayName).orElse("a repeatable migration") + " failed when applied"
                    + " again over itself, as the tool applies it whenever it changes"
                    + (advice.object() == null ? "" : ": " + advice.object() + " cannot be created again over itself")
                    + ".\n" + e.getMessage() + "\nFix: " + advice.fix(), sql, 0);
            return;
        }
        long sql = System.nanoTime() - t0;
        if (!applied) {
            step.notes.add("retry: the repeatable migrations were not applied again: the tool cannot be made to");
            step.log.pass(Phase.RETRY, sql, 0);
            return;
        }
        long c0 = System.nanoTime();
        SchemaSnapshot again = engine.fullSchema();
        List<String> differs = Leftovers.of(step.afterUp().diff(again));
        engine.state().markClean(again);
        if (!differs.isEmpty()) {
            judge(Optional.empty(), "Applied again over themselves, the repeatable migrations leave another schema than"
                    + " their first application: " + String.join(", ", differs) + "\nFix: make each statement give"
                    + " the same result however often it runs (CREATE OR REPLACE, DROP ... IF EXISTS first)",
                    sql, System.nanoTime() - c0);
            return;
        }
        step.notes.add("retry: the repeatable migrations applied again over themselves, the schema the same");
        step.log.pass(Phase.RETRY, sql, System.nanoTime() - c0);
    }

    /**
     * Records the finding as the phase's risk; fails the phase unless the repeatable migration allows it in its script
     * or none of them is judged (each is released).
     */
    private void judge(Optional<Migration> failed, String finding, long sql, long checks) {
        List<Migration> concerned = failed.map(List::of).orElse(step.engine.history().repeatable());
        String allowed = concerned.stream().map(m -> RiskRules.allowedIn(m.up().sql()).get(RULE))
                .filter(r -> r != null).findFirst().orElse(null);
        String script = String.join(", ", concerned.stream().map(m -> m.up().name()).toList());
        step.log.locks(Phase.RETRY, RetryFinding.report(RULE, script, null, finding, allowed));
        boolean judged = concerned.stream().anyMatch(m -> step.engine.judged(m.displayName()));
        if (allowed != null || !judged) {
            step.notes.add("retry: " + RULE + (allowed != null ? " allowed (" + allowed + ")"
                    : ", reported, not judged, as the repeatable migrations concerned are released") + ": "
                    + finding.lines().findFirst().orElse(""));
            step.log.pass(Phase.RETRY, sql, checks);
            return;
        }
        throw step.log.fail(Phase.RETRY, Duration.ofNanos(sql), Duration.ofNanos(checks), new RoundTripAssertionError(
                RULE + ": " + finding + "\nIf the team accepts it, say why in the script (-- rehearsal:allow " + RULE
                        + " <reason>)."));
    }

    /** The repeatable migration the failure names, by its script. */
    private static Optional<Migration> failed(RehearsalException e, List<Migration> repeatables) {
        String text = e instanceof MigrationFailedException m ? m.script() + " " + m.migration() : e.getMessage();
        return repeatables.stream().filter(r -> text != null && (text.contains(r.up().name())
                || text.contains(r.displayName()))).findFirst();
    }
}
