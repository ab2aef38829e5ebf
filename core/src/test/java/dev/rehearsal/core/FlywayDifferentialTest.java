package dev.rehearsal.core;

import dev.rehearsal.core.DifferentialKit.Verdict;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rehearsal.core.DifferentialKit.agreesWithPsqlWhereTheToolDoes;
import static dev.rehearsal.core.DifferentialKit.changesets;
import static dev.rehearsal.core.DifferentialKit.rollbackLines;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differential kit through Rehearsal's Flyway path: the corpus as {@code V<n>__kit.sql} scripts (with
 * {@code U<n>__kit.sql} where a changeset has rollback lines). After Flyway's own first migrate, Rehearsal applies
 * each up with its own script runner and writes Flyway's history row itself; migrations without an undo script are
 * restored by the held transaction. Each case must give the verdict of Flyway's own {@code migrate} of the same
 * folder on a plain database, and psql's where Flyway agrees with psql.
 */
class FlywayDifferentialTest {

    private static final Pattern SCRIPT = Pattern.compile("V(\\d+)__kit\\.sql");
    private static final Pattern SQL_STATE = Pattern.compile("SQL State\\s*:\\s*([0-9A-Z]{5})");

    @ParameterizedTest(name = "{0} as Flyway scripts")
    @MethodSource("dev.rehearsal.core.DifferentialKit#cases")
    void rehearsalsFlywayPathGivesFlywaysVerdict(Path file, @TempDir Path dir) throws Exception {
        String text = Files.readString(file);
        Assumptions.assumeFalse(DifferentialKit.carriesOnAfterFailure(text),
                "Flyway has no failOnError: Liquibase's own behaviour, checked by FastPathDifferentialTest");
        Path folder = Files.createDirectories(dir.resolve("db/migration"));
        for (String[] changeset : changesets(text)) {
            Files.writeString(folder.resolve("V" + changeset[0] + "__kit.sql"), changeset[2]);
            String down = rollbackLines(text, changeset[0]);
            if (!down.isBlank()) {
                Files.writeString(folder.resolve("U" + changeset[0] + "__kit.sql"), down);
            }
        }
        DifferentialKit.Rehearsed rehearsal = DifferentialKit.rehearse(folder, "flyway");
        Verdict flyway = flywayMigrate(folder);
        assertThat(rehearsal.verdict()).as("Rehearsal against Flyway's own migrate\n" + rehearsal.report())
                .isEqualTo(flyway);
        agreesWithPsqlWhereTheToolDoes(rehearsal.verdict(), flyway, text);
    }

    /**
     * Flyway's own {@code migrate} of the folder on a plain database: the script it failed in and the SQLState, or
     * none. A failure at commit (a deferred key) names no script: it is the one after the last Flyway recorded.
     * Flyway's lock is taken at session level here ({@code transactionalLock=false}), as
     * {@code CREATE INDEX CONCURRENTLY} needs (with a transaction-level lock the index waits for Flyway's own
     * transaction forever).
     */
    private static Verdict flywayMigrate(Path folder) throws Exception {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            FluentConfiguration config = Flyway.configure(FlywayDifferentialTest.class.getClassLoader())
                    .dataSource(db.dataSource()).locations("filesystem:" + folder);
            config.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
            Flyway flyway = config.load();
            try {
                flyway.migrate();
                return Verdict.PASSED;
            } catch (FlywayException e) {
                String message = String.valueOf(e.getMessage());
                Matcher state = SQL_STATE.matcher(message);
                Matcher script = SCRIPT.matcher(message);
                String failed = script.find() ? script.group(1) : String.valueOf(lastRecorded(db) + 1);
                return new Verdict(failed, state.find() ? state.group(1) : "no SQL State in: " + message);
            }
        }
    }

    private static int lastRecorded(EphemeralDatabase db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select coalesce(max(version::int), 0) from flyway_schema_history"
                     + " where success")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
