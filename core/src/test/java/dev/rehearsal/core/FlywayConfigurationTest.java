package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.flyway.FlywayCustomizer;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Flyway history as a team has it: its own history table in its own schema, files named {@code .POSTGRESQL.sql},
 * placeholders written {@code #[name]}, all said in the team's {@code flyway.conf}, {@code flyway.toml} or Spring
 * Boot {@code application.yml}, with the production url that Rehearsal must not use.
 */
class FlywayConfigurationTest {

    private static RehearsalSettings settings(ToolSettings tool) {
        String location = MigrationSources.defaultLocation(tool, FlywayConfigurationTest.class.getClassLoader());
        return RehearsalSettings.of(location).withTool(tool);
    }

    private static ToolSettings config(String file) {
        return ToolSettings.DEFAULTS.withFlywayConfig(List.of("classpath:flyway-config/" + file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"flyway.conf", "flyway.toml", "application.yml"})
    void theTeamsTableSchemaSuffixesAndPlaceholderSyntaxAreUsed(String file) throws Exception {
        RehearsalSettings settings = settings(config(file));
        assertThat(settings.migrations()).as("the configuration's locations").isEqualTo("classpath:histories/flyway-team-config");
        try (MigrationRehearsal r = Histories.rehearse(settings)) {
            assertThat(r.history().versioned()).extracting(Migration::displayName)
                    .containsExactly("V1.1 customers", "V1.2 orders");
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps()).allSatisfy(s -> assertThat(s.status()).isEqualTo(Status.PASSED));
            assertThat(report.steps().get(0).note())
                    .contains("Flyway configuration from classpath:flyway-config/" + file)
                    .contains("history table app.schema_version")
                    .contains("its own throwaway database instead of the configured url and user");
            try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select string_agg(version || ' ' || description, ', ' order by"
                         + " installed_rank) from app.schema_version where success")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("1.1 customers, 1.2 orders");
            }
            assertThat(r.schema().table("app.audit_log")).as("#[audit_table] replaced, in the schema Flyway uses").isPresent();
            assertThat(r.schema().table("app.customers")).isPresent();
            assertThat(r.schema().table("flyway_schema_history")).isEmpty();
        }
    }

    @Test
    void aDownScriptThatForgetsATableInTheTeamsSchemaIsStillCaught(@TempDir Path dir) {
        RehearsalSettings derived = Histories.derived(dir, "histories/flyway-team-config",
                List.of("V1_1__customers.POSTGRESQL.sql", "U1_1__customers.POSTGRESQL.sql", "V1_2__orders.POSTGRESQL.sql",
                        "U1_2__orders.POSTGRESQL.sql"), Map.of("DROP TABLE orders;\n", "DROP INDEX orders_customer_idx;\n"), null);
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of(derived.migrations()).withTool(config("flyway.conf")))) {
            PhaseResult down = r.runRoundTrips().steps().get(1).phase(PhaseResult.Phase.DOWN).orElseThrow();
            assertThat(down.status()).isEqualTo(Status.FAILED);
            assertThat(down.message()).contains("U1_2__orders.POSTGRESQL.sql").contains("+ table app.orders");
        }
    }

    @Test
    void anUnknownKeyIsFlywaysOwnMessageWithTheFile() {
        assertThatThrownBy(() -> Histories.rehearse(settings(config("unknown-key.conf"))))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("Flyway rejects the configuration in classpath:flyway-config/unknown-key.conf")
                .hasMessageContaining("flyway.tabel");
    }

    @Test
    void aMalformedValueIsFlywaysOwnMessageWithTheFile() {
        assertThatThrownBy(() -> Histories.rehearse(settings(config("bad-value.conf"))))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("classpath:flyway-config/bad-value.conf")
                .hasMessageContaining("maybe");
    }

    @Test
    void aMalformedTomlFileIsNamed() {
        assertThatThrownBy(() -> settings(config("malformed.toml")))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("The Flyway configuration in classpath:flyway-config/malformed.toml cannot be read");
    }

    @Test
    void aMissingConfigurationFileIsNamed() {
        assertThatThrownBy(() -> settings(ToolSettings.DEFAULTS.withFlywayConfig(List.of("conf/nowhere.conf"))))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("The Flyway configuration file conf/nowhere.conf named by rehearsal.flyway.config"
                        + " does not exist");
    }

    /** Sets what no file says: another history table. */
    public static final class RenamesTheHistoryTable implements FlywayCustomizer {
        @Override
        public void customize(FluentConfiguration configuration) {
            configuration.table("migrations_applied");
        }
    }

    @Test
    void aCustomizerRunsAfterTheFilesAndRehearsalKeepsItsOwnDatabase() throws Exception {
        ToolSettings tool = config("flyway.conf").withFlywayCustomizer(RenamesTheHistoryTable.class.getName());
        try (MigrationRehearsal r = Histories.rehearse(settings(tool))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps().get(0).note()).contains("customized by " + RenamesTheHistoryTable.class.getName())
                    .contains("history table app.migrations_applied");
            try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select count(*) from app.migrations_applied where success")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
    }

    /** Cannot be built: no public no-argument constructor. */
    public static final class NeedsAnArgument implements FlywayCustomizer {
        public NeedsAnArgument(String table) {
        }

        @Override
        public void customize(FluentConfiguration configuration) {
        }
    }

    @Test
    void aCustomizerThatCannotBeBuiltOrIsNotOneIsNamed() {
        assertThatThrownBy(() -> Histories.rehearse(settings(config("flyway.conf")
                .withFlywayCustomizer(NeedsAnArgument.class.getName()))))
                .hasMessageContaining("The Flyway customizer " + NeedsAnArgument.class.getName() + " cannot be built")
                .hasMessageContaining("public no-argument constructor");
        assertThatThrownBy(() -> Histories.rehearse(settings(config("flyway.conf").withFlywayCustomizer("java.lang.String"))))
                .hasMessageContaining("The Flyway customizer java.lang.String does not implement");
        assertThatThrownBy(() -> Histories.rehearse(settings(config("flyway.conf").withFlywayCustomizer("com.example.Missing"))))
                .hasMessageContaining("The Flyway customizer class com.example.Missing cannot be loaded");
    }

    @Test
    void flywaysRoutineLogStaysOffTheConsoleAndItsWarningsReachTheReport() {
        PrintStream err = System.err;
        PrintStream out = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<String> notes = new ArrayList<>();
        try {
            PrintStream capture = new PrintStream(console, true);
            System.setErr(capture);
            System.setOut(capture);
            try (MigrationRehearsal r = Histories.rehearse("atomicity-own-commit")) {
                r.runRoundTrips().steps().forEach(s -> notes.add(s.note()));
            }
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        assertThat(console.toString()).doesNotContain("Successfully applied").doesNotContain("Migrating schema")
                .doesNotContain("there is already a transaction in progress");
        // after Flyway's first migrate made its history table, ups are applied directly (FlywayDirectUpsTest), and
        // the server's warning still reaches the report
        assertThat(notes.get(1)).contains("up: server WARNING: there is already a transaction in progress (SQLSTATE 25001");
    }
}
