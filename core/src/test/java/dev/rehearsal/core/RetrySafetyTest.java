package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migrations that stop part-way and are retried, and repeatable migrations applied again, on the embedded
 * PostgreSQL: each finding catches its real case, and its safe twin passes.
 */
class RetrySafetyTest {

    private static final String USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n";

    @TempDir
    Path dir;

    private Path history(Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        return dir;
    }

    private static RoundTripReport rehearse(Path location, boolean retry) {
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + location);
        settings = settings.withTool(settings.tool().withRetry(retry));
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(),
                RetrySafetyTest.class.getClassLoader())) {
            // a folder outside git: every migration is new, its findings judged, as the command line judges them there
            NewMigrations judged = NewMigrations.of(r.history(), null, null, location, Map.of());
            return r.production(() -> judged, null).runRoundTrips();
        }
    }

    @Test
    void aReleasedMigrationsFindingIsReportedNotFailed() throws IOException {
        history(Map.of("V1__users.sql", USERS,
                "V2__email_key.sql", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n"));
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + dir);
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(),
                RetrySafetyTest.class.getClassLoader())) {
            RoundTripReport report = r.production(() -> new NewMigrations(Set.of(), "every migration is released"), null)
                    .runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(phase(report, "V2", Phase.RETRY).locks().risks()).singleElement().satisfies(risk -> {
                assertThat(risk.rule()).isEqualTo("not-retry-safe");
                assertThat(risk.statement()).isEqualTo("V2__email_key.sql line 1: CREATE UNIQUE INDEX CONCURRENTLY IF"
                        + " NOT EXISTS users_email_key ON users (email)");
                assertThat(risk.alternative()).contains("DROP INDEX CONCURRENTLY IF EXISTS users_email_key");
            });
            assertThat(report.toText()).contains("risk in the retry [not-retry-safe] V2__email_key.sql line 1")
                    .contains("reported, not judged, as V2 email key is released");
        }
    }

    /**
     * After a failed retry, Flyway's down script takes the database back (its drops say IF EXISTS), or, where it
     * fails over what the retry left, an undo derived from the catalog, and Flyway's failed row is repaired away.
     */
    @ParameterizedTest
    @ValueSource(strings = {"IF EXISTS ", ""})
    void flywayGoesBackFromWhereAFailedRetryLeftIt(String ifExists) throws IOException {
        RoundTripReport report = rehearse(history(Map.of(
                "V1__users.sql", USERS,
                "V2__indexes.sql", "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n"
                        + "CREATE INDEX CONCURRENTLY users_id_email_idx ON users (id, email);\n",
                "U2__indexes.sql", "DROP INDEX CONCURRENTLY " + ifExists + "users_id_email_idx;\n"
                        + "DROP INDEX CONCURRENTLY " + ifExists + "users_email_idx;\n",
                "V3__names.sql", "ALTER TABLE users ADD COLUMN name text;\n",
                "U3__names.sql", "ALTER TABLE users DROP COLUMN name;\n")), true);
        PhaseResult retry = phase(report, "V2", Phase.RETRY);
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("left index users_email_idx").contains("42P07");
        assertThat(phase(report, "V2", Phase.UP_AGAIN).status()).as(report.toText()).isEqualTo(Status.PASSED);
        assertThat(report.steps().get(2).status()).as("the next migration, on the database brought back")
                .isEqualTo(Status.PASSED);
        assertThat(report.steps().get(2).note()).doesNotContain("rebuilt");
    }

    /** Flyway's script configuration file runs the script without a transaction: each ALTER commits alone. */
    @Test
    void aFlywayScriptConfiguredOutsideATransactionIsStoppedBetweenItsStatements() throws IOException {
        String plans = "ALTER TABLE users ADD COLUMN %1$splan text;\nALTER TABLE users ADD COLUMN %1$stier int;\n";
        history(Map.of("V1__users.sql", USERS, "V2__plans.sql", plans.formatted(""),
                "V2__plans.sql.conf", "executeInTransaction=false\n"));
        RoundTripReport report = rehearse(dir, true);
        assertThat(phase(report, "V2", Phase.UP).locks().statements()).as("as Flyway ran it: %s", report.toText())
                .filteredOn(s -> s.sql().startsWith("ALTER TABLE")).hasSize(2)
                .allSatisfy(s -> assertThat(s.inTransaction()).isFalse());
        PhaseResult retry = phase(report, "V2", Phase.RETRY);
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("after statement 1 (line 1), before statement 2 (line 2)")
                .contains("left column users.plan").contains("42701");

        history(Map.of("V2__plans.sql", plans.formatted("IF NOT EXISTS ")));
        RoundTripReport twin = rehearse(dir, true);
        assertThat(phase(twin, "V2", Phase.RETRY).status()).as(twin.toText()).isEqualTo(Status.PASSED);
        assertThat(twin.failed()).as(twin.toText()).isFalse();
    }

    /** Liquibase applies a runOnChange changeset again when its file changes, a runAlways one on every update. */
    @ParameterizedTest
    @ValueSource(strings = {"runOnChange:true", "runAlways:true"})
    void aLiquibaseViewAppliedAgainWithoutOrReplaceIsNotIdempotentAndItsTwinPasses(String attribute)
            throws IOException {
        String changelog = "--liquibase formatted sql\n\n--changeset dev:users\n" + USERS
                + "--rollback drop table users;\n\n--changeset dev:user-emails " + attribute + "\n"
                + "CREATE %sVIEW user_emails AS SELECT id, email FROM users;\n--rollback DROP VIEW user_emails;\n";
        Path file = history(Map.of("db.changelog.sql", changelog.formatted(""))).resolve("db.changelog.sql");
        RoundTripReport report = rehearse(file, true);
        PhaseResult retry = report.steps().get(1).phase(Phase.RETRY).orElseThrow(() -> new AssertionError(
                "no retry phase:\n" + report.toText()));
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("not-idempotent").contains("failed when applied again over itself")
                .contains("view user_emails cannot be created again over itself").contains("42P07")
                .contains("CREATE OR REPLACE VIEW");
        assertThat(retry.locks().risks()).singleElement().satisfies(risk ->
                assertThat(risk.rule()).isEqualTo("not-idempotent"));
        assertThat(report.steps().get(0).phase(Phase.RETRY)).as("a changeset run once").isEmpty();

        Files.writeString(file, changelog.formatted("OR REPLACE "));
        RoundTripReport twin = rehearse(file, true);
        assertThat(twin.failed()).as(twin.toText()).isFalse();
        assertThat(twin.steps().get(1).note()).contains("applied again over itself").contains("the schema the same");
        assertThat(twin.steps().get(1).phase(Phase.UP_AGAIN)).hasValueSatisfying(upAgain ->
                assertThat(upAgain.status()).isEqualTo(Status.PASSED));
    }

    /** Sqitch deploys a script as psql runs it: a statement outside the script's own BEGIN and COMMIT commits alone. */
    @Test
    void aSqitchDeployScriptOutsideATransactionIsCancelledWhileItBuildsAndItsTwinPasses() throws IOException {
        Files.createDirectories(dir.resolve("deploy"));
        Files.createDirectories(dir.resolve("revert"));
        history(Map.of("sqitch.conf", "[core]\n\tengine = pg\n",
                "sqitch.plan", "%syntax-version=1.0.0\n%project=app\n\n"
                        + "users 2024-01-10T09:00:00Z Ann <ann@example.com> # users\n"
                        + "email_key [users] 2024-01-11T09:00:00Z Ann <ann@example.com> # unique emails\n",
                "deploy/users.sql", "BEGIN;\n" + USERS + "COMMIT;\n",
                "revert/users.sql", "BEGIN;\nDROP TABLE users;\nCOMMIT;\n",
                "deploy/email_key.sql", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n",
                "revert/email_key.sql", "DROP INDEX CONCURRENTLY IF EXISTS users_email_key;\n"));
        RoundTripReport report = rehearse(dir, true);
        assertThat(report.steps().get(0).phase(Phase.RETRY)).as("one transaction of its own: " + report.toText())
                .isEmpty();
        PhaseResult retry = report.steps().get(1).phase(Phase.RETRY).orElseThrow(() -> new AssertionError(
                "no retry phase:\n" + report.toText()));
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("cancelled while it builds").contains("index users_email_key INVALID");

        history(Map.of("deploy/email_key.sql", "DROP INDEX CONCURRENTLY IF EXISTS users_email_key;\n"
                + "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n"));
        RoundTripReport twin = rehearse(dir, true);
        assertThat(twin.failed()).as(twin.toText()).isFalse();
        assertThat(twin.steps().get(1).note()).contains("during statement 2 (line 2), cancelled while it builds: left"
                + " index users_email_key INVALID, and the retry ended as a clean up");
    }

    @Test
    void aLiquibaseChangesetOutsideATransactionIsRetriedAndItsSafeTwinPasses() throws IOException {
        String changelog = "--liquibase formatted sql\n\n--changeset dev:users\n" + USERS
                + "--rollback drop table users;\n\n--changeset dev:email-key runInTransaction:false\n";
        RoundTripReport report = rehearse(history(Map.of("db.changelog.sql", changelog
                + "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n"
                + "--rollback DROP INDEX CONCURRENTLY IF EXISTS users_email_key;\n")).resolve("db.changelog.sql"), true);
        PhaseResult retry = report.steps().get(1).phase(Phase.RETRY).orElseThrow(() -> new AssertionError(
                report.toText()));
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("left index users_email_key INVALID")
                .contains("DROP INDEX CONCURRENTLY IF EXISTS users_email_key");

        RoundTripReport safe = rehearse(history(Map.of("db.changelog.sql", changelog
                + "DROP INDEX CONCURRENTLY IF EXISTS users_email_key;\n"
                + "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n"
                + "--rollback DROP INDEX CONCURRENTLY IF EXISTS users_email_key;\n")).resolve("db.changelog.sql"), true);
        assertThat(safe.failed()).as(safe.toText()).isFalse();
        assertThat(safe.steps().get(1).note()).contains("cancelled while it builds: left index users_email_key"
                + " INVALID, and the retry ended as a clean up");
    }

    @Test
    void aDataChangeRunTwiceByTheRetryIsNotRetrySafe() throws IOException {
        RoundTripReport report = rehearse(history(Map.of(
                "20240101120000_stock.sql", "-- migrate:up\nCREATE TABLE stock (id bigint PRIMARY KEY, units int NOT NULL);\n"
                        + "INSERT INTO stock VALUES (1, 10), (2, 20);\n-- migrate:down\nDROP TABLE stock;\n",
                "20240102120000_restock.sql", "-- migrate:up transaction:false\nUPDATE stock SET units = units + 5;\n"
                        + "CREATE INDEX CONCURRENTLY stock_units_idx ON stock (units);\n\n"
                        + "-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY stock_units_idx;\n"
                        + "UPDATE stock SET units = units - 5;\n")), true);
        PhaseResult retry = phase(report, "20240102120000", Phase.RETRY);
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("after statement 1 (line 2), before statement 2 (line 3)")
                .contains("left data stock.units").contains("differs from a clean run's: data ")
                .contains("touch only rows it has not changed yet");
    }

    private static PhaseResult phase(RoundTripReport report, String migration, Phase phase) {
        return report.steps().stream().filter(s -> s.migration().startsWith(migration)).findFirst()
                .flatMap(s -> s.phase(phase)).orElseThrow(() -> new AssertionError("no " + phase + " of " + migration
                        + " in\n" + report.toText()));
    }

    @Test
    void aConcurrentIndexKeptInvalidByIfNotExistsIsNotRetrySafe() throws IOException {
        RoundTripReport report = rehearse(history(Map.of(
                "V1__users.sql", USERS,
                "V2__email_key.sql", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n")),
                true);
        PhaseResult retry = phase(report, "V2", Phase.RETRY);
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message())
                .startsWith("not-retry-safe: ")
                .contains("during statement 1 (line 1), cancelled while it builds")
                .contains("left index users_email_key INVALID")
                .contains("flyway repair")
                .contains("differs from a clean run's: index users_email_key INVALID")
                .contains("DROP INDEX CONCURRENTLY IF EXISTS users_email_key");
        assertThat(phase(report, "V2", Phase.UP_AGAIN).status()).as(report.toText()).isEqualTo(Status.PASSED);
        assertThat(report.toJson()).contains("\"retry\"").contains("not-retry-safe");
        assertThat(phase(report, "V1", Phase.UP).status()).isEqualTo(Status.PASSED);
        assertThat(report.steps().get(0).phases()).extracting(PhaseResult::phase)
                .as("one statement in a transaction cannot stop part-way").doesNotContain(Phase.RETRY);
    }

    @Test
    void aStatementWithFlywayPlaceholdersIsStoppedWhereFlywaySendsItFilledIn() throws IOException {
        history(Map.of("V1__users.sql", USERS,
                "V2__email_key.sql", "/* one address per user */\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS"
                        + " ${table}_email_key ON ${table} (email);\n"));
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + dir).withPlaceholders(Map.of("table", "users"));
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(),
                RetrySafetyTest.class.getClassLoader())) {
            NewMigrations judged = NewMigrations.of(r.history(), null, null, dir, Map.of());
            RoundTripReport report = r.production(() -> judged, null).runRoundTrips();
            assertThat(phase(report, "V2", Phase.RETRY).message()).as(report.toText())
                    .contains("left index users_email_key INVALID");
        }
    }

    @Test
    void droppingTheHalfBuiltIndexFirstIsRetrySafe() throws IOException {
        RoundTripReport report = rehearse(history(Map.of(
                "V1__users.sql", USERS,
                "V2__email_key.sql", "DROP INDEX CONCURRENTLY IF EXISTS users_email_key;\n"
                        + "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n",
                "U2__email_key.sql", "DROP INDEX CONCURRENTLY users_email_key;\n")), true);
        assertThat(report.failed()).as(report.toText()).isFalse();
        PhaseResult retry = phase(report, "V2", Phase.RETRY);
        assertThat(retry.status()).isEqualTo(Status.PASSED);
        // what the risk non-atomic-script asks for is shown: it is allowed, with the retries as the reason
        assertThat(phase(report, "V2", Phase.UP).locks().risks()).filteredOn(r -> r.rule().equals("non-atomic-script"))
                .singleElement().satisfies(r -> assertThat(r.suppressed()).startsWith("retry-safe: "));
        assertThat(report.steps().stream().filter(s -> s.migration().startsWith("V2")).findFirst().orElseThrow().note())
                .contains("retry: points rehearsed: after statement 1 (line 1), before statement 2 (line 2): left nothing")
                .contains("during statement 2 (line 2), cancelled while it builds: left index users_email_key INVALID,"
                        + " and the retry (after flyway repair) ended as a clean up");
    }

    @Test
    void aGolangMigrateIndexKeptInvalidIsNotRetrySafeAndTheVersionTableIsForcedBack() throws IOException {
        RoundTripReport report = rehearse(history(Map.of(
                "000001_users.up.sql", USERS,
                "000001_users.down.sql", "DROP TABLE users;\n",
                "000002_email_key.up.sql", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n",
                "000002_email_key.down.sql", "DROP INDEX CONCURRENTLY IF EXISTS users_email_key;\n")), true);
        PhaseResult retry = phase(report, "000002", Phase.RETRY);
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("left index users_email_key INVALID")
                .contains("its version table put back to version 1");
        // the down script took the database back from where the retry left it: the up again runs from there
        assertThat(phase(report, "000002", Phase.UP_AGAIN).status()).as(report.toText()).isEqualTo(Status.PASSED);
    }

    @Test
    void statementsThatCommitOneByOneAreStoppedBetweenThemAndTheRetryMeetsWhatTheFirstLeft() throws IOException {
        RoundTripReport report = rehearse(history(Map.of(
                "20240101120000_users.sql", "-- migrate:up\n" + USERS + "-- migrate:down\nDROP TABLE users;\n",
                "20240102120000_plan.sql", "-- migrate:up transaction:false\nALTER TABLE users ADD COLUMN plan text;\n"
                        + "CREATE INDEX CONCURRENTLY users_plan_idx ON users (plan);\n\n"
                        + "-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY users_plan_idx;\n"
                        + "ALTER TABLE users DROP COLUMN plan;\n")), true);
        PhaseResult retry = phase(report, "20240102120000", Phase.RETRY);
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("after statement 1 (line 2), before statement 2 (line 3)")
                .contains("left column users.plan").contains("42701")
                .contains("ADD COLUMN IF NOT EXISTS");
        // its down script fails over what the retry left; an undo derived from the catalog takes the database back
        assertThat(phase(report, "20240102120000", Phase.UP_AGAIN).status()).as(report.toText())
                .isEqualTo(Status.PASSED);
    }

    @Test
    void aRepeatableViewWithoutOrReplaceIsNotIdempotentAndWithItIs() throws IOException {
        RoundTripReport report = rehearse(history(Map.of(
                "V1__users.sql", USERS,
                "R__user_emails.sql", "CREATE VIEW user_emails AS SELECT id, email FROM users;\n")), true);
        PhaseResult again = report.steps().get(report.steps().size() - 1).phase(Phase.RETRY).orElseThrow();
        assertThat(again.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(again.message()).startsWith("not-idempotent: ").contains("R__user_emails")
                .contains("view user_emails cannot be created again over itself").contains("CREATE OR REPLACE VIEW")
                .contains("42P07");

        Path twin = dir.resolve("twin");
        Files.createDirectories(twin);
        Files.writeString(twin.resolve("V1__users.sql"), USERS);
        Files.writeString(twin.resolve("R__user_emails.sql"),
                "CREATE OR REPLACE VIEW user_emails AS SELECT id, email FROM users;\n");
        RoundTripReport safe = rehearse(twin, true);
        assertThat(safe.failed()).as(safe.toText()).isFalse();
        assertThat(safe.steps().get(safe.steps().size() - 1).phase(Phase.RETRY)).map(PhaseResult::status)
                .contains(Status.PASSED);
        assertThat(safe.steps().get(safe.steps().size() - 1).note())
                .contains("retry: the repeatable migrations applied again over themselves, the schema the same");
    }

    @Test
    void theTeamCanDeclareAMigrationRetrySafeWithAReasonAndRetriesCanBeTurnedOff() throws IOException {
        history(Map.of("V1__users.sql", USERS,
                "V2__email_key.sql", "-- rehearsal:allow not-retry-safe the deploy job drops invalid indexes first\n"
                        + "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n"));
        RoundTripReport allowed = rehearse(dir, true);
        assertThat(allowed.failed()).as(allowed.toText()).isFalse();
        assertThat(allowed.steps().get(1).note()).contains("retry: not-retry-safe allowed (the deploy job drops"
                + " invalid indexes first)");

        RoundTripReport off = rehearse(dir, false);
        assertThat(off.steps()).allSatisfy(s -> assertThat(s.phases()).extracting(PhaseResult::phase)
                .doesNotContain(Phase.RETRY));
    }
}
