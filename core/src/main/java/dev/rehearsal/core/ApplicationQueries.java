package dev.rehearsal.core;

import org.apiguardian.api.API;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The running application's queries each migration is checked against: those of the version running before it
 * ({@code rehearsal.queries.file}), checked after each up, and, optionally, those of the version the migrations ship
 * with ({@code rehearsal.queries.after-file}), checked after each down, as a rollback leaves them. Each file is a
 * {@code pg_stat_statements} or MariaDB digest export (CSV) or SQL statements separated by semicolons. While each
 * migration runs, the same statements are its traffic ({@code rehearsal.queries.traffic}): concurrent sessions run
 * those that name a table it touches, each run timed, and {@code rehearsal.queries.max-wait} fails a phase in which
 * one of them waited longer.
 *
 * @param before  the running version's queries; empty checks nothing
 * @param after   the new version's queries; empty checks no down
 * @param traffic whether the queries also run as traffic while each migration runs
 * @param maxWait the longest any of them may wait while a migration runs; null for no limit
 * @param maxWaitByTable the same for the statements on one table, in place of {@code maxWait} there
 *                       ({@code rehearsal.queries.max-wait.<table>})
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record ApplicationQueries(List<Path> before, List<Path> after, boolean traffic, Duration maxWait,
                                 Map<String, Duration> maxWaitByTable) {

    /** No queries: nothing is checked, and nothing costs. */
    public static final ApplicationQueries NONE = new ApplicationQueries(List.of(), List.of());

    public ApplicationQueries {
        before = List.copyOf(before);
        after = List.copyOf(after);
        if (maxWait != null && maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative");
        }
        maxWaitByTable = Map.copyOf(maxWaitByTable);
    }

    /** Queries checked after each phase and played as traffic during it, with no wait limit. */
    public ApplicationQueries(List<Path> before, List<Path> after) {
        this(before, after, true, null, Map.of());
    }

    /** The longest a statement on {@code table} may wait: its table's budget, else {@link #maxWait()}; null for none. */
    public Duration maxWaitOn(String table) {
        Duration own = maxWaitByTable.get(table);
        if (own == null && table.contains(".")) {
            own = maxWaitByTable.get(table.substring(table.lastIndexOf('.') + 1));
        }
        return own != null ? own : maxWait;
    }

    /** Whether any wait budget is set. */
    public boolean budgetsWaits() {
        return maxWait != null || !maxWaitByTable.isEmpty();
    }

    /** The running version's queries, read from {@code files}. */
    public static ApplicationQueries of(Path... files) {
        return new ApplicationQueries(List.of(files), List.of());
    }

    /** A copy that also checks the new version's queries, read from {@code files}, after each down. */
    public ApplicationQueries withAfter(Path... files) {
        return new ApplicationQueries(before, List.of(files), traffic, maxWait, maxWaitByTable);
    }

    /** A copy whose queries are not played as traffic during the migrations (they are still checked after them). */
    public ApplicationQueries withoutTraffic() {
        return new ApplicationQueries(before, after, false, maxWait, maxWaitByTable);
    }

    /** A copy in which a phase fails when any of the queries waits longer than {@code max} while it runs. */
    public ApplicationQueries withMaxWait(Duration max) {
        return new ApplicationQueries(before, after, traffic, Objects.requireNonNull(max, "max"), maxWaitByTable);
    }

    /** A copy in which the statements on {@code table} may wait at most {@code max}, whatever {@link #maxWait()} is. */
    public ApplicationQueries withMaxWaitOn(String table, Duration max) {
        Map<String, Duration> byTable = new LinkedHashMap<>(maxWaitByTable);
        byTable.put(Objects.requireNonNull(table, "table"), Objects.requireNonNull(max, "max"));
        return new ApplicationQueries(before, after, traffic, maxWait, byTable);
    }

    /** Whether any query is checked. */
    public boolean any() {
        return !before.isEmpty() || !after.isEmpty();
    }
}
