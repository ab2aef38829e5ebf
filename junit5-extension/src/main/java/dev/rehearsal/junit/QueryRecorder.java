package dev.rehearsal.junit;

import dev.rehearsal.junit.internal.RecordingConnections;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.nio.file.Path;

/**
 * Records the statements an application runs in its own tests, as the corpus the next version's migrations are
 * checked against ({@code rehearsal.queries.file}): every SQL text the application prepares or executes through the
 * wrapped {@link DataSource} is appended once to a file of statements separated by semicolons, {@code ?} parameters
 * as JDBC has them. Without a {@code DataSource} to wrap, prefix the JDBC URL instead:
 * {@code jdbc:rehearsal-record:postgresql://host/db} records everything run through
 * {@code jdbc:postgresql://host/db}. The file is {@code rehearsal.queries.record} (a system property) unless given.
 *
 * <pre>{@code
 * DataSource recorded = QueryRecorder.record(dataSource);   // in the application's own test set-up
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class QueryRecorder {

    /** The system property naming the file statements are appended to. */
    public static final String RECORD = "rehearsal.queries.record";

    private QueryRecorder() {
    }

    /**
     * {@code target}, recording to the file {@code rehearsal.queries.record} names.
     *
     * @throws IllegalStateException when the property is not set
     */
    public static DataSource record(DataSource target) {
        return record(target, RecordingConnections.configuredFile());
    }

    /** {@code target}, recording every statement run through it to {@code file}. */
    public static DataSource record(DataSource target, Path file) {
        return RecordingConnections.dataSource(target, file);
    }
}
