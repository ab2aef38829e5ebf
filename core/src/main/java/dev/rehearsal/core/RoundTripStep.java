package dev.rehearsal.core;

import dev.rehearsal.core.model.Migration;

import dev.rehearsal.core.PhaseResult.Phase;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Optional;

/**
 * The round trip of one migration: {@link #up()} from the previous version, {@link #down()} with its down script
 * (the schema must equal the one before the up), {@link #upAgain()} (the schema must equal the one after the first
 * up). Run the phases in that order, and the steps in the order {@link MigrationRehearsal#roundTripSteps()} gives.
 * A phase that fails throws ({@link RoundTripAssertionError} for a defect, {@link MigrationFailedException} for a
 * failing script); a phase that cannot run throws {@link PhaseSkippedException}. Every outcome is also recorded in
 * {@link #result()}. The step for repeatable migrations has only an up phase; a migration without a down script has
 * {@link Phase#RESTORE} in place of its down.
 *
 * <p>When tables hold rows, each phase also checks the data (see {@link dev.rehearsal.core.data.DataProblem.Kind}):
 * after up, tables the migration does not name keep their data, touched tables keep their row count, new columns are
 * filled for every row, and indexes, NOT VALID constraints, foreign keys and sequences are sound; after down, every
 * value that existed before the up is back (else the down is lossy); after up again, the data equals the first up's.
 * Invariants must give the same result after every phase as before the up.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RoundTripStep {

    private final CoreRuntime.Step runner;

    RoundTripStep(CoreRuntime.Step runner) {
        this.runner = runner;
    }

    /** The migration, or empty for the step that applies the repeatable migrations. */
    public Optional<Migration> migration() {
        return runner.migration();
    }

    /** {@code V3 add orders status}, or {@code repeatable migrations}. */
    public String displayName() {
        return runner.displayName();
    }

    /** The phases of this step, in order. */
    public List<Phase> phases() {
        return runner.phases();
    }

    /** Runs one phase. */
    public void run(Phase phase) {
        runner.run(phase);
    }

    /** What happened so far. */
    public StepResult result() {
        return runner.result();
    }

    /** Applies the migration from the previous version and records the schema it produces. */
    public void up() {
        run(Phase.UP);
    }

    /**
     * For a migration without a down script: brings back the database as it was before the up, from the copy kept
     * then, and checks there that a failure forced at the end of the up leaves nothing behind (that it is atomic).
     */
    public void restore() {
        run(Phase.RESTORE);
    }

    /** Reverts the migration with its down script; the schema must be exactly the one before the up. */
    public void down() {
        run(Phase.DOWN);
    }

    /**
     * For a migration that can stop part-way: makes it stop at each point where it can, retries it as an operator
     * would, and compares the result with the first up's; for the repeatable migrations, applies each again over
     * itself. Only where {@link #phases()} holds it (docs/retry.md).
     */
    public void retry() {
        run(Phase.RETRY);
    }

    /**
     * Applies the migration again, after its down script or on the restored copy; the schema must be exactly the one
     * the first up produced, and the data the same.
     */
    public void upAgain() {
        run(Phase.UP_AGAIN);
    }

    @Override
    public String toString() {
        return displayName();
    }
}
