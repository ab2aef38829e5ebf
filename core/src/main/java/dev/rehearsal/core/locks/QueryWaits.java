package dev.rehearsal.core.locks;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.Optional;

/**
 * What one of the application's own statements felt while a migration ran: it ran as traffic (concurrent sessions,
 * at the mix of its export's call counts, each run rolled back) and each run was timed. A run's wait is what it took
 * beyond the statement's own time before the migration; a wait longer than the probes' resolution counts. The
 * longest wait is placed behind the migration's lock on the statement's table that conflicted with it at that time.
 *
 * @param query       the statement as the application sends it, on one line
 * @param origin      where it was read: {@code file:line}
 * @param table       the table it was played against (one the migration touches)
 * @param kind        what it does there: read, write or locking read
 * @param runs        how many times it ran during the phase
 * @param waited      how many of those runs waited
 * @param longestWait the longest run
 * @param longestAt   when the longest run started, from the start of the migration (the trace's clock)
 * @param p95Wait     the 95th percentile of its runs
 * @param failed      runs that failed (not counting those Rehearsal cancelled out of the migration's way)
 * @param firstError  the first failure, {@code SQLSTATE: message}, or null
 * @param cancelled   runs Rehearsal cancelled because the migration waited for them (a statement never fails a
 *                    migration); their time is not counted as theirs
 * @param behind      the migration statement and lock the longest wait was behind, when it waited
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record QueryWaits(String query, String origin, String table, ProbeResult.Kind kind, int runs, int waited,
                         Duration longestWait, Duration longestAt, Duration p95Wait, int failed, String firstError,
                         int cancelled, Optional<Behind> behind) {

    /**
     * The migration's statement and lock a wait was behind.
     *
     * @param statement index of the migration statement in the phase's trace
     * @param where     that statement, as {@link StatementTrace#where()} names it
     * @param lock      the lock it held (or queued for) on the statement's table
     */
    public record Behind(int statement, String where, HeldLock lock) {
        @Override
        public String toString() {
            return lock.mode() + " on " + lock.relation() + " taken by " + where;
        }
    }

    /** Whether any run waited. */
    public boolean anyWait() {
        return waited > 0;
    }

    @Override
    public String toString() {
        return origin + ": " + query + " ran " + runs + " times, " + waited + " waited, longest " + longestWait.toMillis()
                + " ms, p95 " + p95Wait.toMillis() + " ms" + behind.map(b -> ", behind " + b).orElse("")
                + (failed == 0 ? "" : ", " + failed + " failed (" + firstError + ")")
                + (cancelled == 0 ? "" : ", " + cancelled + " cancelled because the migration waited for them");
    }
}
