package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migrations run by a tool in a helper process (Alembic, Django, Knex) whose own code leaves the tool's transaction
 * ({@code autocommit_block}, {@code atomic = False}, {@code transaction: false}), or whose DDL the engine commits
 * (MariaDB): stopped at each point the up as it ran shows, through the real tool, and retried. Each finding catches
 * its real case; its safe twin passes.
 */
class HelperRetrySafetyTest {

    @TempDir
    Path dir;

    /** An Alembic project on Debian's Alembic: alembic.ini, the handed-connection env.py, and {@code revisions}. */
    private Path alembic(String url, Map<String, String> revisions) throws IOException {
        Files.writeString(dir.resolve("alembic.ini"), "[alembic]\nscript_location = alembic\nsqlalchemy.url = " + url
                + "\n");
        Path versions = Files.createDirectories(dir.resolve("alembic/versions"));
        Files.writeString(dir.resolve("alembic/env.py"), AlembicPhaseSessionTest.HANDED_ENV_PY);
        for (Map.Entry<String, String> r : revisions.entrySet()) {
            Files.writeString(versions.resolve(r.getKey()), r.getValue());
        }
        return versions;
    }

    private static String revision(String id, String down, String upgrade, String downgrade) {
        return """
                from alembic import op

                revision = "%s"
                down_revision = %s


                def upgrade():
                %s


                def downgrade():
                %s
                """.formatted(id, down == null ? "None" : "\"" + down + "\"", upgrade.indent(4).stripTrailing(),
                downgrade.indent(4).stripTrailing());
    }

    private static final String USERS = revision("a1", null,
            "op.execute(\"CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL)\")",
            "op.execute(\"DROP TABLE users\")");

    /** Rehearsed with every migration judged, as a folder outside git is. */
    private static RoundTripReport rehearse(RehearsalSettings settings, DatabaseProvider provider, Path location) {
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider,
                HelperRetrySafetyTest.class.getClassLoader())) {
            NewMigrations judged = NewMigrations.of(r.history(), null, null, location, Map.of());
            return r.production(() -> judged, null).runRoundTrips();
        }
    }

    private static PhaseResult retry(RoundTripReport report, int step) {
        return report.steps().get(step).phase(Phase.RETRY).orElseThrow(() -> new AssertionError(
                "no retry phase:\n" + report.toText()));
    }

    @Test
    void anAlembicIndexBuiltInAnAutocommitBlockIsCancelledWhileItBuildsAndItsRetryKeepsItInvalid() throws IOException {
        Path versions = alembic("postgresql://app@db.internal/app", Map.of("a1_users.py", USERS,
                "b2_email_key.py", revision("b2", "a1", """
                        with op.get_context().autocommit_block():
                            op.execute("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email)")""",
                        "op.execute(\"DROP INDEX IF EXISTS users_email_key\")")));
        RoundTripReport report = rehearse(AlembicTest.settings("filesystem:" + versions),
                DatabaseProviders.embeddedPostgres(), versions);
        PhaseResult retry = retry(report, 1);
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("not-retry-safe").contains("cancelled while it builds")
                .contains("index users_email_key INVALID").contains("DROP INDEX CONCURRENTLY IF EXISTS users_email_key");
        assertThat(retry.locks().risks()).singleElement().satisfies(risk -> {
            assertThat(risk.rule()).isEqualTo("not-retry-safe");
            assertThat(risk.statement()).contains("b2_email_key.py").contains("CREATE UNIQUE INDEX CONCURRENTLY");
        });
        assertThat(report.steps().get(0).phase(Phase.RETRY)).as("a revision in one transaction: no retry phase")
                .isEmpty();
    }

    @Test
    void theAlembicTwinThatDropsWhatACancelledBuildLeftPasses() throws IOException {
        Path versions = alembic("postgresql://app@db.internal/app", Map.of("a1_users.py", USERS,
                "b2_email_key.py", revision("b2", "a1", """
                        with op.get_context().autocommit_block():
                            op.execute("DROP INDEX CONCURRENTLY IF EXISTS users_email_key")
                            op.execute("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)")""",
                        "op.execute(\"DROP INDEX IF EXISTS users_email_key\")")));
        RoundTripReport report = rehearse(AlembicTest.settings("filesystem:" + versions),
                DatabaseProviders.embeddedPostgres(), versions);
        PhaseResult retry = retry(report, 1);
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.PASSED);
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(report.steps().get(1).note()).contains("during statement 2").contains("after statement 1")
                .contains("ended as a clean up");
    }

    @Test
    void twoAlembicAltersOnMariaDbLeaveTheFirstColumnAndTheRetryMeetsIt() throws IOException {
        String users = revision("a1", null, "op.execute(\"CREATE TABLE users (id bigint PRIMARY KEY)\")",
                "op.execute(\"DROP TABLE users\")");
        String plans = revision("b2", "a1", """
                op.add_column("users", sa.Column("plan", sa.String(20)))
                op.add_column("users", sa.Column("tier", sa.Integer()))""", """
                op.drop_column("users", "tier")
                op.drop_column("users", "plan")""").replace("from alembic import op", "import sqlalchemy as sa\nfrom alembic import op");
        Path versions = alembic("mysql+pymysql://app@db.internal/app", Map.of("a1_users.py", users,
                "b2_plans.py", plans));
        try (DatabaseProvider mariadb = DatabaseProviders.server("jdbc:mariadb://127.0.0.1:3306/test", "root", "")) {
            RoundTripReport report = rehearse(AlembicTest.settings("filesystem:" + versions), mariadb, versions);
            PhaseResult retry = retry(report, 1);
            assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(retry.message()).contains("after statement 1").contains("left column users.plan")
                    .contains("1060");
            assertThat(report.steps().get(1).phase(Phase.UP_AGAIN)).as("back from the copy: " + report.toText())
                    .hasValueSatisfying(upAgain -> assertThat(upAgain.status()).isEqualTo(Status.PASSED));
            PhaseResult oneStatement = retry(report, 0);
            assertThat(oneStatement.status()).as(report.toText()).isEqualTo(Status.PASSED);
            assertThat(report.steps().get(0).note()).contains("no point where");
        }
    }

    @Test
    void theMariaDbTwinWhoseAltersSayIfNotExistsPasses() throws IOException {
        String users = revision("a1", null, "op.execute(\"CREATE TABLE users (id bigint PRIMARY KEY)\")",
                "op.execute(\"DROP TABLE users\")");
        String plans = revision("b2", "a1", """
                op.execute("ALTER TABLE users ADD COLUMN IF NOT EXISTS plan varchar(20)")
                op.execute("ALTER TABLE users ADD COLUMN IF NOT EXISTS tier integer")""", """
                op.execute("ALTER TABLE users DROP COLUMN IF EXISTS tier")
                op.execute("ALTER TABLE users DROP COLUMN IF EXISTS plan")""");
        Path versions = alembic("mysql+pymysql://app@db.internal/app", Map.of("a1_users.py", users,
                "b2_plans.py", plans));
        try (DatabaseProvider mariadb = DatabaseProviders.server("jdbc:mariadb://127.0.0.1:3306/test", "root", "")) {
            RoundTripReport report = rehearse(AlembicTest.settings("filesystem:" + versions), mariadb, versions);
            assertThat(retry(report, 1).status()).as(report.toText()).isEqualTo(Status.PASSED);
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps().get(1).note()).contains("after statement 1 (line 8), before statement 2 (line 9):"
                    + " left column users.plan, and the retry ended as a clean up");
        }
    }

    /** A Knex migration with {@code transaction: false}, its index built concurrently, in the project's own Knex. */
    @Test
    void aKnexMigrationWithoutItsTransactionIsCancelledWhileItBuildsAndItsTwinPasses() throws IOException {
        Path migrations = knexProject("");
        Files.writeString(migrations.resolve("20240101000000_users.js"), """
                exports.up = (knex) => knex.raw('CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL)');
                exports.down = (knex) => knex.raw('DROP TABLE users');
                """);
        String emailKey = """
                exports.config = { transaction: false };
                exports.up = async (knex) => {
                  %s
                  await knex.raw('CREATE UNIQUE INDEX CONCURRENTLY %sIF NOT EXISTS users_email_key ON users (email)');
                };
                exports.down = (knex) => knex.raw('DROP INDEX IF EXISTS users_email_key');
                """;
        Files.writeString(migrations.resolve("20240102000000_email_key.js"), emailKey.formatted("", ""));
        RoundTripReport report = rehearse(RehearsalSettings.of("filesystem:" + migrations),
                DatabaseProviders.embeddedPostgres(), migrations);
        PhaseResult retry = retry(report, 1);
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("cancelled while it builds").contains("index users_email_key INVALID");

        Files.writeString(migrations.resolve("20240102000000_email_key.js"), emailKey.formatted(
                "await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS users_email_key');", "").replace("IF NOT EXISTS ", ""));
        RoundTripReport twin = rehearse(RehearsalSettings.of("filesystem:" + migrations),
                DatabaseProviders.embeddedPostgres(), migrations);
        assertThat(retry(twin, 1).status()).as(twin.toText()).isEqualTo(Status.PASSED);
        assertThat(twin.steps().get(1).note()).contains("cancelled while it builds: left index users_email_key INVALID,"
                + " and the retry ended as a clean up");
    }

    /** A knexfile with {@code disableTransactions: true} runs every migration without a transaction. */
    @Test
    void aKnexfileWithoutTransactionsHasItsMigrationsStoppedBetweenTheirStatements() throws IOException {
        Path migrations = knexProject(", migrations: { disableTransactions: true }");
        Files.writeString(migrations.resolve("20240101000000_accounts.js"), """
                exports.up = async (knex) => {
                  await knex.raw('CREATE TABLE accounts (id bigint PRIMARY KEY)');
                  await knex.raw('ALTER TABLE accounts ADD COLUMN plan text');
                };
                exports.down = (knex) => knex.raw('DROP TABLE IF EXISTS accounts');
                """);
        RoundTripReport report = rehearse(RehearsalSettings.of("filesystem:" + migrations),
                DatabaseProviders.embeddedPostgres(), migrations);
        PhaseResult retry = retry(report, 0);
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("after statement 1, before statement 2").contains("left table accounts")
                .contains("42P07");
    }

    /** A TypeORM migration with {@code transaction = false} (under migrationsTransactionMode 'each'), two ALTERs. */
    @Test
    void aTypeormMigrationWithoutItsTransactionIsStoppedBetweenItsQueriesAndItsTwinPasses() throws IOException {
        assertThat(TYPEORM.resolve("typeorm/package.json")).as("TypeORM is needed: run bash .ci/setup.sh").exists();
        Files.createSymbolicLink(dir.resolve("node_modules"), TYPEORM);
        Files.writeString(dir.resolve("data-source.js"), """
                const { DataSource } = require('typeorm');
                module.exports = { AppDataSource: new DataSource({ type: 'postgres', migrationsTransactionMode: 'each',
                  url: 'postgres://postgres@127.0.0.1:5432/app', migrations: [__dirname + '/migrations/*.js'] }) };
                """);
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("1704877200000-Accounts.js"), """
                module.exports = class Accounts1704877200000 {
                  async up(q) { await q.query('CREATE TABLE accounts (id serial PRIMARY KEY)'); }
                  async down(q) { await q.query('DROP TABLE accounts'); }
                };
                """);
        String plans = """
                module.exports = class Plans1704877300000 {
                  constructor() { this.transaction = false; }
                  async up(q) {
                    await q.query('ALTER TABLE accounts ADD COLUMN %1$splan text');
                    await q.query('ALTER TABLE accounts ADD COLUMN %1$stier integer');
                  }
                  async down(q) {
                    await q.query('ALTER TABLE accounts DROP COLUMN IF EXISTS tier');
                    await q.query('ALTER TABLE accounts DROP COLUMN IF EXISTS plan');
                  }
                };
                """;
        Files.writeString(migrations.resolve("1704877300000-Plans.js"), plans.formatted(""));
        RoundTripReport report = rehearse(RehearsalSettings.of("filesystem:" + migrations),
                DatabaseProviders.embeddedPostgres(), migrations);
        PhaseResult retry = retry(report, 1);
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("after statement 1, before statement 2")
                .contains("left column accounts.plan").contains("42701");

        Files.writeString(migrations.resolve("1704877300000-Plans.js"), plans.formatted("IF NOT EXISTS "));
        RoundTripReport twin = rehearse(RehearsalSettings.of("filesystem:" + migrations),
                DatabaseProviders.embeddedPostgres(), migrations);
        assertThat(retry(twin, 1).status()).as(twin.toText()).isEqualTo(Status.PASSED);
        assertThat(twin.failed()).as(twin.toText()).isFalse();
    }

    private static final Path TYPEORM = Path.of("../samples/typeorm-postgres/node_modules").toAbsolutePath()
            .normalize();

    private static final Path KNEX = Path.of("../.ci/tools/node_modules").toAbsolutePath().normalize();

    /**
     * A Knex project in the test's folder on the Knex of .ci/setup.sh, its knexfile's settings after the connection
     * {@code settings}; returns its (empty) migrations folder.
     */
    private Path knexProject(String settings) throws IOException {
        assertThat(KNEX.resolve("knex/package.json")).as("Knex is needed: run bash .ci/setup.sh").exists();
        Files.createSymbolicLink(dir.resolve("node_modules"), KNEX);
        Files.writeString(dir.resolve("knexfile.js"), "module.exports = { client: 'pg', connection:"
                + " 'postgres://postgres@127.0.0.1:5432/app'" + settings + " };\n");
        return Files.createDirectories(dir.resolve("migrations"));
    }

    /**
     * Rows an Alembic revision writes before its DDL on MariaDB are committed by the server when the DDL starts: a
     * revision stopped at that DDL keeps them, and its retry writes them again.
     */
    @Test
    void rowsAnAlembicRevisionWritesBeforeItsDdlOnMariaDbAreWrittenAgainByTheRetry() throws IOException {
        String users = revision("a1", null, """
                op.execute("CREATE TABLE users (id bigint PRIMARY KEY, credits integer NOT NULL)")
                op.execute("INSERT INTO users (id, credits) VALUES (1, 0), (2, 5)")""",
                "op.execute(\"DROP TABLE users\")");
        String bonus = revision("b2", "a1", """
                op.execute("UPDATE users SET credits = credits + 10")
                op.execute("ALTER TABLE users ADD COLUMN plan varchar(20)")""", """
                op.execute("ALTER TABLE users DROP COLUMN plan")
                op.execute("UPDATE users SET credits = credits - 10")""");
        Path versions = alembic("mysql+pymysql://app@db.internal/app", Map.of("a1_users.py", users,
                "b2_bonus.py", bonus));
        try (DatabaseProvider mariadb = DatabaseProviders.server("jdbc:mariadb://127.0.0.1:3306/test", "root", "")) {
            RoundTripReport report = rehearse(AlembicTest.settings("filesystem:" + versions), mariadb, versions);
            PhaseResult retry = retry(report, 1);
            assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(retry.message()).contains("after statement 1 (line 8), before statement 2 (line 9)")
                    .contains("left data users.credits").contains("gave different values in users.credits");
        }
    }

    /**
     * The stop reaches the migration's own code as the driver's lock-timeout error (psycopg's LockNotAvailable,
     * 55P03); a migration that catches it and goes on is not taken as stopped there.
     */
    @Test
    void aDjangoMigrationMeetsTheStopAsItsDriversLockTimeoutError() throws IOException, InterruptedException {
        Path migrations = DjangoStartProjectTest.startProject(dir, "none");
        Path seen = dir.resolve("seen.jsonl");
        String migration = """
                import json
                from django.db import migrations


                def forwards(apps, schema_editor):
                    with schema_editor.connection.cursor() as cursor:
                        cursor.execute("ALTER TABLE shop_product ADD COLUMN plan varchar(20)")
                        try:
                            cursor.execute("ALTER TABLE shop_product ADD COLUMN tier integer")
                        except Exception as error:
                            cause = error.__cause__ or error
                            with open(%s, "a") as f:
                                f.write(json.dumps({"type": type(cause).__name__,
                                                    "sqlstate": getattr(cause, "sqlstate", None)}) + "\\n")
                            %s


                def backwards(apps, schema_editor):
                    with schema_editor.connection.cursor() as cursor:
                        cursor.execute("ALTER TABLE shop_product DROP COLUMN IF EXISTS tier")
                        cursor.execute("ALTER TABLE shop_product DROP COLUMN IF EXISTS plan")


                class Migration(migrations.Migration):
                    atomic = False
                    dependencies = [("shop", "0001_initial")]
                    operations = [migrations.RunPython(forwards, backwards)]
                """;
        String log = "\"" + seen.toString().replace("\\", "\\\\") + "\"";
        Files.writeString(migrations.resolve("0002_plans.py"), migration.formatted(log, "raise"));
        RoundTripReport report = rehearse(DjangoStartProjectTest.settings(migrations),
                DatabaseProviders.embeddedPostgres(), migrations);
        assertThat(Files.readString(seen)).as(report.toText())
                .contains("{\"type\": \"LockNotAvailable\", \"sqlstate\": \"55P03\"}");
        assertThat(retry(report, 1).message()).as(report.toText()).contains("left column shop_product.plan")
                .contains("42701");

        Files.writeString(migrations.resolve("0002_plans.py"), migration.formatted(log, "pass  # and go on"));
        RoundTripReport caught = rehearse(DjangoStartProjectTest.settings(migrations),
                DatabaseProviders.embeddedPostgres(), migrations);
        assertThat(retry(caught, 1).status()).as(caught.toText()).isEqualTo(Status.PASSED);
        assertThat(caught.steps().get(1).note()).contains("not rehearsed, as 0002_plans plans went on past the stop");
        assertThat(caught.steps().get(1).phase(Phase.UP).orElseThrow().locks().risks())
                .as("a point not reached shows nothing: non-atomic-script stays")
                .anySatisfy(risk -> {
                    assertThat(risk.rule()).isEqualTo("non-atomic-script");
                    assertThat(risk.suppressed()).isNull();
                });
    }

    @Test
    void aDjangoMigrationWithoutItsTransactionIsStoppedBetweenItsOperations() throws IOException, InterruptedException {
        Path migrations = DjangoStartProjectTest.startProject(dir, "none");
        String migration = """
                from django.db import migrations

                class Migration(migrations.Migration):
                    atomic = False
                    dependencies = [("shop", "0001_initial")]
                    operations = [
                        migrations.RunSQL("ALTER TABLE shop_product ADD COLUMN %1$splan varchar(20)",
                                          reverse_sql="ALTER TABLE shop_product DROP COLUMN plan"),
                        migrations.RunSQL("ALTER TABLE shop_product ADD COLUMN %1$stier integer",
                                          reverse_sql="ALTER TABLE shop_product DROP COLUMN tier"),
                    ]
                """;
        Files.writeString(migrations.resolve("0002_plans.py"), migration.formatted(""));
        RoundTripReport report = rehearse(DjangoStartProjectTest.settings(migrations),
                DatabaseProviders.embeddedPostgres(), migrations);
        PhaseResult retry = retry(report, 1);
        assertThat(retry.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(retry.message()).contains("after statement 1").contains("left column shop_product.plan")
                .contains("42701").contains("IF NOT EXISTS");

        Files.writeString(migrations.resolve("0002_plans.py"), migration.formatted("IF NOT EXISTS "));
        RoundTripReport twin = rehearse(DjangoStartProjectTest.settings(migrations),
                DatabaseProviders.embeddedPostgres(), migrations);
        assertThat(retry(twin, 1).status()).as(twin.toText()).isEqualTo(Status.PASSED);
        assertThat(twin.steps().get(1).note()).contains("after statement 1").contains("ended as a clean up");
    }
}
