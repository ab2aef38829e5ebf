package dev.rehearsal.core.db;

import org.apiguardian.api.API;

import javax.sql.DataSource;

/**
 * A throwaway database that exists for one test: created empty (or from a prepared template) by a
 * {@link DatabaseProvider}, and dropped by {@link #close()}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface EphemeralDatabase extends AutoCloseable {

    /** The database's name on its server ({@code rehearsal_3f9a...}). */
    String name();

    /** A data source whose connections go to this database. */
    DataSource dataSource();

    /** The JDBC URL of this database, without credentials. */
    String jdbcUrl();

    /** The engine's dialect. */
    Dialect dialect();

    /**
     * Closes the database's connections and drops it. A provider may drop in the background or in batches; the
     * database is gone at the latest when its provider closes. Safe to call twice.
     */
    @Override
    void close();
}
