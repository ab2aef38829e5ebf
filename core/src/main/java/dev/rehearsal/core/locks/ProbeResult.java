package dev.rehearsal.core.locks;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.List;

/**
 * What one kind of application traffic felt on one table while a migration ran: every probe was timed; waits
 * longer than the probe's own resolution count as blocked.
 *
 * @param table        the table probed
 * @param kind         reader, writer or locking reader
 * @param probes       how many probes ran
 * @param longestWait  the longest single probe
 * @param totalBlocked the sum of the probes that waited
 * @param failures     probes that failed (a timeout, an error), with the first error
 * @param firstError   the first probe error, or null
 * @param cancelled    probes Rehearsal cancelled because the migration waited for them: a probe never fails a
 *                     migration; when it was in a wait cycle with the migration, a {@code deadlock-with-*} risk says so
 * @param waits        the probes that waited (longer than the probe's resolution), each with when it started: the
 *                     marks a timeline draws against the migration's locks; at most {@value #MAX_WAITS}, the longest
 *                     kept, in the order they started
 */
@API(status = API.Status.STABLE, since = "0.1")
public record ProbeResult(String table, Kind kind, int probes, Duration longestWait, Duration totalBlocked, int failures,
                          String firstError, int cancelled, List<Wait> waits) {

    /** How many waits a result keeps: enough to draw, small enough for a report of hundreds of migrations. */
    public static final int MAX_WAITS = 100;

    public ProbeResult {
        waits = List.copyOf(waits);
    }

    /** A result whose individual waits were not kept. */
    public ProbeResult(String table, Kind kind, int probes, Duration longestWait, Duration totalBlocked, int failures,
                       String firstError, int cancelled) {
        this(table, kind, probes, longestWait, totalBlocked, failures, firstError, cancelled, List.of());
    }

    /** A result with no cancelled probe. */
    public ProbeResult(String table, Kind kind, int probes, Duration longestWait, Duration totalBlocked, int failures,
                       String firstError) {
        this(table, kind, probes, longestWait, totalBlocked, failures, firstError, 0);
    }

    /**
     * One probe that waited.
     *
     * @param startedAt when it started, from the start of the migration (the same clock as the statements' and locks')
     * @param took      how long it took, its wait included
     * @param outcome   whether it then ran, failed, or was cancelled out of the migration's way
     */
    public record Wait(Duration startedAt, Duration took, Outcome outcome) {
    }

    /** How a probe that waited ended. */
    public enum Outcome { COMPLETED, FAILED, CANCELLED }

    /** The traffic an application sends. */
    public enum Kind {
        /** {@code SELECT * FROM t LIMIT 1}: needs ACCESS SHARE. */
        READ("reads"),
        /** {@code UPDATE t ... WHERE ctid = (one row)} in a transaction rolled back: needs ROW EXCLUSIVE and a row lock. */
        WRITE("writes"),
        /** {@code SELECT ... FOR UPDATE} in a transaction rolled back: needs ROW SHARE and a row lock. */
        LOCKING_READ("locking reads");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** {@code reads}, {@code writes}, {@code locking reads}. */
        public String label() {
            return label;
        }
    }

    @Override
    public String toString() {
        return kind.label() + " on " + table + ": longest wait " + longestWait.toMillis() + " ms, blocked "
                + totalBlocked.toMillis() + " ms in all over " + probes + " probes"
                + (failures == 0 ? "" : ", " + failures + " failed (" + firstError + ")")
                + (cancelled == 0 ? "" : ", " + cancelled + " cancelled because the migration waited for "
                + (cancelled == 1 ? "it" : "them"));
    }
}
