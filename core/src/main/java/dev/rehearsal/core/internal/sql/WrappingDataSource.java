package dev.rehearsal.core.internal.sql;

import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A data source whose connections are another one's, each handed out through {@link #wrap}: the base of wrappers that
 * watch what runs on a connection without pooling or changing it (the lock tracer's, the recorder of Flyway's
 * statements).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public abstract class WrappingDataSource extends DelegatingDataSource {

    /**
     * How a statement Rehearsal itself sends on a migration's connection begins (ending the transaction a failed
     * script left open): wrappers pass it on without counting it among the migration's statements. Random for each
     * JVM, so that no migration's own statement can carry it.
     */
    public static final String OWN = "/* rehearsal " + UUID.randomUUID() + " */ ";

    private final DataSource target;

    protected WrappingDataSource(DataSource target) {
        this.target = target;
    }

    @Override
    protected final DataSource target() {
        return target;
    }

    /** The connection to hand out for {@code physical}, one of the target's. */
    protected abstract Connection wrap(Connection physical);

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(target.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(target.getConnection(username, password));
    }
}
