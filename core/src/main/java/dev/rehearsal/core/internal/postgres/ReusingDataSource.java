package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.internal.sql.DelegatingDataSource;
import dev.rehearsal.core.internal.sql.SessionsAhead;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Keeps a few connections to one throwaway database open and hands them out again, so that the many short
 * sessions of a rehearsal (Flyway opens one or two per migrate) do not each pay for a new backend. A connection
 * comes back reset: open transaction rolled back, auto-commit on, and its session state (settings such as
 * {@code lock_timeout}, role, temporary tables, advisory locks, cursors, listeners) discarded, so nothing one
 * migration set leaks into the next.
 *
 * <p>The discard is a round trip, and a rehearsal hands a connection back after every phase, just before it reads the
 * schema on its own session: it runs on a background thread, while the rehearsal goes on, and the next user of
 * the connection waits for it to end. A connection whose discard failed is
 * closed there, and the next user gets another. A rehearsal also has the sessions it will need opened ahead, together
 * ({@link SessionsAhead}).
 */
final class ReusingDataSource extends DelegatingDataSource implements SessionsAhead, AutoCloseable {

    private static final String RESET = "reset all; set session authorization default; close all; unlisten *;"
            + " select pg_advisory_unlock_all(); discard temp; discard sequences";
    private static final int MAX_IDLE = 4;
    /**
     * Threads that discard the session state of handed-back connections and open sessions ahead; they end after a
     * minute unused.
     */
    private static final ExecutorService SESSIONS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "rehearsal-sessions");
        thread.setDaemon(true);
        return thread;
    });

    private final DataSource target;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    /**
     * A session kept for the next user: one handed back, whose session state is being discarded, or one being opened
     * ahead ({@link #openAhead}). Either may still be on its way.
     */
    private record Idle(CompletableFuture<Connection> session) {

        /** Waits for the session; null when its discard or its opening failed (a broken one is closed). */
        Connection ready() {
            try {
                return session.join();
            } catch (CompletionException | CancellationException e) {
                return null;
            }
        }
    }

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
        while (physical == null) {
            Idle candidate;
            synchronized (idle) {
                candidate = idle.poll();
            }
            if (candidate == null) {
                break;
            }
            Connection session = candidate.ready();
            if (session != null && !session.isClosed()) {
                physical = session;
            }
        }
        if (physical == null) {
            physical = target.getConnection();
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Handle(physical));
    }

    /**
     * Keeps a connection for the next user, its session state discarded in the background. The transaction is rolled
     * back here, at once, so that no lock outlives the user's close. Read-only mode and the isolation level are reset
     * only when the user set them ({@code getTransactionIsolation} asks the server, a round trip per hand-back
     * otherwise).
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
            synchronized (idle) {
                if (!closed && idle.size() < MAX_IDLE) {
                    idle.push(new Idle(CompletableFuture.supplyAsync(() -> reset(physical), SESSIONS)));
                    return;
                }
            }
        } catch (SQLException e) {
            // a broken connection is not reused
        }
        closeQuietly(physical);
    }

    /** Discards the session state; a connection that fails it is broken, closed, and not reused. */
    private static Connection reset(Connection physical) {
        try (Statement st = physical.createStatement()) {
            st.execute(RESET);
            return physical;
        } catch (SQLException e) {
            closeQuietly(physical);
            throw new CompletionException(e);
        }
    }

    @Override
    public void openAhead(int sessions) {
        synchronized (idle) {
            for (int i = idle.size(); i < Math.min(sessions, MAX_IDLE) && !closed; i++) {
                idle.addLast(new Idle(CompletableFuture.supplyAsync(() -> {
                    try {
                        return target.getConnection();
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                }, SESSIONS)));
            }
        }
    }

    /** Closes the idle connections and keeps going: the next {@link #getConnection()} opens a new one. */
    void closeIdle() {
        closeAll(false);
    }

    /** Closes the idle connections; connections in use close when their users close them. */
    @Override
    public void close() {
        closeAll(true);
    }

    /** Closes the idle connections once their discards have ended (a database is dropped or copied next). */
    private void closeAll(boolean forGood) {
        List<Idle> kept;
        synchronized (idle) {
            closed |= forGood;
            kept = new ArrayList<>(idle);
            idle.clear();
        }
        for (Idle i : kept) {
            Connection session = i.ready();
            if (session != null) {
                closeQuietly(session);
            }
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
