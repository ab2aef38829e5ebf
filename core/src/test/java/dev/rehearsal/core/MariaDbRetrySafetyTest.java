package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On MariaDB every DDL statement commits: a migration of two of them that fails after the first keeps it, and the
 * retry meets it. Flyway and golang-migrate, each with its safe twin ({@code IF NOT EXISTS}), on the machine's server.
 */
class MariaDbRetrySafetyTest {

    private static final String ACCOUNTS = "CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL);\n";
    private static DatabaseProvider provider;

    @TempDir
    Path dir;

    @BeforeAll
    static void connect() {
        provider = DatabaseProviders.server(MariaDbTest.URL, "root", "");
    }

    @AfterAll
    static void close() {
        provider.close();
    }

    private RoundTripReport rehearse(Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + dir), provider,
                MariaDbRetrySafetyTest.class.getClassLoader())) {
            NewMigrations judged = NewMigrations.of(r.history(), null, null, dir, Map.of());
            return r.production(() -> judged, null).runRoundTrips();
        }
    }

    private static PhaseResult retry(RoundTripReport report, String migration) {
        return report.steps().stream().filter(s -> s.migration().startsWith(migration)).findFirst()
                .flatMap(s -> s.phase(Phase.RETRY)).orElseThrow(() -> new AssertionError("no retry in\n" + report.toText()));
    }

    @Test
    void flywayTwoAltersFailAfterTheFirstAndTheRetryMeetsItsColumn() throws IOException {
        RoundTripReport report = rehearse(Map.of("V1__accounts.sql", ACCOUNTS,
                "V2__plan.sql", "ALTER TABLE accounts ADD COLUMN plan VARCHAR(20);\n"
                        + "ALTER TABLE accounts ADD COLUMN seats INT;\n"));
        PhaseResult retry = retry(report, "V2");
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).startsWith("not-retry-safe: ")
                .contains("after statement 1 (line 1), before statement 2 (line 2)")
                .contains("left column accounts.plan")
                .contains("flyway repair")
                .contains("Duplicate column name 'plan'")
                .contains("ADD COLUMN IF NOT EXISTS");
    }

    @Test
    void flywayTwoAltersWithIfNotExistsAreRetrySafe() throws IOException {
        RoundTripReport report = rehearse(Map.of("V1__accounts.sql", ACCOUNTS,
                "V2__plan.sql", "ALTER TABLE accounts ADD COLUMN IF NOT EXISTS plan VARCHAR(20);\n"
                        + "ALTER TABLE accounts ADD COLUMN IF NOT EXISTS seats INT;\n"));
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(retry(report, "V2").status()).isEqualTo(Status.PASSED);
        assertThat(report.steps().get(1).note()).contains("after statement 1 (line 1), before statement 2 (line 2):"
                + " left column accounts.plan, and the retry (after flyway repair) ended as a clean up");
    }

    @Test
    void rowsWrittenBeforeADdlStatementAreCommittedByTheServerAndTheRetryWritesThemAgain() throws IOException {
        RoundTripReport report = rehearse(Map.of("V1__accounts.sql", ACCOUNTS,
                "V2__plans.sql", "INSERT INTO accounts (id, name) VALUES (1, 'first');\n"
                        + "ALTER TABLE accounts ADD COLUMN IF NOT EXISTS plan VARCHAR(20);\n"));
        PhaseResult retry = retry(report, "V2");
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("after statement 1 (line 1), before statement 2 (line 2)")
                .contains("left data accounts").contains("Duplicate entry '1'");
    }

    @Test
    void aRepeatableViewWithoutOrReplaceIsNotIdempotentAndWithItIs() throws IOException {
        RoundTripReport report = rehearse(Map.of("V1__accounts.sql", ACCOUNTS,
                "R__account_names.sql", "CREATE VIEW account_names AS SELECT id, name FROM accounts;\n"));
        PhaseResult again = report.steps().get(report.steps().size() - 1).phase(Phase.RETRY).orElseThrow();
        assertThat(again.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(again.message()).startsWith("not-idempotent: ")
                .contains("view account_names cannot be created again over itself").contains("CREATE OR REPLACE VIEW");

        Files.writeString(dir.resolve("R__account_names.sql"),
                "CREATE OR REPLACE VIEW account_names AS SELECT id, name FROM accounts;\n");
        RoundTripReport safe = rehearse(Map.of());
        assertThat(safe.failed()).as(safe.toText()).isFalse();
        assertThat(safe.steps().get(safe.steps().size() - 1).note())
                .contains("retry: the repeatable migrations applied again over themselves, the schema the same");
    }

    @Test
    void golangMigrateTwoAltersAreForcedBackAndRetried() throws IOException {
        RoundTripReport report = rehearse(Map.of(
                "000001_accounts.up.sql", ACCOUNTS, "000001_accounts.down.sql", "DROP TABLE accounts;\n",
                "000002_plan.up.sql", "ALTER TABLE accounts ADD COLUMN plan VARCHAR(20);\n"
                        + "ALTER TABLE accounts ADD COLUMN seats INT;\n",
                "000002_plan.down.sql", "ALTER TABLE accounts DROP COLUMN seats;\nALTER TABLE accounts DROP COLUMN plan;\n"));
        PhaseResult retry = retry(report, "000002");
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("left column accounts.plan")
                .contains("its version table put back to version 1").contains("42S21");
        // back from the copy kept before the up (MariaDB derives no undo): the up again runs from there
        assertThat(report.steps().get(1).phase(Phase.UP_AGAIN).orElseThrow().status()).as(report.toText())
                .isEqualTo(Status.PASSED);
    }
}
