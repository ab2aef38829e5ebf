package dev.rehearsal.core.db;

import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Reads one database's schema again and again over one connection, as a rehearsal does three times per migration.
 * Where the engine can tell what changed since the last read (PostgreSQL's event triggers), {@link #read()} fetches
 * only those objects and what depends on them, and patches the last snapshot; a long history then costs the same per
 * migration at its end as at its start. Where it cannot, every read is a full one.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface SchemaReader {

    /** The schema now: patched from the last read where the reader knows what changed since, else read in full. */
    SchemaSnapshot read() throws SQLException;

    /** The schema now, read in full from the catalog; the next {@link #read()} patches this one. */
    SchemaSnapshot readFull() throws SQLException;

    /**
     * The scripts that just ran, as far as they are known: a reader drops its last snapshot when they hold a statement
     * that changes the schema without telling it (PostgreSQL's {@code CLUSTER} or {@code REINDEX}).
     */
    default void ran(List<String> scripts) {
    }

    /**
     * A reader over {@code connection}, to this reader's database or to a copy of it made since this reader's last
     * read ({@link EphemeralDatabase#copy()}), that patches its first read from this reader's last snapshot instead of
     * reading in full; null where it cannot (the default). This reader keeps its own state and may be resumed again.
     */
    default SchemaReader resumeOn(Connection connection) throws SQLException {
        return null;
    }

    /** Something failed part-way: the next {@link #read()} reads in full. */
    void forget();

    /** Null when reads are patched from the last one; else why every read is a full one. */
    String fullReadsOnly();

    /**
     * Why reads that could be patched on this engine are full ones here (a user who may not create event triggers),
     * for the report to say once; null when there is nothing the user could change.
     */
    default String fallback() {
        return null;
    }
}
