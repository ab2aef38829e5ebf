package dev.rehearsal.core;

import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.List;

/**
 * The running application's queries each migration is checked against: those of the version running before it
 * ({@code rehearsal.queries.file}), checked after each up, and, optionally, those of the version the migrations ship
 * with ({@code rehearsal.queries.after-file}), checked after each down, as a rollback leaves them. Each file is a
 * {@code pg_stat_statements} or MariaDB digest export (CSV) or SQL statements separated by semicolons.
 *
 * @param before the running version's queries; empty checks nothing
 * @param after  the new version's queries; empty checks no down
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record ApplicationQueries(List<Path> before, List<Path> after) {

    /** No queries: nothing is checked, and nothing costs. */
    public static final ApplicationQueries NONE = new ApplicationQueries(List.of(), List.of());

    public ApplicationQueries {
        before = List.copyOf(before);
        after = List.copyOf(after);
    }

    /** The running version's queries, read from {@code files}. */
    public static ApplicationQueries of(Path... files) {
        return new ApplicationQueries(List.of(files), List.of());
    }

    /** A copy that also checks the new version's queries, read from {@code files}, after each down. */
    public ApplicationQueries withAfter(Path... files) {
        return new ApplicationQueries(before, List.of(files));
    }

    /** Whether any query is checked. */
    public boolean any() {
        return !before.isEmpty() || !after.isEmpty();
    }
}
