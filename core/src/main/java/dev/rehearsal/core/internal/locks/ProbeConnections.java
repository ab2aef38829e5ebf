package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.EngineLocks;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Connections for probes and the lock poller, set up once ({@link EngineLocks#probeSession}) and kept open for the
 * life of one throwaway database, so that observing a migration does not pay for new sessions each time.
 * {@link #close()} closes them all.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ProbeConnections implements AutoCloseable {

    private final DataSource source;
    private final EngineLocks support;
    private final long statementTimeoutMillis;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final Map<Connection, Integer> backends = new IdentityHashMap<>();
    private int open;

    public ProbeConnections(DataSource source, EngineLocks support, long statementTimeoutMillis) {
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
            backends.put(c, support.backendId(c));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        open++;
        return c;
    }

    /** The engine's id of a session this pool handed out (asked once, when the session was set up). */
    synchronized int backendOf(Connection c) {
        Integer id = backends.get(c);
        if (id == null) {
            throw new IllegalArgumentException("not a probe connection of this pool");
        }
        return id;
    }

    /** How many sessions this pool has open, idle or handed out: a test checks none leaks. */
    public synchronized int openSessions() {
        return open;
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
            discard(c);
        } catch (SQLException e) {
            discard(c);
        }
    }

    private void discard(Connection c) {
        backends.remove(c);
        open--;
        try {
            c.close();
        } catch (SQLException ignored) {
            // a broken probe connection is dropped: nothing to do with it but let it go
        }
    }

    @Override
    public synchronized void close() {
        for (Connection c : idle) {
            discard(c);
        }
        idle.clear();
    }
}
