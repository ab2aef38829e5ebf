package dev.rehearsal.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each phase of a Knex history runs on a session as a deploy's {@code knex migrate:up} or {@code migrate:down} in a
 * new process has it: nothing an up leaves on its session (here a {@code search_path}) reaches its down, and no
 * session is left open between phases, so Rehearsal can copy the database (an estimate at production volume copies
 * it), which PostgreSQL refuses while anyone is connected. The helper process itself, with Knex and the migrations
 * loaded, serves every phase of the rehearsal. The project's Knex is the one .ci/setup.sh installs.
 */
class KnexPhaseSessionTest {

    private static final Path NODE_MODULES = Path.of("../.ci/tools/node_modules").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anUpsSearchPathDoesNotReachItsDown(@TempDir Path dir) throws IOException {
        Path migrations = project(dir);
        Files.writeString(migrations.resolve("20240101000000_billing_invoices.js"), """
                exports.up = async (knex) => {
                  await knex.raw('CREATE SCHEMA billing');
                  await knex.raw('CREATE TABLE billing.invoices (id serial PRIMARY KEY, total numeric NOT NULL)');
                  await knex.raw('SET search_path TO billing, public');
                };
                exports.down = async (knex) => {
                  await knex.raw('DROP TABLE invoices');
                  await knex.raw('DROP SCHEMA billing');
                };
                """);

        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + migrations))) {
            RoundTripReport report = r.runRoundTrips();

            StepResult step = report.steps().get(0);
            assertThat(step.phase(Phase.UP)).hasValueSatisfying(up ->
                    assertThat(up.status()).as(report.toText()).isEqualTo(Status.PASSED));
            assertThat(step.phase(Phase.DOWN)).hasValueSatisfying(down -> {
                assertThat(down.status()).as(report.toText()).isEqualTo(Status.FAILED);
                assertThat(down.message()).contains("42P01").contains("invoices");
            });
        }
    }

    @Test
    void everyPhaseStartsOnANewSessionAndNoneIsLeftOpenBetweenPhases(@TempDir Path dir) throws Exception {
        Path migrations = project(dir);
        Path log = dir.resolve("sessions.jsonl");
        String record = """
                const record = async (knex, phase) => {
                  const { rows } = await knex.raw('select pg_backend_pid() as backend');
                  require('fs').appendFileSync(%s, JSON.stringify({ phase, node: process.pid, backend: rows[0].backend }) + '\\n');
                };
                """.formatted(JSON.writeValueAsString(log.toString()));
        Files.writeString(migrations.resolve("20240101000000_create_tasks.js"), record + """
                exports.up = async (knex) => {
                  await record(knex, 'create_tasks up');
                  await knex.schema.createTable('tasks', (t) => { t.increments('id'); t.string('title'); });
                };
                exports.down = async (knex) => {
                  await record(knex, 'create_tasks down');
                  await knex.schema.dropTable('tasks');
                };
                """);
        Files.writeString(migrations.resolve("20240102000000_index_titles.js"), record + """
                exports.up = async (knex) => {
                  await record(knex, 'index_titles up');
                  await knex.schema.alterTable('tasks', (t) => t.index(['title'], 'tasks_title'));
                };
                exports.down = async (knex) => {
                  await record(knex, 'index_titles down');
                  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['title'], 'tasks_title'));
                };
                """);

        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + migrations))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();

            List<JsonNode> phases = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                phases.add(JSON.readTree(line));
            }
            assertThat(phases).extracting(p -> p.path("phase").asText()).containsSubsequence(
                    "create_tasks up", "create_tasks down", "create_tasks up",
                    "index_titles up", "index_titles down", "index_titles up");
            assertThat(phases).as("each phase on a session of its own").extracting(p -> p.path("backend").asInt())
                    .doesNotHaveDuplicates();
            assertThat(phases).as("one helper process for the rehearsal").extracting(p -> p.path("node").asLong())
                    .containsOnly(phases.get(0).path("node").asLong());
            assertThat(knexSessions(r)).as("Knex sessions open between phases").isZero();

            r.migrateTo("20240101000000_create_tasks.js");
            VolumeEstimate estimate = r.estimate("20240102000000_index_titles.js",
                    ProductionVolumes.of(Map.of("tasks", 1_000_000L)), EstimateSettings.DEFAULTS.withSizes(500L, 2_000L));
            assertThat(estimate.statements()).isNotEmpty();
        }
    }

    /**
     * A down that fails half way outside a transaction leaves a database no deploy would have: the next step starts
     * on another database brought to its version. A migration that reads DATABASE_URL, PGDATABASE or a variable the
     * settings map to the throwaway database (rehearsal.env.REPORTING_DATABASE_URL=${url}), to open a client of its
     * own, say, must find that database named there, not the one the helper started on.
     */
    @Test
    void theVariablesNamingTheDatabaseFollowItToAnotherDatabase(@TempDir Path dir) throws IOException {
        Path migrations = project(dir);
        Files.writeString(migrations.resolve("20240101000000_create_tasks.js"), """
                exports.config = { transaction: false };
                exports.up = async (knex) => {
                  await knex.raw('CREATE TABLE tasks (id serial PRIMARY KEY, title text)');
                  await knex.raw('CREATE TABLE labels (id serial PRIMARY KEY)');
                };
                exports.down = async (knex) => {
                  await knex.raw('DROP TABLE labels');
                  throw new Error('half way down');
                };
                """);
        Files.writeString(migrations.resolve("20240102000000_reads_its_database.js"), """
                exports.up = async (knex) => {
                  const { rows } = await knex.raw('select current_database() as name');
                  const named = [process.env.PGDATABASE, new URL(process.env.DATABASE_URL).pathname.slice(1),
                    new URL(process.env.REPORTING_DATABASE_URL).pathname.slice(1)];
                  if (named.some((n) => n !== rows[0].name)) {
                    throw new Error('the environment names ' + named + ', the session is on ' + rows[0].name);
                  }
                  await knex.raw('ALTER TABLE tasks ADD COLUMN done boolean');
                };
                exports.down = (knex) => knex.raw('ALTER TABLE tasks DROP COLUMN done');
                """);

        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + migrations);
        settings = settings.withTool(settings.tool().withEnvironment(Map.of("REPORTING_DATABASE_URL", "${url}")));
        try (MigrationRehearsal r = Histories.rehearse(settings)) {
            RoundTripReport report = r.runRoundTrips();

            assertThat(report.steps().get(0).phase(Phase.DOWN)).hasValueSatisfying(down ->
                    assertThat(down.status()).as(report.toText()).isEqualTo(Status.FAILED));
            assertThat(report.steps().get(0).note()).as(report.toText()).doesNotContain("rolled back cleanly");
            assertThat(report.steps().get(1).note()).as("the next step ran on another database")
                    .contains("rebuilt a fresh database");
            assertThat(report.steps().get(1).status()).as(report.toText()).isEqualTo(Status.PASSED);
        }
    }

    /**
     * The schema at an earlier version is read on a scratch database of its own, through the same Knex helper: the
     * helper's sessions reach that database too (it is one Rehearsal made), and the rehearsal goes on after it.
     */
    @Test
    void aScratchDatabaseTheRehearsalMakesIsReachedByTheHelperToo(@TempDir Path dir) throws IOException {
        Path migrations = project(dir);
        Files.writeString(migrations.resolve("20240101000000_create_tasks.js"), """
                exports.up = (knex) => knex.schema.createTable('tasks', (t) => { t.increments('id'); t.string('title'); });
                exports.down = (knex) => knex.schema.dropTable('tasks');
                """);
        Files.writeString(migrations.resolve("20240102000000_done_flag.js"), """
                exports.up = (knex) => knex.schema.alterTable('tasks', (t) => t.boolean('done'));
                exports.down = (knex) => knex.schema.alterTable('tasks', (t) => t.dropColumn('done'));
                """);
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + migrations))) {
            r.migrateTo("20240102000000_done_flag.js");
            assertThat(r.schemaAt("20240101000000_create_tasks").column("tasks", "done")).isEmpty();
            assertThat(r.schema().column("tasks", "done")).isPresent();
            r.migrateTo("base");
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
        }
    }

    /**
     * The statements a phase reports as its migration's are the migration's own: Knex's bookkeeping around it (its
     * tables looked up in information_schema, its lock row, its version rows) is the tool's, as in the other tools'
     * traces, however Knex names its tables in the statement (in the text, or as a bound value).
     */
    @Test
    void knexsOwnStatementsAreNotTheMigrations(@TempDir Path dir) throws IOException {
        Path migrations = project(dir);
        Files.writeString(migrations.resolve("20240101000000_create_tasks.js"), """
                exports.up = (knex) => knex.raw('CREATE TABLE tasks (id serial PRIMARY KEY, title text)');
                exports.down = (knex) => knex.raw('DROP TABLE tasks');
                """);
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + migrations))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps().get(0).phase(Phase.UP)).hasValueSatisfying(up ->
                    assertThat(up.locks().statements()).extracting(s -> s.sql().strip())
                            .as("the up's traced statements").containsExactly(
                                    "CREATE TABLE tasks (id serial PRIMARY KEY, title text)"));
        }
    }

    static Path project(Path dir) throws IOException {
        assertThat(NODE_MODULES.resolve("knex/package.json")).as("Knex is needed: run bash .ci/setup.sh").exists();
        Files.createSymbolicLink(dir.resolve("node_modules"), NODE_MODULES);
        Files.writeString(dir.resolve("knexfile.js"), """
                module.exports = { client: 'pg', connection: 'postgres://postgres@127.0.0.1:5432/tasks' };
                """);
        return Files.createDirectories(dir.resolve("migrations"));
    }

    /** The Knex sessions on the rehearsal's database, once those a phase just closed have left (within seconds). */
    private static long knexSessions(MigrationRehearsal r) throws InterruptedException {
        long open = 0;
        for (int i = 0; i < 50; i++) {
            open = ((Number) r.query("select count(*) from pg_stat_activity where datname = current_database()"
                    + " and application_name = 'rehearsal-knex'").singleValue().orElseThrow()).longValue();
            if (open == 0) {
                return 0;
            }
            Thread.sleep(100);
        }
        return open;
    }
}
