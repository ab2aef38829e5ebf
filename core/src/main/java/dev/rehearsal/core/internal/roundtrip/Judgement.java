package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.RoundTripAssertionError;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.internal.checks.Findings;
import dev.rehearsal.core.internal.checks.PhaseChecks;
import dev.rehearsal.core.internal.data.DataChecks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The end of a phase that ran: the registered checks judge what it left, and the phase passes, or fails with their
 * messages (other findings first, then the data problems under the phase's own heading).
 */
final class Judgement {

    private Judgement() {
    }

    /**
     * Runs the checks after {@code phase} and records the outcome.
     *
     * @param sqlNanos     the time the tool took
     * @param checkNanos   the checks' time so far (before the tool ran)
     * @param checksFrom   {@link System#nanoTime()} when the checks after the tool started
     * @param dataMessage  the message of the data problems that fail the phase
     * @throws RoundTripAssertionError  when a check failed the phase
     * @throws RehearsalException       when a check could not run
     */
    static void afterPhase(StepContext step, Phase phase, long sqlNanos, long checkNanos, long checksFrom,
                           Function<List<DataProblem>, String> dataMessage) {
        Findings findings;
        try {
            findings = PhaseChecks.after(step, step.notes);
        } catch (RehearsalException e) {
            throw step.log.fail(phase, Duration.ofNanos(sqlNanos), Duration.ofNanos(checkNanos + System.nanoTime()
                    - checksFrom), e);
        }
        step.log.locks(phase, step.log.locks(phase).withRisks(findings.risks()).settling(findings.settled()));
        long checks = checkNanos + System.nanoTime() - checksFrom;
        if (findings.leftDatabaseUnknown() != null) {
            step.engine.state().markDirty(findings.leftDatabaseUnknown());
        }
        if (findings.failed()) {
            List<String> messages = new ArrayList<>(findings.failures());
            if (!findings.failingProblems().isEmpty()) {
                messages.add(dataMessage.apply(findings.failingProblems()));
            }
            throw step.log.fail(phase, Duration.ofNanos(sqlNanos), Duration.ofNanos(checks), findings.problems(),
                    new RoundTripAssertionError(String.join("\n\n", messages)));
        }
        step.log.pass(phase, sqlNanos, checks, findings.problems());
    }

    /** The data problems under a heading, as every phase's message lists them. */
    static Function<List<DataProblem>, String> heading(String heading) {
        return problems -> DataChecks.describe(heading, problems);
    }

    /** Keeps the lock trace up to the failing statement of a phase whose tool failed. */
    static void traced(StepContext step, Phase phase, RehearsalException e) {
        if (e instanceof MigrationFailedException f) {
            step.log.locks(phase, f.locks());
        }
    }
}
