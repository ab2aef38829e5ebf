package dev.rehearsal.core.internal.sql;

import org.apiguardian.api.API;
import org.postgresql.PGStatement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Statements Rehearsal runs again and again on one session, prepared on the server from their first run. pgjdbc
 * sends a statement's first four runs unnamed ({@code prepareThreshold=5}), and the server parses and plans each of
 * them again; a named statement is planned once and kept while the tables it reads keep their shape (the server
 * plans it again by itself after DDL on them). Other drivers prepare as they do.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PreparedOnServer {

    private PreparedOnServer() {
    }

    /** {@code sql} prepared on {@code connection}, named on the server from its first run where the driver can. */
    public static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        if (statement.isWrapperFor(PGStatement.class)) {
            statement.unwrap(PGStatement.class).setPrepareThreshold(1);
        }
        return statement;
    }

    /**
     * Whether {@code e} is pgjdbc describing a statement it prepared on the server before DDL changed what the
     * statement returns ({@code cached plan must not change result type}, which pgjdbc only retries by itself when it
     * runs one in auto-commit, not when it describes one).
     */
    public static boolean staleAfterDdl(SQLException e) {
        return "0A000".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("cached plan");
    }

    /**
     * Forgets every statement prepared on the server in {@code connection}'s session ({@code DEALLOCATE ALL}, which
     * pgjdbc follows by preparing its own again as needed), after {@link #staleAfterDdl}.
     */
    public static void forgetAll(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("DEALLOCATE ALL");
        }
    }
}
