package dev.rehearsal.core.internal.sql;

import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.model.Migration;
import org.apiguardian.api.API;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a script statement by statement, as a migration tool would: in one transaction, or in auto-commit when a
 * statement cannot run inside a transaction ({@code CREATE INDEX CONCURRENTLY}). A failing statement rolls the
 * transaction back and is reported with its line, text and SQLState.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ScriptRunner {

    /**
     * Work done in the script's transaction after its statements (such as updating the tool's history table). It may
     * send the commit with its own writes, one round trip for both; the runner's commit then has nothing to do.
     */
    @FunctionalInterface
    public interface Epilogue {
        void run(Connection connection) throws SQLException;
    }

    private ScriptRunner() {
    }

    /**
     * Runs {@code sql} (placeholders already replaced) on {@code connection}.
     *
     * @param phase     {@code down}, {@code up}: how the failure message names the step
     * @param migration the migration the script belongs to
     * @param script    the script's name for messages
     */
    public static void run(Connection connection, Dialect dialect, String phase, Migration migration, String script,
                           String sql, Epilogue epilogue) {
        run(connection, dialect, phase, migration, script, sql, ScriptTransaction.ONE_UNLESS_A_STATEMENT_CANNOT, epilogue);
    }

    /**
     * As {@link #run(Connection, Dialect, String, Migration, String, String, Epilogue)}, with the statements grouped
     * into transactions as {@code transaction} says the tool groups them.
     */
    public static void run(Connection connection, Dialect dialect, String phase, Migration migration, String script,
                           String sql, ScriptTransaction transaction, Epilogue epilogue) {
        run(connection, dialect, phase, migration, script, sql, transaction, false, epilogue);
    }

    /**
     * As {@link #run(Connection, Dialect, String, Migration, String, String, ScriptTransaction, Epilogue)};
     * {@code failAtEnd}
     * makes the script fail with a {@link ForcedFailure} where a failure at its very end would strike: before the
     * commit when the statements run in a transaction (the epilogue does not run), or in place of the last statement
     * when they run in auto-commit, where each earlier statement has committed by itself.
     */
    public static void run(Connection connection, Dialect dialect, String phase, Migration migration, String script,
                           String sql, ScriptTransaction transaction, boolean failAtEnd, Epilogue epilogue) {
        run(connection, dialect, phase, migration, script, sql, transaction, failAtEnd, epilogue, w -> { });
    }

    /**
     * As {@link #run(Connection, Dialect, String, Migration, String, String, ScriptTransaction, boolean, Epilogue)};
     * {@code warnings} is told each warning the server raised for a statement ({@code NOTICE}s included), as a
     * migration tool that logs them would be.
     */
    public static void run(Connection connection, Dialect dialect, String phase, Migration migration, String script,
                           String sql, ScriptTransaction transaction, boolean failAtEnd, Epilogue epilogue,
                           Consumer<SQLWarning> warnings) {
        List<SqlStatement> statements = dialect.split(sql);
        if (!failAtEnd && transaction.sendsWhole(dialect, statements)) {
            runWhole(connection, phase, migration, script, sql, epilogue, warnings);
            return;
        }
        boolean transactional = transaction.inOne(dialect, statements);
        SqlStatement current = null;
        try {
            connection.setAutoCommit(!transactional);
            try (Statement st = connection.createStatement()) {
                for (int i = 0; i < statements.size(); i++) {
                    SqlStatement statement = statements.get(i);
                    current = statement;
                    if (failAtEnd && !transactional && i == statements.size() - 1) {
                        throw new ForcedFailure();
                    }
                    if (statement.copyData() != null) {
                        dialect.copyIn(connection, statement.sql(), statement.copyData());
                    } else {
                        st.execute(statement.sql());
                        for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
                            warnings.accept(w);
                        }
                    }
                }
                current = null;
                if (failAtEnd) {
                    throw new ForcedFailure();
                }
                epilogue.run(connection);
            }
            if (transactional) {
                connection.commit();
            }
        } catch (SQLException e) {
            if (transactional) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
            } else {
                // a script that opened its own transaction (BEGIN; ... COMMIT;, as Sqitch's do) and failed inside it
                // leaves the session in that aborted transaction; psql would have ended the session
                try (Statement end = connection.createStatement()) {
                    end.execute(WrappingDataSource.OWN + "rollback");
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
            }
            // a failing batch (a history table's write, or the commit sent with it) wraps the server's error
            SQLException server = e instanceof BatchUpdateException && e.getNextException() != null
                    ? e.getNextException() : e;
            throw new MigrationFailedException(phase, migration, script, current == null ? 0 : current.line(),
                    current == null ? null : current.sql(), server.getSQLState(), server.getMessage(), e);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is closed by the caller; nothing more to restore
            }
        }
    }

    /**
     * Sends {@code sql} as one query, as the tool does ({@link ScriptTransaction#sendsWhole}), then runs the epilogue on
     * its own, as the tool writes its version row after the query. A failure names the script, not a statement: the
     * server does not say which statement of a query failed.
     */
    private static void runWhole(Connection connection, String phase, Migration migration, String script, String sql,
                                 Epilogue epilogue, Consumer<SQLWarning> warnings) {
        try {
            connection.setAutoCommit(true);
            try (Statement st = connection.createStatement()) {
                st.execute(sql);
                for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
                    warnings.accept(w);
                }
            }
            epilogue.run(connection);
        } catch (SQLException e) {
            throw new MigrationFailedException(phase, migration, script, 0, "(the whole file, sent as one query as the"
                    + " tool sends it)", e.getSQLState(), e.getMessage(), e);
        }
    }
}
