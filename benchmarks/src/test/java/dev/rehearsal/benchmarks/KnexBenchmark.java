package dev.rehearsal.benchmarks;

import dev.rehearsal.core.RehearsalSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rehearsal driving a project's Knex against Knex's own in-process loop: one Node process, one Knex (a pool of one
 * connection), {@code knex.migrate.up} / {@code down} by name for each migration up, down and up again. The history is
 * the generated one of the other benchmarks, each migration a {@code knex.raw} of its SQL; Knex is the one
 * .ci/setup.sh installs. A short version in every CI run.
 */
class KnexBenchmark {

    private static final Path NODE_MODULES = Path.of("..", ".ci", "tools", "node_modules").toAbsolutePath()
            .normalize();

    @Test
    void shortHistory(@TempDir Path dir) throws Exception {
        measure(dir, 12, 1);
    }

    @Test
    @EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
            disabledReason = "run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
    void sixtyMigrations(@TempDir Path dir) throws Exception {
        measure(dir, 60, 3);
    }

    /**
     * What parallel parts gain on a Knex history long enough for them (each part runs the project's Knex in a helper
     * of its own): the default settings against {@code rehearsal.parallel=1}, alternating, medians of 3.
     */
    @Test
    @EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
            disabledReason = "run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
    void aLongHistoryInParts(@TempDir Path dir) throws Exception {
        assertThat(NODE_MODULES.resolve("knex/package.json")).as("Knex: run bash .ci/setup.sh").exists();
        int migrations = 120;
        Path project = project(dir.resolve("project"), migrations);
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + project.resolve("migrations"));
        HelperLoop.partsAgainstOnePart("Knex", migrations, settings);
    }

    private static void measure(Path dir, int migrations, int rounds) throws Exception {
        assertThat(NODE_MODULES.resolve("knex/package.json")).as("Knex: run bash .ci/setup.sh").exists();
        Path project = project(dir.resolve("project"), migrations);
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + project.resolve("migrations"));
        HelperLoop.measure("Knex", "Knex's own loop (knex.migrate.up/down by name)", migrations, rounds, project, settings,
                db -> List.of("node", "-e", """
                const knex = require('knex')({ client: 'pg', connection: process.argv[1],
                  migrations: { directory: './migrations' }, pool: { min: 0, max: 1 } });
                (async () => {
                  const [, pending] = await knex.migrate.list();
                  for (const m of pending) {
                    await knex.migrate.up({ name: m.file });
                    await knex.migrate.down({ name: m.file });
                    await knex.migrate.up({ name: m.file });
                  }
                  await knex.destroy();
                })().catch((error) => { console.error(error); process.exit(1); });
                """, db.url("postgres")), Map.of());
    }

    /** A knexfile and one migration file per generated migration, each a knex.raw of its SQL. */
    static Path project(Path dir, int migrations) throws IOException {
        List<HelperLoop.Step> steps = HelperLoop.steps(dir.resolve("sql"), migrations);
        Path folder = Files.createDirectories(dir.resolve("migrations"));
        Files.createSymbolicLink(dir.resolve("node_modules"), NODE_MODULES);
        Files.writeString(dir.resolve("knexfile.js"), """
                module.exports = { client: 'pg', connection: 'postgres://postgres@127.0.0.1:5432/ledger' };
                """);
        for (HelperLoop.Step step : steps) {
            Files.writeString(folder.resolve(String.format(Locale.ROOT, "%014d_%s.js", 20240101000000L + step.number(),
                    step.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_"))), """
                    exports.up = (knex) => knex.raw(%s);
                    exports.down = (knex) => knex.raw(%s);
                    """.formatted(HelperLoop.literal(step.up()), HelperLoop.literal(step.down())));
        }
        return dir;
    }
}
