package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.RoundTripAssertionError;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.time.Duration;
import java.util.List;

/**
 * Applies a step's migration again, after its down script or on the restored copy; the checks then compare the
 * schema and data with the first up's.
 */
final class UpAgainPhase {

    private final StepContext step;

    UpAgainPhase(StepContext step) {
        this.step = step;
    }

    void run() {
        RehearsalEngine engine = step.engine;
        Migration migration = step.migration;
        if (!step.restoring) {
            step.dropRestorePoint(); // a copy kept for a retry phase that did not run, or did not need it
        }
        Phase back = step.log.phases().contains(Phase.RETRY) ? Phase.RETRY : step.restoring ? Phase.RESTORE : Phase.DOWN;
        SchemaSnapshot start = step.backBeforeUp().orElseThrow(() -> step.log.skip(Phase.UP_AGAIN, NotRun.after(
                step.log.result(back), "the " + back.label() + " phase of " + step.displayName()
                        + " did not run to its end")));
        // where the down script that succeeded left the database (it wrote it in its transaction), or the restored copy
        MigrationVersion previous = engine.history().previous(migration).map(Migration::version).orElse(null);
        long t0 = System.nanoTime();
        MigrationObserver.Observed observed;
        try {
            observed = engine.observer().observe(migration, List.of(migration.up()), engine.traffic(), start, false,
                    () -> engine.upFrom(previous, migration.version()));
        } catch (RehearsalException e) {
            Judgement.traced(step, Phase.UP_AGAIN, e);
            engine.state().markDirty(step.displayName() + " could not be applied again");
            RoundTripAssertionError error = new RoundTripAssertionError(migration.displayName() + (step.restoring
                    ? " cannot be applied again to the database as it was before its first up: it is not deterministic"
                    + " (it depends on the clock, on randomness or on something outside the database)."
                    : " cannot be applied again after its down script ran: the down script probably left something behind"
                    + " that the up script then trips over.") + "\n" + e.getMessage(), e);
            throw step.log.fail(Phase.UP_AGAIN, Duration.ofNanos(System.nanoTime() - t0), Duration.ZERO, error);
        }
        long sql = System.nanoTime() - t0;
        step.log.locks(Phase.UP_AGAIN, observed.locks());
        long c0 = System.nanoTime();
        SchemaSnapshot again = observed.after() != null ? observed.after() : engine.currentSchema();
        if (!step.afterUp().diff(again).isEmpty()) {
            again = engine.fullSchema(); // a patched read is trusted only where it agrees
        }
        engine.state().markClean(again);
        step.ran(Phase.UP_AGAIN, again);
        Judgement.afterPhase(step, Phase.UP_AGAIN, sql, 0, c0, Judgement.heading((step.restoring
                ? "Applied again to the database as it was before its first up, "
                : "Applied again after its down script, ") + step.displayName() + " did not reproduce the data of the first up:"));
    }
}
