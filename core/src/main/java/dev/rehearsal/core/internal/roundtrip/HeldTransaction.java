package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.locks.AtomicityRisks;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.internal.sql.LentConnection;
import dev.rehearsal.core.model.RehearsalException;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A transaction Rehearsal opens on its own session before an up and rolls back after its checks, so that the state
 * before the up comes back without copying the database (PostgreSQL's DDL is transactional). While it is held, every
 * connection the session hands out, to the migration tool and to the checks, is {@link #lend() lent}: it runs on
 * this one session, so the checks see what the up wrote and never wait on the locks it still holds.
 *
 * <p>A lent connection behaves as a connection of its own inside that transaction: its {@code commit()} moves a
 * savepoint forward (what it committed stays, until the rollback), its {@code rollback()} goes back to that savepoint
 * (what it did since its last commit is gone, as on a real rollback), {@code setAutoCommit} only changes what
 * {@code getAutoCommit()} answers, and {@code close()} leaves the session open. A failed statement rolls back alone
 * (the dialect's {@link Dialect#rollBackFailedStatementsAlone}), as it would where it committed by itself, so a
 * check whose query fails leaves the transaction usable for the next.
 */
final class HeldTransaction {

    /** The savepoint a lent connection's commit moves forward and its rollback goes back to. */
    private static final String COMMITTED = "rehearsal_committed";

    private final Connection session;
    private final Dialect dialect;
    private final Map<String, String> counters;
    private boolean ended;

    private HeldTransaction(Connection session, Dialect dialect, Map<String, String> counters) {
        this.session = session;
        this.dialect = dialect;
        this.counters = counters;
    }

    /**
     * Whether the up of {@code migration} can be rehearsed inside a transaction that its restore rolls back: the
     * engine's DDL is transactional, the tool applies the migration in one transaction on the data source Rehearsal
     * gave it, and no statement of it ends a transaction or must run outside one.
     */
    static boolean possible(Dialect dialect, MigrationTool tool, Migration migration) {
        String sql = migration.up().sql();
        return dialect.rollsBackDdl() && sql != null && tool.appliesInOneTransaction(migration)
                && dialect.split(sql).stream().noneMatch(st -> dialect.mustRunOutsideTransaction(st.sql())
                || AtomicityRisks.controlsTransaction(st.sql()));
    }

    /**
     * Opens the transaction on {@code session} (autocommit, idle), reading first the sequences' counters, which a
     * rollback does not take back.
     */
    static HeldTransaction begin(Connection session, Dialect dialect) throws SQLException {
        Map<String, String> counters = dialect.data(session).counters();
        session.setAutoCommit(false);
        try {
            dialect.rollBackFailedStatementsAlone(session, true);
            try (Statement st = session.createStatement()) {
                st.execute("savepoint " + COMMITTED);
            }
        } catch (SQLException | RuntimeException e) {
            session.rollback();
            dialect.rollBackFailedStatementsAlone(session, false);
            session.setAutoCommit(true);
            throw e;
        }
        return new HeldTransaction(session, dialect, counters);
    }

    /** A connection running on the held transaction, as described above; each one has its own autocommit view. */
    Connection lend() {
        return (Connection) Proxy.newProxyInstance(HeldTransaction.class.getClassLoader(),
                new Class<?>[] {Connection.class, LentConnection.class}, new Lent());
    }

    /**
     * Rolls the transaction back, sets the sequences back where the up moved them, and gives the session back in
     * autocommit. The database is then as it was when the transaction began.
     */
    void rollBack() throws SQLException {
        end(false);
        Map<String, String> now = dialect.data(session).counters();
        Map<String, String> moved = new LinkedHashMap<>();
        counters.forEach((sequence, value) -> {
            if (!value.equals(now.get(sequence))) {
                moved.put(sequence, value);
            }
        });
        dialect.data(session).restoreCounters(moved);
    }

    /** Commits what the lent connections committed: the database keeps it, as after a real run of the tool. */
    void commit() throws SQLException {
        end(true);
    }

    private void end(boolean commit) throws SQLException {
        if (ended) {
            return;
        }
        ended = true;
        try {
            if (commit) {
                session.commit();
            } else {
                session.rollback();
            }
        } finally {
            dialect.rollBackFailedStatementsAlone(session, false);
            session.setAutoCommit(true);
        }
    }

    private void moveCommitPoint() throws SQLException {
        try (Statement st = session.createStatement()) {
            st.execute("release savepoint " + COMMITTED + "; savepoint " + COMMITTED);
        }
    }

    private void backToCommitPoint() throws SQLException {
        try (Statement st = session.createStatement()) {
            st.execute("rollback to savepoint " + COMMITTED);
        }
    }

    /** One lent connection: its own autocommit view and closed flag over the shared session. */
    private final class Lent implements InvocationHandler {
        private boolean autoCommit = true;
        private boolean closed;

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "connection lent from the held transaction on " + session;
                }
                case "isWrapperFor" -> {
                    if (args[0] == LentConnection.class) {
                        return true;
                    }
                }
                case "unwrap" -> {
                    if (args[0] == LentConnection.class) {
                        return proxy;
                    }
                }
                case "close" -> {
                    closed = true;
                    return null;
                }
                case "isClosed" -> {
                    return closed || session.isClosed();
                }
                case "getAutoCommit" -> {
                    return autoCommit;
                }
                case "setAutoCommit" -> {
                    boolean value = (Boolean) args[0];
                    if (value != autoCommit) {
                        // on: JDBC commits the open transaction; off: a transaction starts, which a rollback undoes
                        // alone (not what this connection ran in autocommit before, nor what others committed)
                        moveCommitPoint();
                    }
                    autoCommit = value;
                    return null;
                }
                case "commit" -> {
                    moveCommitPoint();
                    return null;
                }
                case "rollback" -> {
                    if (args == null || args.length == 0) {
                        backToCommitPoint();
                        return null;
                    }
                }
                default -> {
                }
            }
            if (ended) {
                throw new SQLException("The transaction Rehearsal held for the up has ended: this connection, lent"
                        + " while it was held, cannot be used any more; take a new one from the data source", "08003");
            }
            try {
                return method.invoke(session, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /** A failure to end the transaction, named for the report. */
    static RehearsalException failed(String what, String database, SQLException e) {
        return new RehearsalException("Could not " + what + " the transaction held for the restore on " + database
                + " (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
    }
}
