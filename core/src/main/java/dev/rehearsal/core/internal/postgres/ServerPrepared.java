package dev.rehearsal.core.internal.postgres;

import org.postgresql.PGStatement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Rehearsal's own queries on the catalog and the lock views, prepared on the server from their first run. pgjdbc
 * sends a statement's first four runs unnamed ({@code prepareThreshold=5}), and the server parses and plans each of
 * them again: for a schema read of six to ten catalog queries, planning took about three times as long as running
 * them (the server's statement log: 0.7 ms to bind the relations query unnamed, 0.1-0.2 ms named), and a
 * 12-migration rehearsal makes 36 such reads on a new session. These queries' columns never change shape, so a
 * server-prepared statement stays valid across the migrations' DDL.
 */
final class ServerPrepared {

    private ServerPrepared() {
    }

    static PreparedStatement statement(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        if (statement.isWrapperFor(PGStatement.class)) {
            statement.unwrap(PGStatement.class).setPrepareThreshold(1);
        }
        return statement;
    }
}
