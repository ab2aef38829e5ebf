package dev.rehearsal.core;

import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Knex helper keeps one Knex (a pool of one connection) across the steps on a database, as one
 * {@code knex migrate:latest} runs every migration on one; it is closed before Rehearsal copies the database (an
 * estimate at production volume copies it), which PostgreSQL refuses while anyone is connected.
 */
class KnexKeptConnectionTest {

    private static final Path NODE_MODULES = Path.of("../.ci/tools/node_modules").toAbsolutePath().normalize();

    @Test
    void oneConnectionIsKeptAcrossStepsAndClosedBeforeTheDatabaseIsCopied(@TempDir Path dir) throws Exception {
        assertThat(NODE_MODULES.resolve("knex/package.json")).as("Knex is needed: run bash .ci/setup.sh").exists();
        Files.createSymbolicLink(dir.resolve("node_modules"), NODE_MODULES);
        Files.writeString(dir.resolve("knexfile.js"), """
                module.exports = { client: 'pg', connection: 'postgres://postgres@127.0.0.1:5432/tasks' };
                """);
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("20240101000000_create_tasks.js"), """
                exports.up = (knex) => knex.schema.createTable('tasks', (t) => { t.increments('id'); t.string('title'); });
                exports.down = (knex) => knex.schema.dropTable('tasks');
                """);
        Files.writeString(migrations.resolve("20240102000000_index_titles.js"), """
                exports.up = (knex) => knex.schema.alterTable('tasks', (t) => t.index(['title'], 'tasks_title'));
                exports.down = (knex) => knex.schema.alterTable('tasks', (t) => t.dropIndex(['title'], 'tasks_title'));
                """);
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + migrations))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(r.query("select count(*) from pg_stat_activity where datname = current_database()"
                    + " and application_name = 'rehearsal-knex'").singleValue()).hasValue(1L);

            r.migrateTo("20240101000000_create_tasks.js");
            VolumeEstimate estimate = r.estimate("20240102000000_index_titles.js",
                    ProductionVolumes.of(Map.of("tasks", 1_000_000L)), EstimateSettings.DEFAULTS.withSizes(500L, 2_000L));
            assertThat(estimate.statements()).isNotEmpty();
        }
    }
}
