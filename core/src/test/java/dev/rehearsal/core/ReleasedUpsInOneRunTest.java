package dev.rehearsal.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.locks.StatementTrace;
import dev.rehearsal.core.model.Migration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where Rehearsal brings a database to a version without checks (the base of {@code --only-new}, a parallel part's
 * start, a catch-up), a helper-driven tool applies the pending migrations in one run, as its own command applies
 * several in one process ({@code alembic upgrade <revision>}, {@code manage.py migrate <app> <migration>}, one Knex):
 * the migrations here record the session they run on. Where that run fails, each migration runs alone, so that a
 * history needing one run per migration still gets there and a failure is told as the migration's own up tells it.
 */
class ReleasedUpsInOneRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void alembicAppliesTheReleasedRevisionsInOneRunOfEnvPy(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("sessions.jsonl");
        Path versions = alembicProject(dir, log, List.of("CREATE TABLE a (id int)", "CREATE TABLE b (id int)",
                "CREATE TABLE c (id int)", "CREATE TABLE d (id int)"));
        try (MigrationRehearsal r = Histories.rehearse(AlembicTest.settings("filesystem:" + versions))) {
            r.applyReleased(r.migration("r3").version());

            assertThat(r.currentVersion()).hasValue(r.migration("r3").version());
            assertThat(tables(r)).containsExactly("a", "b", "c", "d");
            List<JsonNode> ups = lines(log);
            assertThat(ups).extracting(u -> u.path("revision").asText()).containsExactly("r0", "r1", "r2", "r3");
            assertThat(ups).as("one session for the four revisions").extracting(u -> u.path("backend").asInt())
                    .containsOnly(ups.get(0).path("backend").asInt());
        }
    }

    /**
     * An enum value used by a later revision: in one transaction PostgreSQL refuses it (55P04), one revision per run
     * it passes, as the project's deploys, one release at a time, applied them.
     */
    @Test
    void alembicRunsEachRevisionAloneWhereTheRunTogetherFails(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("sessions.jsonl");
        Path versions = alembicProject(dir, log, List.of("CREATE TYPE mood AS ENUM ('sad')",
                "ALTER TYPE mood ADD VALUE 'ok'", "CREATE TABLE feelings (m mood NOT NULL DEFAULT 'ok')"));
        try (MigrationRehearsal r = Histories.rehearse(AlembicTest.settings("filesystem:" + versions))) {
            r.applyReleased(r.migration("r0").version()); // the type exists before: a type made in the same
            r.applyReleased(r.migration("r2").version()); // transaction takes its new values at once

            assertThat(r.currentVersion()).hasValue(r.migration("r2").version());
            assertThat(tables(r)).containsExactly("feelings");
            List<JsonNode> ups = lines(log);
            assertThat(ups).extracting(u -> u.path("revision").asText())
                    .as("r1 and r2 together, rolled back with r2's failure; then each alone")
                    .containsExactly("r0", "r1", "r2", "r1", "r2");
            assertThat(ups.get(1).path("backend")).isEqualTo(ups.get(2).path("backend"));
            assertThat(ups.get(3).path("backend")).isNotEqualTo(ups.get(4).path("backend"));
        }
    }

    @Test
    void aReleasedRevisionThatFailsIsNamedAsItsOwnUpNamesIt(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("sessions.jsonl");
        Path versions = alembicProject(dir, log, List.of("CREATE TABLE a (id int)", "CREATE TABLE b (id int)",
                "CREATE TABLE c (id int REFERENCES missing (id))", "CREATE TABLE d (id int)"));
        try (MigrationRehearsal r = Histories.rehearse(AlembicTest.settings("filesystem:" + versions))) {
            assertThatThrownBy(() -> r.applyReleased(r.migration("r3").version()))
                    .isInstanceOfSatisfying(MigrationFailedException.class, e -> {
                        assertThat(e.migration()).contains("r2");
                        assertThat(e.sqlState()).hasValue("42P01");
                        assertThat(e.getMessage()).contains("r2_step.py").contains("missing")
                                .doesNotContain("upgrade to");
                    });
            assertThat(r.currentVersion()).as("what the revisions before it applied stays")
                    .hasValue(r.migration("r1").version());
            assertThat(lines(log)).extracting(u -> u.path("revision").asText()).as("together, then each alone")
                    .containsExactly("r0", "r1", "r2", "r0", "r1", "r2");
        }
    }

    /** A revision that commits part of its work by itself (an autocommit block) runs alone: a failure leaves it whole. */
    @Test
    void aRevisionThatCommitsByItselfRunsAlone(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("sessions.jsonl");
        Path versions = alembicProject(dir, log, List.of("CREATE TABLE a (id int)", "CREATE TABLE b (id int)",
                "CREATE INDEX CONCURRENTLY b_id ON b (id)", "CREATE TABLE d (id int)", "CREATE TABLE e (id int)"));
        Path concurrently = versions.resolve("r2_step.py");
        Files.writeString(concurrently, Files.readString(concurrently).replace("    op.execute(",
                "    with op.get_context().autocommit_block():\n        op.execute("));
        try (MigrationRehearsal r = Histories.rehearse(AlembicTest.settings("filesystem:" + versions))) {
            r.applyReleased(r.migration("r4").version());

            assertThat(r.currentVersion()).hasValue(r.migration("r4").version());
            List<Integer> backends = lines(log).stream().map(u -> u.path("backend").asInt()).toList();
            assertThat(backends).hasSize(5);
            assertThat(backends.get(0)).as("r0 and r1 together").isEqualTo(backends.get(1));
            assertThat(backends.get(2)).as("r2 alone").isNotIn(backends.get(1), backends.get(3));
            assertThat(backends.get(3)).as("r3 and r4 together").isEqualTo(backends.get(4));
        }
    }

    /** The timeout is each revision's, as when it runs alone; one that runs past it is named and not run again. */
    @Test
    void aRevisionThatRunsPastTheTimeoutIsNamedAndNotRunAgain(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("sessions.jsonl");
        // together longer than the timeout, each well within it; then one that never ends
        Path versions = alembicProject(dir, log, List.of("SELECT pg_sleep(0.6)", "SELECT pg_sleep(0.6)",
                "SELECT pg_sleep(0.6)", "SELECT pg_sleep(0.6)", "SELECT pg_sleep(0.6)", "SELECT pg_sleep(60)",
                "CREATE TABLE g (id int)"));
        RehearsalSettings settings = AlembicTest.settings("filesystem:" + versions);
        settings = settings.withLocks(settings.locks().withMigrationTimeout(Duration.ofMillis(2500)));
        try (MigrationRehearsal r = Histories.rehearse(settings)) {
            assertThatThrownBy(() -> r.applyReleased(r.migration("r6").version()))
                    .isInstanceOfSatisfying(MigrationFailedException.class, e -> {
                        assertThat(e.migration()).as("the revision that ran past it, not the last").contains("r5");
                        assertThat(e.getMessage()).contains("ran past it, applied together with the migrations"
                                + " from").contains("rehearsal.migration-timeout");
                    });
            assertThat(lines(log)).extracting(u -> u.path("revision").asText())
                    .containsExactly("r0", "r1", "r2", "r3", "r4", "r5");
        }
    }

    /** migrateTo watches what it applies: each revision's statements are traced, as its own up traces them. */
    @Test
    void migrateToStillTracesEachRevision(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("sessions.jsonl");
        Path versions = alembicProject(dir, log, List.of("CREATE TABLE a (id int)", "CREATE TABLE b (id int)",
                "CREATE INDEX b_id ON b (id)"));
        try (MigrationRehearsal r = Histories.rehearse(AlembicTest.settings("filesystem:" + versions))) {
            MigrationRun run = r.migrateTo("latest");

            assertThat(run.locks().statements()).extracting(StatementTrace::sql)
                    .contains("CREATE TABLE a (id int)", "CREATE TABLE b (id int)", "CREATE INDEX b_id ON b (id)");
            assertThat(lines(log)).extracting(u -> u.path("backend").asInt()).doesNotHaveDuplicates();
        }
    }

    /** MariaDB commits DDL as it goes, so a failed run could leave a revision half applied: each runs alone. */
    @Test
    void onMariaDbEachRevisionRunsAlone(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("sessions.jsonl");
        Path versions = alembicProject(dir, log, List.of("CREATE TABLE a (id int)", "CREATE TABLE b (id int)",
                "CREATE TABLE c (id int)"), "mysql+pymysql://app@db.internal/app", "select connection_id()");
        try (DatabaseProvider mariadb = DatabaseProviders.server("jdbc:mariadb://127.0.0.1:3306/test", "root", "");
             MigrationRehearsal r = MigrationRehearsal.start(AlembicTest.settings("filesystem:" + versions), mariadb,
                     ReleasedUpsInOneRunTest.class.getClassLoader())) {
            r.applyReleased(r.migration("r2").version());

            assertThat(r.currentVersion()).hasValue(r.migration("r2").version());
            List<JsonNode> ups = lines(log);
            assertThat(ups).extracting(u -> u.path("revision").asText()).containsExactly("r0", "r1", "r2");
            assertThat(ups).as("a session each").extracting(u -> u.path("backend").asInt()).doesNotHaveDuplicates();
        }
    }

    @Test
    void djangoAppliesTheReleasedMigrationsInOneMigrate(@TempDir Path dir) throws Exception {
        Path migrations = DjangoStartProjectTest.startProject(dir, "none");
        Path log = dir.resolve("sessions.jsonl");
        djangoMigration(migrations, log, "0002_step", "0001_initial");
        djangoMigration(migrations, log, "0003_step", "0002_step");
        djangoMigration(migrations, log, "0004_step", "0003_step");
        try (MigrationRehearsal r = Histories.rehearse(DjangoStartProjectTest.settings(migrations))) {
            r.applyReleased(r.migration("0004_step").version());

            assertThat(r.currentVersion()).hasValue(r.migration("0004_step").version());
            List<JsonNode> ups = lines(log);
            assertThat(ups).extracting(u -> u.path("migration").asText())
                    .containsExactly("0002_step", "0003_step", "0004_step");
            assertThat(ups).as("one session for the three migrations").extracting(u -> u.path("backend").asInt())
                    .containsOnly(ups.get(0).path("backend").asInt());
        }
    }

    /**
     * Two branches merged: {@code migrate shop} to the second branch in Django's order would leave the first out, so
     * each runs alone and both are applied, as one {@code migrate} per migration applies them.
     */
    @Test
    void djangoRunsEachAloneWhereItsPlanForTheLastLeavesOneOut(@TempDir Path dir) throws Exception {
        Path migrations = DjangoStartProjectTest.startProject(dir, "none");
        Path log = dir.resolve("sessions.jsonl");
        djangoMigration(migrations, log, "0002_alpha", "0001_initial");
        djangoMigration(migrations, log, "0002_beta", "0001_initial");
        djangoMigration(migrations, log, "0003_merge", "0002_alpha", "0002_beta");
        try (MigrationRehearsal r = Histories.rehearse(DjangoStartProjectTest.settings(migrations))) {
            List<String> order = r.history().versioned().stream().map(Migration::id).toList();
            assertThat(order).hasSize(4).startsWith("0001_initial").endsWith("0003_merge");
            r.applyReleased(r.migration(order.get(2)).version()); // the second branch in Django's order

            List<JsonNode> ups = lines(log);
            assertThat(ups).extracting(u -> u.path("migration").asText()).containsExactly(order.get(1), order.get(2));
            assertThat(ups.get(0).path("backend")).isNotEqualTo(ups.get(1).path("backend"));
            assertThat(r.query("select name from django_migrations where app = 'shop' order by name").rows())
                    .extracting(row -> row.get(0)).containsExactly("0001_initial", "0002_alpha", "0002_beta");
        }
    }

    @Test
    void knexAppliesTheReleasedMigrationsOnOneKnex(@TempDir Path dir) throws IOException {
        Path migrations = KnexPhaseSessionTest.project(dir);
        Path log = dir.resolve("sessions.jsonl");
        for (int i = 1; i <= 3; i++) {
            Files.writeString(migrations.resolve("2024010100000" + i + "_step" + i + ".js"), """
                    exports.up = async (knex) => {
                      const { rows } = await knex.raw('select pg_backend_pid() as backend');
                      require('fs').appendFileSync(%s, JSON.stringify({ migration: %d, backend: rows[0].backend }) + '\\n');
                      await knex.schema.createTable('t%d', (t) => { t.increments('id'); });
                    };
                    exports.down = async (knex) => knex.schema.dropTable('t%d');
                    """.formatted(JSON.writeValueAsString(log.toString()), i, i, i));
        }
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + migrations))) {
            Migration last = r.history().versioned().get(2);
            r.applyReleased(last.version());

            assertThat(r.currentVersion()).hasValue(last.version());
            assertThat(tables(r)).contains("t1", "t2", "t3");
            List<JsonNode> ups = lines(log);
            assertThat(ups).extracting(u -> u.path("migration").asInt()).containsExactly(1, 2, 3);
            assertThat(ups).as("one session for the three migrations").extracting(u -> u.path("backend").asInt())
                    .containsOnly(ups.get(0).path("backend").asInt());
        }
    }

    /** A Django migration of the app that records its name and session in {@code log}. */
    private static void djangoMigration(Path migrations, Path log, String name, String... dependsOn)
            throws IOException {
        StringBuilder dependencies = new StringBuilder();
        for (String d : dependsOn) {
            dependencies.append("(\"shop\", ").append(JSON.writeValueAsString(d)).append("), ");
        }
        Files.writeString(migrations.resolve(name + ".py"), """
                import json
                from django.db import migrations


                def forwards(apps, schema_editor):
                    with schema_editor.connection.cursor() as cursor:
                        cursor.execute("select pg_backend_pid()")
                        backend = cursor.fetchone()[0]
                    with open(%s, "a") as f:
                        f.write(json.dumps({"migration": %s, "backend": backend}) + "\\n")


                class Migration(migrations.Migration):
                    dependencies = [%s]
                    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
                """.formatted(JSON.writeValueAsString(log.toString()), JSON.writeValueAsString(name), dependencies));
    }

    /**
     * An Alembic project (the env.py of {@code alembic init}) whose revision {@code rN_step.py} runs {@code sql[N]}
     * after recording its revision and session in {@code log}.
     */
    private static Path alembicProject(Path dir, Path log, List<String> sql) throws IOException {
        return alembicProject(dir, log, sql, "driver://user:pass@localhost/dbname", "select pg_backend_pid()");
    }

    private static Path alembicProject(Path dir, Path log, List<String> sql, String url, String sessionId)
            throws IOException {
        Path versions = Files.createDirectories(dir.resolve("alembic/versions"));
        Files.writeString(dir.resolve("alembic.ini"), "[alembic]\nscript_location = alembic\nsqlalchemy.url = "
                + url + "\n");
        Files.writeString(dir.resolve("alembic/env.py"), AlembicTest.INIT_ENV_PY);
        for (int i = 0; i < sql.size(); i++) {
            Files.writeString(versions.resolve("r" + i + "_step.py"), """
                    import json
                    from alembic import op
                    import sqlalchemy as sa

                    revision = "r%d"
                    down_revision = %s
                    branch_labels = None
                    depends_on = None


                    def upgrade():
                        backend = op.get_bind().execute(sa.text(%s)).scalar()
                        with open(%s, "a") as f:
                            f.write(json.dumps({"revision": revision, "backend": backend}) + "\\n")
                        op.execute(%s)


                    def downgrade():
                        pass
                    """.formatted(i, i == 0 ? "None" : "\"r" + (i - 1) + "\"", JSON.writeValueAsString(sessionId),
                    JSON.writeValueAsString(log.toString()), JSON.writeValueAsString(sql.get(i))));
        }
        return versions;
    }

    private static List<JsonNode> lines(Path log) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static List<String> tables(MigrationRehearsal r) {
        return r.query("select table_name from information_schema.tables where table_schema = 'public'"
                + " and table_type = 'BASE TABLE' and table_name not like '%migrations%'"
                + " and table_name <> 'alembic_version' order by 1").rows().stream()
                .map(row -> String.valueOf(row.get(0))).toList();
    }
}
