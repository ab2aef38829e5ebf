package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.locks.ProbeResult;
import org.apiguardian.api.API;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One of the application's statements, ready to be played as traffic: its text as JDBC runs it with the values drawn
 * for its parameters (null values allowed), the table it is played against and what it does there, its weight in the
 * mix (its call count in the export, 1 where the file has none), and how long it took before the migration.
 *
 * @param query        the statement as the application sends it, on one line, for reports
 * @param origin       {@code file:line}
 * @param jdbc         the text JDBC prepares
 * @param values       one value per parameter
 * @param untyped      whether text values are sent untyped, for the server to type (PostgreSQL: enums, domains)
 * @param table        the table it is played against
 * @param kind         read, write or locking read (each run in a transaction rolled back)
 * @param weight       its share of the mix
 * @param unobstructed how long it took on the database before the migration, with no one in its way: a run's wait
 *                     is what it takes beyond this
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record TrafficStatement(String query, String origin, String jdbc, List<Object> values, boolean untyped,
                               String table, ProbeResult.Kind kind, long weight, Duration unobstructed) {

    /** The rows a read fetches at most, in its trial and as traffic alike. */
    public static final int MAX_ROWS = 100;

    public TrafficStatement {
        values = Collections.unmodifiableList(new ArrayList<>(values));
        weight = Math.max(1, weight);
    }
}
