package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.sql.ScriptRunner;
import dev.rehearsal.core.internal.sql.ScriptTransaction;
import dev.rehearsal.core.locks.StatementTrace;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The scripts Rehearsal runs as Flyway would run them, without Flyway: undo scripts (Flyway community cannot run
 * them) and, where Flyway would do nothing more than run SQL scripts and record them, the ups; each in its own
 * transaction with the history row Flyway keeps, its placeholders replaced as Flyway replaces them.
 * {@code FlywayDirectUpsTest} compares the rows and schema with Flyway's own.
 */
final class FlywayScripts {

    private final DataSource dataSource;
    private final Dialect dialect;
    private final MigrationHistory history;
    private final Map<MigrationVersion, String> flywayVersions;
    private final String schema;
    private final String table;
    private final String placeholderPrefix;
    private final String placeholderSuffix;
    private final Supplier<Map<String, String>> configuredPlaceholders;
    private final HistoryTable quotedTable;
    private final List<String> messages;
    /** The placeholder values that are the same for every script here, read at the first script. */
    private Map<String, String> fixedPlaceholders;

    FlywayScripts(DataSource dataSource, Dialect dialect, MigrationHistory history,
                  Map<MigrationVersion, String> flywayVersions, String schema, String table, String placeholderPrefix,
                  String placeholderSuffix, Supplier<Map<String, String>> configuredPlaceholders,
                  HistoryTable quotedTable, List<String> messages) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.history = history;
        this.flywayVersions = flywayVersions;
        this.schema = schema;
        this.table = table;
        this.placeholderPrefix = placeholderPrefix;
        this.placeholderSuffix = placeholderSuffix;
        this.configuredPlaceholders = configuredPlaceholders;
        this.quotedTable = quotedTable;
        this.messages = messages;
    }

    /** Flyway's history table as {@code c} names it, quoted: qualified with the schema Flyway keeps it in. */
    interface HistoryTable {
        String quoted(Connection c) throws SQLException;
    }

    /** Creates the schemas {@code names} where they do not exist; {@code from} says where the configuration came from. */
    static void createSchemas(DataSource dataSource, Dialect dialect, Collection<String> names, String from) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String name : names) {
                st.execute("create schema if not exists " + dialect.quote(name));
            }
        } catch (SQLException e) {
            throw new RehearsalException("Could not create the schemas the Flyway configuration names (" + names
                    + ", from " + from + "): " + e.getMessage(), e);
        }
    }

    /**
     * Applies the scripts after {@code current} up to {@code target} on {@code c}, each with its history row. As
     * Flyway, each migration's row is written with the role and search path the session had before it, and the next
     * migration starts with them: a script's {@code SET ROLE} or {@code SET search_path} reaches neither.
     */
    void applyUps(Connection c, MigrationVersion current, MigrationVersion target) throws SQLException {
        String historyTable = quotedTable.quoted(c);
        String restoreSession = dialect.sessionRestore(c).orElse(null);
        for (Migration m : history.versioned()) {
            if ((current != null && m.version().compareTo(current) <= 0) || (target != null && m.version().compareTo(target) > 0)) {
                continue;
            }
            MigrationScript up = m.up();
            String sql = FlywayPlaceholders.replace(up.sql(), placeholderValues(c, up), up.name(),
                    placeholderPrefix, placeholderSuffix);
            String flywayVersion = flywayVersions.getOrDefault(m.version(), m.version().toString());
            long started = System.nanoTime();
            ScriptRunner.run(c, dialect, "up", m, up.name(), sql, ScriptTransaction.ONE_UNLESS_A_STATEMENT_CANNOT,
                    false, conn -> {
                if (restoreSession != null) {
                    try (Statement st = conn.createStatement()) {
                        st.execute(restoreSession);
                    }
                }
                try (PreparedStatement ps = conn.prepareStatement("insert into " + historyTable
                        + " (installed_rank, version, description, type, script, checksum, installed_by,"
                        + " execution_time, success) select coalesce(max(installed_rank), 0) + 1, ?, ?, 'SQL', ?, ?,"
                        + " current_user, ?, true from " + historyTable)) {
                    ps.setString(1, flywayVersion);
                    ps.setString(2, m.description());
                    ps.setString(3, up.name());
                    if (m.checksum() == null) {
                        ps.setNull(4, Types.INTEGER);
                    } else {
                        ps.setInt(4, m.checksum());
                    }
                    ps.setInt(5, (int) ((System.nanoTime() - started) / 1_000_000));
                    ps.executeUpdate();
                }
            }, w -> {
                // what the server warned about; its notices (SQLSTATE 00000, IF NOT EXISTS's "..., skipping") are
                // counted with the phase's trace, as FlywayLog leaves them to it on Flyway's own path
                if (!StatementTrace.isNotice(w.getSQLState() + ": " + w.getMessage().strip())) {
                    messages.add("server WARNING: " + w.getMessage().strip() + " (SQLSTATE " + w.getSQLState()
                            + ", " + up.name() + ")");
                }
            });
        }
    }

    /** Runs the undo script of {@code migration} and deletes its history row, as Flyway would if it ran undo scripts. */
    void down(Migration migration, String expectedDownScript) {
        MigrationScript down = migration.downScript().orElseThrow(() -> new RehearsalException(
                "Migration " + migration.displayName() + " has no undo script: add " + expectedDownScript
                        + " next to " + migration.up().name()));
        String flywayVersion = flywayVersions.getOrDefault(migration.version(), migration.version().toString());
        try (Connection c = dataSource.getConnection()) {
            String sql = FlywayPlaceholders.replace(down.sql(), placeholderValues(c, down), down.name(),
                    placeholderPrefix, placeholderSuffix);
            String historyTable = quotedTable.quoted(c);
            if (schema != null) {
                c.setSchema(schema); // as Flyway runs the migrations: unqualified names resolve in its schema
            }
            ScriptRunner.run(c, dialect, "down", migration, down.name(), sql, conn -> {
                try (PreparedStatement ps = conn.prepareStatement("delete from " + historyTable + " where version = ?")) {
                    ps.setString(1, flywayVersion);
                    if (ps.executeUpdate() != 1) {
                        throw new SQLException("Flyway's history table " + table + " has no row for version "
                                + flywayVersion + ": the migration was not applied", "55000");
                    }
                }
            });
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to run the down script of " + migration.displayName()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * The placeholder values Flyway would give {@code script}: the configured ones and Flyway's own. The configured
     * ones, the user and the connection's schema are read at the first script: building Flyway's configuration (its
     * plugins looked up) and asking the connection for its schema cost about a millisecond, more than many a phase's
     * SQL. The database's name is asked each time, from the connection's own state: Rehearsal may swap a copy in.
     */
    private Map<String, String> placeholderValues(Connection c, MigrationScript script) throws SQLException {
        if (fixedPlaceholders == null) {
            Map<String, String> values = new HashMap<>();
            configuredPlaceholders.get().forEach((k, v) -> values.put(k.toLowerCase(Locale.ROOT), v));
            // through JDBC, which every engine answers: on MariaDB/MySQL the schema is the database (below)
            values.put("flyway:defaultschema", schema != null ? schema : c.getSchema());
            String user = c.getMetaData().getUserName();
            values.put("flyway:user", user == null ? "" : user.replaceFirst("@.*$", ""));
            values.put("flyway:table", table);
            values.put("flyway:workingdirectory", System.getProperty("user.dir"));
            values.put("flyway:environment", "default");
            fixedPlaceholders = Collections.unmodifiableMap(values);
        }
        Map<String, String> values = new HashMap<>(fixedPlaceholders);
        String database = c.getCatalog();
        values.put("flyway:database", database);
        if (values.get("flyway:defaultschema") == null) {
            values.put("flyway:defaultschema", database);
        }
        values.put("flyway:timestamp", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
        values.put("flyway:filename", script.name().substring(script.name().lastIndexOf('/') + 1));
        return values;
    }
}
