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
 * A TypeORM migration that builds a DataSource of its own for another database is stopped by the session guard
 * before it connects there, and that database is left as it was.
 * The project's TypeORM is the TypeORM sample's, which .ci/setup.sh installs.
 */
class TypeormGuardTest {

    private static final Path NODE_MODULES = Path.of("../samples/typeorm-postgres/node_modules").toAbsolutePath()
            .normalize();

    @Test
    void aMigrationWithADataSourceOfItsOwnForAnotherDatabaseIsStopped(@TempDir Path dir)
            throws IOException, SQLException {
        assertThat(NODE_MODULES.resolve("typeorm/package.json")).as("TypeORM is needed: run bash .ci/setup.sh").exists();
        try (ServerDatabase foreign = ServerDatabase.create("foreign")) {
            Files.createSymbolicLink(dir.resolve("node_modules"), NODE_MODULES);
            Files.writeString(dir.resolve("data-source.js"), """
                    const { DataSource } = require('typeorm');
                    module.exports = { AppDataSource: new DataSource({ type: 'postgres',
                      url: 'postgres://postgres@127.0.0.1:5432/app', migrations: [__dirname + '/migrations/*.js'] }) };
                    """);
            Path migrations = Files.createDirectories(dir.resolve("migrations"));
            Files.writeString(migrations.resolve("1704877200000-CreateTasks.js"), """
                    module.exports = class CreateTasks1704877200000 {
                      async up(q) { await q.query('CREATE TABLE tasks (id serial PRIMARY KEY)'); }
                      async down(q) { await q.query('DROP TABLE tasks'); }
                    };
                    """);
            Files.writeString(migrations.resolve("1705482000000-CopyToReporting.js"), """
                    const { DataSource } = require('typeorm');
                    module.exports = class CopyToReporting1705482000000 {
                      async up() {
                        const reporting = new DataSource({ type: 'postgres',
                          url: 'postgres://postgres@127.0.0.1:5432/%s' });
                        await reporting.initialize();
                        try {
                          await reporting.query('CREATE TABLE intruder (id int)');
                        } finally {
                          await reporting.destroy();
                        }
                      }
                      async down() {}
                    };
                    """.formatted(foreign.name()));

            Throwable thrown = catchThrowable(() -> {
                try (MigrationRehearsal r = Histories.rehearse(guardedOnly(migrations))) {
                    throw new AssertionError(r.runRoundTrips().toText());
                }
            });

            assertThat(thrown).isNotNull();
            assertThat(thrown.getMessage()).contains("TypeORM was about to connect to database \"" + foreign.name()
                    + "\" on 127.0.0.1:5432").contains("Rehearsal stopped TypeORM before it connected there");
            assertThat(foreign.tables()).isEmpty();
        }
    }

    /**
     * Guarded only: the guard is what these tests prove, and it is all that stands where namespaces cannot be made
     * (run contained, the other database is out of reach at the network first).
     */
    private static RehearsalSettings guardedOnly(Path migrations) {
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + migrations);
        return settings.withTool(settings.tool().withContainment("guard"));
    }
}
