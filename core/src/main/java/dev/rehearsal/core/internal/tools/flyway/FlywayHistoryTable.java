package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.sql.PreparedOnServer;
import dev.rehearsal.core.model.MigrationVersion;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Flyway's history table on the rehearsed database: where it lives, whether it exists yet, and the highest version
 * it records as applied.
 */
final class FlywayHistoryTable {

    private final String table;
    private final String schema;
    private final Dialect dialect;
    private volatile Optional<String> connectionSchema; // where no schema is configured: see quoted

    /** {@code schema} is null where Flyway's configuration names none. */
    FlywayHistoryTable(String table, String schema, Dialect dialect) {
        this.table = table;
        this.schema = schema;
        this.dialect = dialect;
    }

    /** The table's name, without its schema. */
    String name() {
        return table;
    }

    /** The configured schema, or null. */
    String schema() {
        return schema;
    }

    /** The table as the configuration names it, for messages. */
    String describe() {
        return (schema == null ? "" : schema + ".") + table;
    }

    /**
     * The table in Flyway's schema, quoted as the engine needs. With no schema configured, Flyway takes the
     * connection's current schema when it starts and names the table with it from then on; so does Rehearsal, so a
     * migration that changes {@code search_path} does not move the table Rehearsal records it in.
     */
    String quoted(Connection c) throws SQLException {
        if (schema == null && connectionSchema == null) {
            connectionSchema = Optional.ofNullable(c.getSchema()); // none on engines without schemas
        }
        String in = schema != null ? schema : connectionSchema.orElse(null);
        return dialect.quote(in == null ? table : in + "." + table);
    }

    boolean exists(Connection c) throws SQLException {
        return dialect.tableExists(c, schema, table);
    }

    /** Whether the table exists; true when the database cannot say, since Flyway itself will say what is wrong. */
    boolean existsYet(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return exists(c);
        } catch (SQLException e) {
            return true;
        }
    }

    /**
     * The highest version recorded as applied, empty when none is; fails where the table does not exist. The query
     * is prepared on the server, as a session reads it once or twice per phase (planned each time, it cost the
     * server ~0.3 ms a read).
     */
    Optional<MigrationVersion> highestApplied(Connection c) throws SQLException {
        String sql = "select version from " + quoted(c) + " where success and version is not null";
        try (PreparedStatement st = PreparedOnServer.prepare(c, sql); ResultSet rs = st.executeQuery()) {
            MigrationVersion max = null;
            while (rs.next()) {
                MigrationVersion v = MigrationVersion.parse(rs.getString(1));
                if (max == null || v.compareTo(max) > 0) {
                    max = v;
                }
            }
            return Optional.ofNullable(max);
        }
    }

    /**
     * As {@link #highestApplied}, empty where the table does not exist yet. Asks whether it exists only when the read
     * fails: once Flyway made it, this is one round trip per phase instead of three (the driver's table listing,
     * which also asks for the current schema, then the read).
     */
    Optional<MigrationVersion> currentVersion(Connection c) throws SQLException {
        try {
            return highestApplied(c);
        } catch (SQLException failed) {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            if (!exists(c)) {
                return Optional.empty();
            }
            throw failed;
        }
    }
}
