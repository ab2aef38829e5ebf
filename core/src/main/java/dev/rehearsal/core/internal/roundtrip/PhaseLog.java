package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.PhaseSkippedException;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.LockRisk;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What each phase of one round-trip step came to: passed, skipped or failed, with its SQL and check times, its data
 * problems and its lock report. Every phase starts as not run; the step records each outcome here as it happens.
 */
final class PhaseLog {

    private final Map<Phase, PhaseResult> results = new EnumMap<>(Phase.class);
    private final Map<Phase, LockReport> locks = new EnumMap<>(Phase.class);

    PhaseLog(List<Phase> phases) {
        for (Phase phase : phases) {
            results.put(phase, PhaseResult.notRun(phase));
        }
    }

    /** The step's phases, in order. */
    List<Phase> phases() {
        return List.copyOf(results.keySet());
    }

    List<PhaseResult> results() {
        return List.copyOf(results.values());
    }

    PhaseResult result(Phase phase) {
        return results.get(phase);
    }

    /** The lock report of a phase that ran (or failed with a trace); {@link LockReport#NONE} otherwise. */
    LockReport locks(Phase phase) {
        return locks.getOrDefault(phase, LockReport.NONE);
    }

    void locks(Phase phase, LockReport report) {
        locks.put(phase, report);
    }

    /**
     * Records a failure the phase did not record itself (a lost connection, a catalog query); a phase that could not
     * run (the rehearsal was closed under it) is recorded as skipped, with why.
     */
    void failedUnrecorded(Phase phase, Throwable e) {
        if (results.get(phase).status() == Status.NOT_RUN && e instanceof PhaseSkippedException) {
            skip(phase, NotRun.because(e.getMessage()));
        } else if (results.get(phase).status() == Status.NOT_RUN) {
            results.put(phase, new PhaseResult(phase, Status.FAILED, Duration.ZERO, Duration.ZERO,
                    String.valueOf(e.getMessage()), List.of(), locks(phase)));
        }
    }

    void pass(Phase phase, long sqlNanos, long checkNanos) {
        pass(phase, sqlNanos, checkNanos, List.of());
    }

    void pass(Phase phase, long sqlNanos, long checkNanos, List<DataProblem> noted) {
        String message = noted.stream().map(DataProblem::message).reduce((a, b) -> a + "\n" + b)
                .map(m -> "declared: " + m).orElse("");
        results.put(phase, new PhaseResult(phase, Status.PASSED, Duration.ofNanos(sqlNanos), Duration.ofNanos(checkNanos),
                message, noted, locks(phase)));
    }

    /**
     * Marks the up's risks of {@code rule} that are not allowed yet as allowed for {@code reason}: what a later phase
     * proved (its retries ended as clean ups, so a script that is not atomic is safe to run again).
     */
    void allowUpRisks(String rule, String reason) {
        PhaseResult up = results.get(Phase.UP);
        if (up == null || up.locks().risks().stream().noneMatch(r -> r.rule().equals(rule) && !r.isSuppressed())) {
            return;
        }
        LockReport was = up.locks();
        LockReport now = new LockReport(was.statements(), was.locks(), was.probes(), was.risks().stream()
                .map(r -> r.rule().equals(rule) && !r.isSuppressed() ? new LockRisk(r.rule(), r.statement(), r.table(),
                        r.reason(), r.alternative(), reason) : r).toList(), was.queue(), was.queries());
        locks.put(Phase.UP, now);
        results.put(Phase.UP, new PhaseResult(Phase.UP, up.status(), up.sqlTime(), up.checkTime(), up.message(),
                up.problems(), now));
    }

    PhaseSkippedException skip(Phase phase, String reason) {
        results.put(phase, new PhaseResult(phase, Status.SKIPPED, Duration.ZERO, Duration.ZERO, reason, List.of(),
                LockReport.NONE));
        return new PhaseSkippedException(reason);
    }

    <T extends Throwable> T fail(Phase phase, Duration sql, Duration checks, T error) {
        return fail(phase, sql, checks, List.of(), error);
    }

    <T extends Throwable> T fail(Phase phase, Duration sql, Duration checks, List<DataProblem> problems, T error) {
        results.put(phase, new PhaseResult(phase, Status.FAILED, sql, checks, String.valueOf(error.getMessage()), problems,
                locks(phase)));
        return error;
    }
}
