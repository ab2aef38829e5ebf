package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.internal.sql.PreparedOnServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
        return PreparedOnServer.prepare(connection, sql);
    }

    /**
     * As {@link #statement}, for queries that look catalog rows up by oid: they run, and are planned, with sequential
     * scans off. A plan is kept for the session, and it is made from the catalogs' sizes when it is first made: on a
     * new database {@code pg_index}, {@code pg_constraint} and {@code pg_attrdef} are a few pages, so the planner
     * scanned them whole rather than use their indexes, and went on doing so as the history filled them (auto_explain
     * on a 300-migration history: the DDL log's drain read 20 pages of {@code pg_index} per run by the end). Where the
     * session also runs other queries (data fingerprints, which must scan), the setting does not outlive the
     * statement: it is made for the implicit transaction the statement's round trip runs in ({@code set_config(...,
     * true)}), so the server drops it at the end of that round trip, or with a failure's rollback, and no statement
     * of the round trip has to reset it (three statements fewer per lookup than a {@code set} and a {@code reset} of
     * each; {@code SET LOCAL} would warn outside a transaction block). Up to PostgreSQL 17 a plan without sequential
     * scans carries their penalty in its cost, far above {@code jit_above_cost}: JIT compilation is turned off
     * alongside (where the server has it, it took ~290 ms per drain of the DDL log). The settings come back as a
     * result of their own before the query's: {@link #rows} skips it, as {@code CatalogRows} does for
     * {@link #LOOKUP_RESULTS}.
     */
    static PreparedStatement lookups(Connection connection, String sql) throws SQLException {
        // no JIT, and no such setting, before PostgreSQL 11 (the driver knows the version: no round trip)
        boolean jit = connection.getMetaData().getDatabaseMajorVersion() >= 11;
        return statement(connection, "select set_config('enable_seqscan', 'off', true)"
                + (jit ? ", set_config('jit', 'off', true)" : "") + ";\n" + sql);
    }

    /** Results a statement of {@link #lookups} returns before its query's own: the row of the settings it made. */
    static final int LOOKUP_RESULTS = 1;

    /** Runs a statement of {@link #lookups} and returns its query's rows. */
    static ResultSet rows(PreparedStatement statement) throws SQLException {
        statement.execute();
        // past the settings' row to the query's
        if (!statement.getMoreResults()) {
            throw new SQLException("the catalog query returned no rows");
        }
        return statement.getResultSet();
    }
}
