package dev.rehearsal.core;

import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.locks.LockReport;
import org.apiguardian.api.API;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of one phase of one migration's round trip.
 *
 * @param phase     up, down (or restore) or up again
 * @param status    passed, failed, skipped, or not run (yet)
 * @param sqlTime   time spent running the migration's SQL (through its tool)
 * @param checkTime time spent on Rehearsal's checks (schema snapshots and comparison)
 * @param message   why it failed or was skipped; for a passed phase, notes (a declared lossy down), else empty
 * @param problems  the data problems found (failures, and declared ones noted)
 * @param locks     the statements, locks, probe waits and risks of the phase ({@link LockReport#NONE} if not traced)
 */
@API(status = API.Status.STABLE, since = "0.1")
public record PhaseResult(Phase phase, Status status, Duration sqlTime, Duration checkTime, String message,
                          List<DataProblem> problems, LockReport locks) {

    public PhaseResult {
        problems = List.copyOf(problems);
    }

    /** The phases of a round trip. */
    public enum Phase {
        UP("up"), DOWN("down"),
        /**
         * In place of {@link #DOWN} for a migration without a down script: the database as it was before the up comes
         * back from a copy, and a failure forced at the end of the up there must leave nothing behind.
         */
        RESTORE("restore"),
        /**
         * For a migration whose statements can commit before a later one fails: a failure at each point where it can
         * stop, then the retry an operator runs, must end as a clean up does. For the repeatable migrations: each is
         * applied again over itself, as the tool does when it changes.
         */
        RETRY("retry"),
        UP_AGAIN("up again");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        /** How reports and test names call the phase. */
        public String label() {
            return label;
        }
    }

    /** How a phase ended. */
    public enum Status { PASSED, FAILED, SKIPPED, NOT_RUN }

    @API(status = API.Status.INTERNAL, since = "0.1")
    public static PhaseResult notRun(Phase phase) {
        return new PhaseResult(phase, Status.NOT_RUN, Duration.ZERO, Duration.ZERO, "", List.of(), LockReport.NONE);
    }
}
