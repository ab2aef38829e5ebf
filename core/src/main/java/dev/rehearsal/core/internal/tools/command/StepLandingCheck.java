package dev.rehearsal.core.internal.tools.command;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaSnapshot;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The check, after every up and every down of a tool run through its own command, that the step landed on the
 * throwaway database Rehearsal handed the command: its schema or the rows of the tool's own tables
 * ({@code rehearsal.command.tables}, such as {@code knex_migrations}) changed. A step whose tool reports the version
 * it should have reached while nothing changed here ran somewhere else; the rehearsal stops there.
 */
final class StepLandingCheck {

    private final DataSource dataSource;
    private final Dialect dialect;
    private final Supplier<ConnectionDetails> database;
    private final List<String> tables;
    private final HandedDatabaseGuard guard;

    /** @param guard told when a step did not land here, so that no command runs again */
    StepLandingCheck(DataSource dataSource, Dialect dialect, Supplier<ConnectionDetails> database,
                     List<String> tables, HandedDatabaseGuard guard) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.database = database;
        this.tables = List.copyOf(tables);
        this.guard = guard;
    }

    /** Whether the throwaway database holds no table at all, not even the tool's own. */
    boolean empty() {
        try (Connection c = dataSource.getConnection()) {
            return dialect.snapshot(c, Set.of()).objects(ObjectKind.TABLE).isEmpty();
        } catch (SQLException e) {
            throw unreadable(e);
        }
    }

    /**
     * Runs {@code step} ({@code phase} of {@code migration} through {@code command}, with its own checks of the version
     * reached), then checks that it changed the throwaway database.
     *
     * @param reached what the tool reports after the step, for the message ({@code version 0002})
     * @param handed  the variables the command was handed, for the message
     */
    void step(String phase, Migration migration, String command, Supplier<String> reached, String handed,
              Runnable step) {
        State before = state();
        step.run(); // a command that failed, or whose tool reports the wrong version, is told as such by the tool
        if (!state().equals(before)) {
            return;
        }
        ConnectionDetails details = database.get();
        throw guard.stop(new RehearsalException("The " + phase + " command of " + migration.displayName() + " ("
                + command + ") ran and its tool reports " + reached.get() + ", but nothing changed in the throwaway"
                + " database \""
                + details.database() + "\" on " + details.host() + ":" + details.port() + " that Rehearsal made and"
                + " handed it (neither its schema nor " + (tables.isEmpty() ? "a table of the tool's own"
                : "the rows of " + String.join(", ", tables)) + "): the command is not using the database it was"
                + " handed (" + handed + "), so the " + phase + " ran somewhere else."
                + " Rehearsal stopped before rehearsing anything else. Make the tool connect with the DATABASE_URL"
                + " (or the engine's client variables) Rehearsal sets for rehearsal.command.up, .down and .current,"
                + " not a URL of its own configuration."
                + (tables.isEmpty() ? " If this migration changes only rows, name the tool's own tables (its version"
                + " table) in rehearsal.command.tables, so that Rehearsal sees such a step land." : "")));
    }

    /** The schema, and the rows of the tool's own tables ({@code null} for a table not there). */
    private State state() {
        try (Connection c = dataSource.getConnection()) {
            SchemaSnapshot schema = dialect.snapshot(c, Set.of());
            Map<String, List<String>> rows = new LinkedHashMap<>();
            for (String table : tables) {
                rows.put(table, rows(c, table.strip()));
            }
            return new State(schema, rows);
        } catch (SQLException e) {
            throw unreadable(e);
        }
    }

    private static List<String> rows(Connection c, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select * from " + table)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(rs.getString(i)).append('\u001f');
                }
                rows.add(row.toString());
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "42S02".equals(e.getSQLState())) {
                return null; // not there yet: the tool makes it with its first step
            }
            throw e;
        }
        Collections.sort(rows);
        return rows;
    }

    private static RehearsalException unreadable(SQLException e) {
        return new RehearsalException("Could not read the throwaway database to check what the migration command"
                + " changed (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
    }

    private record State(SchemaSnapshot schema, Map<String, List<String>> rows) {
    }
}
