package dev.rehearsal.core;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Optional;

/**
 * The round trip of one migration (or of the repeatable migrations, applied once at the end): its phases' results,
 * the rows the database held when the up ran, and notes (seeding, a rebuild Rehearsal needed to carry on).
 */
@API(status = API.Status.STABLE, since = "0.1")
public record StepResult(String migration, String script, List<PhaseResult> phases, String note, long rows) {

    public StepResult {
        phases = List.copyOf(phases);
    }

    /** Failed if any phase failed; passed if every phase that ran passed and at least one ran. */
    public PhaseResult.Status status() {
        if (phases.stream().anyMatch(p -> p.status() == PhaseResult.Status.FAILED)) {
            return PhaseResult.Status.FAILED;
        }
        if (phases.stream().allMatch(p -> p.status() == PhaseResult.Status.NOT_RUN)) {
            return PhaseResult.Status.NOT_RUN;
        }
        if (phases.stream().anyMatch(p -> p.status() == PhaseResult.Status.PASSED)) {
            return PhaseResult.Status.PASSED;
        }
        return PhaseResult.Status.SKIPPED;
    }

    /** Every phase that failed, in order: a step can fail in its up's data and in its down, or in its down and up again. */
    public List<PhaseResult> failedPhases() {
        return phases.stream().filter(p -> p.status() == PhaseResult.Status.FAILED).toList();
    }

    /** The result of one phase, if the step has it. */
    public Optional<PhaseResult> phase(PhaseResult.Phase phase) {
        return phases.stream().filter(p -> p.phase() == phase).findFirst();
    }
}
