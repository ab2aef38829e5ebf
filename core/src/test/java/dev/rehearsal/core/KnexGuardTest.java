package dev.rehearsal.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A Knex migration that builds a Knex of its own for another database (a reporting copy, say) is stopped by the
 * session guard before its first statement there, and that database is left as it was; the migrations that stay on
 * the connection Rehearsal hands Knex run as before. The project's Knex is the one .ci/setup.sh installs.
 */
class KnexGuardTest {

    private static final Path NODE_MODULES = Path.of("../.ci/tools/node_modules").toAbsolutePath().normalize();

    @Test
    void aMigrationWithAKnexOfItsOwnForAnotherDatabaseIsStopped(@TempDir Path dir) throws IOException, SQLException {
        assertThat(NODE_MODULES.resolve("knex/package.json")).as("Knex is needed: run bash .ci/setup.sh").exists();
        try (ServerDatabase foreign = ServerDatabase.create("foreign")) {
            Files.createSymbolicLink(dir.resolve("node_modules"), NODE_MODULES);
            Files.writeString(dir.resolve("knexfile.js"), """
                    module.exports = { client: 'pg', connection: 'postgres://postgres@127.0.0.1:5432/tasks' };
                    """);
            Path migrations = Files.createDirectories(dir.resolve("migrations"));
            Files.writeString(migrations.resolve("20240101000000_create_tasks.js"), """
                    exports.up = (knex) => knex.schema.createTable('tasks', (t) => { t.increments('id'); t.string('title'); });
                    exports.down = (knex) => knex.schema.dropTable('tasks');
                    """);
            Files.writeString(migrations.resolve("20240102000000_copy_to_reporting.js"), """
                    exports.up = async () => {
                      const reporting = require('knex')({ client: 'pg', connection: 'postgres://postgres@127.0.0.1:5432/%s' });
                      try {
                        await reporting.schema.createTable('intruder', (t) => t.integer('id'));
                      } finally {
                        await reporting.destroy();
                      }
                    };
                    exports.down = async () => {};
                    """.formatted(foreign.name()));

            Throwable thrown = catchThrowable(() -> {
                try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + migrations))) {
                    throw new AssertionError(r.runRoundTrips().toText());
                }
            });

            assertThat(thrown).isNotNull();
            assertThat(thrown.getMessage()).contains("Knex connected to database \"" + foreign.name() + "\"")
                    .contains("Rehearsal stopped Knex before it ran anything there");
            assertThat(foreign.tables()).isEmpty();
        }
    }
}
