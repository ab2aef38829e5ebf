package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.locks.ProbeResult;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One of the application's statements, ready to be played as traffic: its text as JDBC runs it with the values drawn
 * for its parameters (null values allowed), the table it is played against and what it does there, and its weight in
 * the mix (its call count in the export, 1 where the file has none).
 *
 * @param query      the statement as the application sends it, on one line, for reports
 * @param origin     {@code file:line}
 * @param jdbc       the text JDBC prepares
 * @param values     one value per parameter
 * @param untyped    whether text values are sent untyped, for the server to type (PostgreSQL: enums, domains)
 * @param table      the table it is played against
 * @param kind       read, write (run in a transaction rolled back) or locking read (likewise)
 * @param weight     its share of the mix
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record TrafficStatement(String query, String origin, String jdbc, List<Object> values, boolean untyped,
                               String table, ProbeResult.Kind kind, long weight) {

    public TrafficStatement {
        values = Collections.unmodifiableList(new ArrayList<>(values));
        weight = Math.max(1, weight);
    }

    /** Whether it runs in a transaction rolled back, so that the data checks see none of it. */
    boolean rolledBack() {
        return kind != ProbeResult.Kind.READ;
    }
}
