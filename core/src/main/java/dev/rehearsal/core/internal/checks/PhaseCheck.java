package dev.rehearsal.core.internal.checks;

import org.apiguardian.api.API;

/**
 * One thing judged after a round-trip phase: the schema the down restored, the data a migration kept, an invariant,
 * a lock budget, a golden file... Each check decides for itself whether it applies to a phase, may read what it needs
 * before the step's up ({@link #beforeUp}), and adds what it found to the phase's {@link Findings}. Checks are listed
 * once, in {@link PhaseChecks#ALL}; a new check is a new class and a line there.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface PhaseCheck {

    /** Whether this check has anything to judge after the phase {@code context} describes. */
    boolean appliesTo(PhaseContext context);

    /**
     * Reads what the check compares with later (fingerprints, invariants' results, an estimate), once per step,
     * after the database reached the version before the migration and before its up runs. Keeps it in the
     * context's store. Nothing by default.
     *
     * @throws dev.rehearsal.core.model.RehearsalException when it cannot be read: the up phase fails with it
     */
    default void beforeUp(PhaseContext context) {
    }

    /**
     * Judges what the phase left and adds failures, data problems and notes to {@code findings}.
     *
     * @throws dev.rehearsal.core.model.RehearsalException when the check cannot run: the phase fails with it
     */
    void check(PhaseContext context, Findings findings);
}
