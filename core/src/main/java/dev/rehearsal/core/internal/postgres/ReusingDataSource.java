package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.internal.sql.DelegatingDataSource;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Keeps a few connections to one throwaway database open and hands them out again, so that the many short
 * sessions of a rehearsal (Flyway opens one or two per migrate) do not each pay for a new backend. A connection
 * comes back reset: open transaction rolled back, auto-commit on, and its session state (settings such as
 * {@code lock_timeout}, role, temporary tables, advisory locks, cursors, listeners) discarded, so nothing one
 * migration set leaks into the next.
 */
final class ReusingDataSource extends DelegatingDataSource implements AutoCloseable {

    private static final String RESET = "reset all; set session authorization default; close all; unlisten *;"
            + " select pg_advisory_unlock_all(); discard temp; discard sequences";
    private static final int MAX_IDLE = 4;

    private final DataSource target;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

    ReusingDataSource(DataSource target) {
        this.target = target;
    }

    @Override
    protected DataSource target() {
        return target;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection physical = null;
        synchronized (idle) {
            while (physical == null && !idle.isEmpty()) {
                Connection candidate = idle.pop();
                if (!candidate.isClosed()) {
                    physical = candidate;
                }
            }
        }
        if (physical == null) {
            physical = target.getConnection();
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Handle(physical));
    }

    /**
     * Resets a connection and keeps it for the next user. Read-only mode and the isolation level are reset only when
     * the user set them ({@code getTransactionIsolation} asks the server, a round trip per hand-back otherwise).
     */
    private void giveBack(Connection physical, boolean modesChanged) {
        try {
            if (!physical.getAutoCommit()) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
            if (modesChanged) {
                if (physical.isReadOnly()) {
                    physical.setReadOnly(false);
                }
                if (physical.getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED) {
                    physical.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                }
            }
            try (Statement st = physical.createStatement()) {
                st.execute(RESET);
            }
            synchronized (idle) {
                if (!closed && idle.size() < MAX_IDLE) {
                    idle.push(physical);
                    return;
                }
            }
        } catch (SQLException e) {
            // a broken connection is not reused
        }
        closeQuietly(physical);
    }

    /** Closes the idle connections and keeps going: the next {@link #getConnection()} opens a new one. */
    void closeIdle() {
        synchronized (idle) {
            idle.forEach(ReusingDataSource::closeQuietly);
            idle.clear();
        }
    }

    /** Closes the idle connections; connections in use close when their users close them. */
    @Override
    public void close() {
        synchronized (idle) {
            closed = true;
            idle.forEach(ReusingDataSource::closeQuietly);
            idle.clear();
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a connection to a database about to be dropped
        }
    }

    private final class Handle implements InvocationHandler {
        private final Connection physical;
        private boolean released;
        private boolean modesChanged;

        Handle(Connection physical) {
            this.physical = physical;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    if (!released) {
                        released = true;
                        giveBack(physical, modesChanged);
                    }
                    return null;
                }
                case "isClosed" -> {
                    return released || physical.isClosed();
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "reused " + physical;
                }
                default -> {
                    if (released) {
                        throw new SQLException("This connection was closed", "08003");
                    }
                    if (method.getName().equals("setReadOnly") || method.getName().equals("setTransactionIsolation")) {
                        modesChanged = true;
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }
            }
        }
    }
}
