package dev.rehearsal.snapshots.internal;

import org.apiguardian.api.API;
import dev.rehearsal.core.db.Dialect;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Connections to a database Rehearsal does not own, each made read-only by the engine's dialect before anyone uses
 * it: the migration tool reading its history table on a live server cannot create or change anything there.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ReadOnlyDataSource implements ConnectionSource {

    private final DataSource delegate;
    private final Dialect dialect;

    public ReadOnlyDataSource(DataSource delegate, Dialect dialect) {
        this.delegate = delegate;
        this.dialect = dialect;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = delegate.getConnection();
        try {
            dialect.readOnlySession(c);
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }
}
