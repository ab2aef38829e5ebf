package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.locks.AtomicityRisks;
import dev.rehearsal.core.internal.sql.LentConnection;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * <p>A lent connection behaves as a connection of its own inside that transaction: its {@code commit()} checks the
 * deferred constraints as a real commit does, failing with their violation, then moves a savepoint forward (what it
 * committed stays, until the rollback), its {@code rollback()} goes back to that savepoint
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

    /**
     * Runs the migration tool as production runs it, on a session that otherwise carries Rehearsal's reads:
     * <ul>
     * <li>a failed statement aborts the transaction (no savepoint per statement), so a tool that catches an error and
     * carries on meets the engine's 25P02 as it would there; a failure leaves what the tool last committed, as a real
     * rollback or a closed connection would;</li>
     * <li>the tool starts with a new session's settings, and what it sets ({@code SET}, {@code SET ROLE}) is taken back
     * after it, as its own session would end ({@link Dialect#asNewSession});</li>
     * <li>session-level locks it took and did not release (advisory locks) are released, as the end of its session
     * releases them.</li>
     * </ul>
     */
    void runTool(Runnable tool) {
        AutoCloseable own;
        try {
            dialect.rollBackFailedStatementsAlone(session, false);
            own = dialect.asNewSession(session);
        } catch (SQLException e) {
            throw failed("prepare for the migration", session.toString(), e);
        }
        RuntimeException failure = null;
        try {
            tool.run();
        } catch (RuntimeException e) {
            failure = e;
            try {
                backToCommitPoint();
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
        }
        try {
            own.close();
            dialect.releaseSessionLocks(session);
            dialect.rollBackFailedStatementsAlone(session, true);
        } catch (Exception e) {
            RuntimeException after = failed("end the migration's session state in", session.toString(),
                    e instanceof SQLException sql ? sql : new SQLException(e.getMessage(), "XX000", e));
            if (failure == null) {
                throw after;
            }
            failure.addSuppressed(after);
        }
        if (failure != null) {
            throw failure;
        }
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
                        if (value) {
                            dialect.checkConstraintsAsCommitWould(session);
                        }
                        moveCommitPoint();
                    }
                    autoCommit = value;
                    return null;
                }
                case "commit" -> {
                    // a real commit checks the deferred constraints and fails with their violation
                    dialect.checkConstraintsAsCommitWould(session);
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
            if (method.getName().equals("unwrap") && args[0] == Connection.class) {
                return proxy;
            }
            if (ended) {
                throw new SQLException("The transaction Rehearsal held for the up has ended: this connection, lent"
                        + " while it was held, cannot be used any more; take a new one from the data source", "08003");
            }
            Object result;
            try {
                result = method.invoke(session, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            // a statement's getConnection() is this connection, not the session: its commit must stay a savepoint
            return result instanceof Statement statement ? statementOf(statement, (Connection) proxy) : result;
        }
    }

    /** {@code statement}, whose {@code getConnection()} answers {@code lent}; its other methods are its own. */
    private static Statement statementOf(Statement statement, Connection lent) {
        Class<?>[] kinds = statement instanceof CallableStatement ? new Class<?>[] {CallableStatement.class}
                : statement instanceof PreparedStatement ? new Class<?>[] {PreparedStatement.class}
                : new Class<?>[] {Statement.class};
        return (Statement) Proxy.newProxyInstance(HeldTransaction.class.getClassLoader(), kinds, (proxy, method, args) -> {
            if (method.getName().equals("getConnection") && (args == null || args.length == 0)) {
                return lent;
            }
            try {
                return method.invoke(statement, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** A failure to end the transaction, named for the report. */
    static RehearsalException failed(String what, String database, SQLException e) {
        return new RehearsalException("Could not " + what + " the transaction held for the restore on " + database
                + " (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
    }
}
