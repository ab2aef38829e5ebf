package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.EngineLocks;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
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

    /** The engine's way with probe sessions: to cancel one, among others. */
    EngineLocks support() {
        return support;
    }

    Connection take() throws SQLException {
        synchronized (this) {
            while (!idle.isEmpty()) {
                Connection c = idle.pop();
                if (!c.isClosed()) {
                    return c;
                }
            }
        }
        return open();
    }

    /**
     * Opens sessions until {@code wanted} are idle, several at once. A new session costs the server a backend start,
     * and a database no session has used yet, such as a restored copy, needs all of its observer and probe sessions
     * anew: opened one after the other, their starts would add up in the phase.
     */
    void prepare(int wanted) throws SQLException {
        int missing;
        synchronized (this) {
            idle.removeIf(c -> {
                try {
                    return c.isClosed();
                } catch (SQLException e) {
                    return true;
                }
            });
            missing = wanted - idle.size();
        }
        if (missing <= 0) {
            return;
        }
        List<Connection> opened = Collections.synchronizedList(new ArrayList<>());
        List<SQLException> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> openers = new ArrayList<>();
        for (int i = 1; i < missing; i++) {
            Thread t = new Thread(() -> openInto(opened, failures), "rehearsal-probe-connect");
            t.setDaemon(true);
            t.start();
            openers.add(t);
        }
        openInto(opened, failures);
        // every opener is waited for, even when interrupted: a session one opened later would belong to no pool
        boolean interrupted = false;
        for (Thread t : openers) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            opened.forEach(idle::push);
        }
        if (!failures.isEmpty()) {
            SQLException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private void openInto(List<Connection> opened, List<SQLException> failures) {
        try {
            opened.add(open());
        } catch (SQLException e) {
            failures.add(e);
        }
    }

    /** A new session, set up for probing; the pool counts it as open. */
    private Connection open() throws SQLException {
        Connection c = source.getConnection();
        int backend;
        try (Statement st = c.createStatement()) {
            for (String sql : support.probeSession(statementTimeoutMillis)) {
                st.execute(sql);
            }
            backend = support.backendId(c);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        synchronized (this) {
            backends.put(c, backend);
            open++;
        }
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
