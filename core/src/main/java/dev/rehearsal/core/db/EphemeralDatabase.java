package dev.rehearsal.core.db;

import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

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

    /**
     * Where this database is and the credentials to reach it, for programs that connect on their own (a migration
     * tool run through its own command). The default reads the host, port, database and user from a connection and
     * has no password: providers whose servers ask for one override it.
     *
     * @throws dev.rehearsal.core.model.RehearsalException when no connection can be made to read them
     */
    default ConnectionDetails connectionDetails() {
        try (Connection c = dataSource().getConnection()) {
            URI uri = URI.create(c.getMetaData().getURL().replaceFirst("^jdbc:", ""));
            if (uri.getHost() == null || uri.getPort() <= 0) {
                throw new IllegalArgumentException("its URL names no host and port");
            }
            return new ConnectionDetails(uri.getHost(), uri.getPort(), name(), c.getMetaData().getUserName(), "");
        } catch (SQLException | IllegalArgumentException e) {
            throw new RehearsalException("Could not read where " + name() + " is (" + jdbcUrl()
                    + "): " + e.getMessage(), e);
        }
    }

    /** The engine's dialect. */
    Dialect dialect();

    /**
     * A new throwaway database holding this one's schema and data as they are now, made in milliseconds (PostgreSQL's
     * {@code CREATE DATABASE ... TEMPLATE}): the restore point a migration without a down script is re-applied on.
     * Every connection to this database must be closed first, except the idle ones this database keeps itself. Empty
     * where the engine or provider cannot copy a database quickly; the caller closes the copy.
     *
     * @throws dev.rehearsal.core.model.RehearsalException naming the database when the copy fails
     */
    default Optional<EphemeralDatabase> copy() {
        return Optional.empty();
    }

    /**
     * Closes the database's connections and drops it. A provider may drop in the background or in batches; the
     * database is gone at the latest when its provider closes. Safe to call twice.
     */
    @Override
    void close();
}
