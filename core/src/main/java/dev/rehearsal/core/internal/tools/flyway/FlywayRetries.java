package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;



import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Locale;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flyway's side of a retry: its own repair after a migration failed where it could not roll back (it removes the row
 * Flyway wrote for the failure), and its repeatable migrations applied again over themselves, as Flyway does when one
 * changes.
 */
final class FlywayRetries {

    /** The history table's name as a connection quotes it. */
    @FunctionalInterface
    interface QuotedTable {
        String on(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;
    private final String table;
    private final QuotedTable quotedTable;
    private final Supplier<FluentConfiguration> configuration;

    FlywayRetries(DataSource dataSource, String table, QuotedTable quotedTable, Supplier<FluentConfiguration> configuration) {
        this.dataSource = dataSource;
        this.table = table;
        this.quotedTable = quotedTable;
        this.configuration = configuration;
    }

    /** Flyway's repair, as an operator runs it before migrating again; returns the command it stood for. */
    String repair(Migration failed) {
        try {
            FlywayLog.capture(new ArrayList<>(), () -> configuration.get().load().repair());
        } catch (FlywayException e) {
            throw new RehearsalException("Flyway's repair failed after " + failed.displayName() + " failed: "
                    + e.getMessage().strip() + "\nRun flyway repair yourself and read what it says.", e);
        }
        return "flyway repair";
    }

    /**
     * Marks the repeatable migrations applied so far changed (another checksum in their rows), so that {@code migrate}
     * applies them again, then gives their rows their checksums back: the table reads as after two runs of the same
     * scripts.
     */
    boolean applyRepeatablesAgain(Runnable migrate) {
        String marked = "version IS NULL AND success AND installed_rank <= ";
        int last = run("SELECT COALESCE(MAX(installed_rank), 0) FROM %s", 0);
        run("UPDATE %s SET checksum = COALESCE(checksum, 0) + 1 WHERE " + marked + last, last);
        try {
            migrate.run();
        } finally {
            run("UPDATE %s SET checksum = checksum - 1 WHERE " + marked + last, last);
        }
        return true;
    }

    /** Runs {@code sql} on the history table ({@code %s}): a query's single number, else {@code otherwise}. */
    private int run(String sql, int otherwise) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            String text = String.format(Locale.ROOT, sql, quotedTable.on(c));
            if (!text.startsWith("SELECT")) {
                st.executeUpdate(text);
                return otherwise;
            }
            try (ResultSet rs = st.executeQuery(text)) {
                return rs.next() ? rs.getInt(1) : otherwise;
            }
        } catch (SQLException e) {
            throw new RehearsalException("Could not mark the repeatable migrations changed in Flyway's history table "
                    + table + " (" + sql + "): " + e.getSQLState() + " " + e.getMessage(), e);
        }
    }

    private static final Pattern EXECUTE_IN_TRANSACTION = Pattern.compile(
            "(?m)^\\s*(?:flyway\\.)?executeInTransaction\\s*=\\s*(\\S+)\\s*$");

    /**
     * Whether Flyway runs {@code migration}'s script in a transaction, as its script configuration file
     * ({@code V2__plans.sql.conf}) says, else the team's {@code executeInTransaction} (true by default).
     */
    boolean executesInTransaction(Migration migration, List<ScriptFile> files) {
        for (ScriptFile f : files) {
            if (f.filename().equals(migration.up().name() + ".conf")) {
                Matcher m = EXECUTE_IN_TRANSACTION.matcher(f.text());
                if (m.find()) {
                    return Boolean.parseBoolean(m.group(1));
                }
            }
        }
        try {
            return configuration.get().isExecuteInTransaction();
        } catch (LinkageError olderFlyway) {
            return true; // a Flyway without the setting runs each script in a transaction
        }
    }
}
