package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.LockSupport;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Connections for probes and the lock poller, set up once ({@link LockSupport#probeSession}) and kept open for the
 * life of one throwaway database, so that observing a migration does not pay for new sessions each time.
 * {@link #close()} closes them all.
 */
public final class ProbeConnections implements AutoCloseable {

    private final DataSource source;
    private final LockSupport support;
    private final long statementTimeoutMillis;
    private final Deque<Connection> idle = new ArrayDeque<>();

    public ProbeConnections(DataSource source, LockSupport support, long statementTimeoutMillis) {
        this.source = source;
        this.support = support;
        this.statementTimeoutMillis = statementTimeoutMillis;
    }

    synchronized Connection take() throws SQLException {
        while (!idle.isEmpty()) {
            Connection c = idle.pop();
            if (!c.isClosed()) {
                return c;
            }
        }
        Connection c = source.getConnection();
        try (Statement st = c.createStatement()) {
            for (String sql : support.probeSession(statementTimeoutMillis)) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    synchronized void give(Connection c, boolean reusable) {
        try {
            if (reusable && !c.isClosed()) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
                idle.push(c);
                return;
            }
            c.close();
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // a broken probe connection is dropped
            }
        }
    }

    @Override
    public synchronized void close() {
        for (Connection c : idle) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the database is about to be dropped
            }
        }
        idle.clear();
    }
}
