package dev.rehearsal.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Knex migration that builds a Knex of its own, or opens a pg client of its own, for another database (a reporting
 * copy, an audit database) is stopped by the session guard before it connects there, and that database is
 * left as it was; the migrations that stay on the connection Rehearsal hands Knex run as before. The project's Knex
 * and pg are the ones .ci/setup.sh installs.
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

            RoundTripReport report;
            try (MigrationRehearsal r = Histories.rehearse(guardedOnly(migrations))) {
                report = r.runRoundTrips();
            }
            PhaseResult up = report.steps().get(1).phase(PhaseResult.Phase.UP).orElseThrow();
            assertThat(up.status()).as(report.toText()).isEqualTo(PhaseResult.Status.FAILED);
            assertThat(up.message()).contains("Knex was about to connect to database \"" + foreign.name()
                    + "\" on 127.0.0.1:5432").contains("Rehearsal stopped Knex before it connected there");
            assertThat(foreign.tables()).isEmpty();
        }
    }

    @Test
    void aMigrationsOwnPgClientForAnotherDatabaseIsStoppedBeforeItConnects(@TempDir Path dir)
            throws IOException, SQLException {
        assertThat(NODE_MODULES.resolve("pg/package.json")).as("pg is needed: run bash .ci/setup.sh").exists();
        try (ServerDatabase foreign = ServerDatabase.create("foreign")) {
            try (Connection c = foreign.connect(); Statement st = c.createStatement()) {
                st.execute("create table audit (id int primary key, what text)");
                st.execute("insert into audit values (1, 'before the migration'), (2, 'still before')");
            }
            Files.createSymbolicLink(dir.resolve("node_modules"), NODE_MODULES);
            Files.writeString(dir.resolve("knexfile.js"), """
                    module.exports = { client: 'pg', connection: 'postgres://postgres@127.0.0.1:5432/tasks' };
                    """);
            Path migrations = Files.createDirectories(dir.resolve("migrations"));
            Files.writeString(migrations.resolve("20240101000000_create_tasks.js"), """
                    exports.up = (knex) => knex.schema.createTable('tasks', (t) => { t.increments('id'); t.string('title'); });
                    exports.down = (knex) => knex.schema.dropTable('tasks');
                    """);
            Files.writeString(migrations.resolve("20240102000000_audit_tasks.js"), """
                    const pg = require('pg');
                    exports.up = async (knex) => {
                      await knex.schema.alterTable('tasks', (t) => t.boolean('done'));
                      const audit = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/%s' });
                      await audit.connect();
                      try {
                        await audit.query("insert into audit values (3, 'tasks get a done flag')");
                        await audit.query('create table intruder (id int)');
                      } finally {
                        await audit.end();
                      }
                    };
                    exports.down = (knex) => knex.schema.alterTable('tasks', (t) => t.dropColumn('done'));
                    """.formatted(foreign.name()));

            RoundTripReport report;
            try (MigrationRehearsal r = Histories.rehearse(guardedOnly(migrations))) {
                report = r.runRoundTrips();
            }
            PhaseResult up = report.steps().get(1).phase(PhaseResult.Phase.UP).orElseThrow();
            assertThat(up.status()).as(report.toText()).isEqualTo(PhaseResult.Status.FAILED);
            assertThat(up.message()).contains("Knex was about to connect to database \"" + foreign.name()
                    + "\" on 127.0.0.1:5432").contains("Rehearsal stopped Knex before it connected there")
                    .contains("opened by: pg Client.connect, called at migrations/20240102000000_audit_tasks.js line 5")
                    .contains("named by: the code that opened the session");
            assertThat(foreign.tables()).containsExactly("audit");
            try (Connection c = foreign.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select id, what from audit order by id")) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getInt(1) + " " + rs.getString(2));
                }
                assertThat(rows).containsExactly("1 before the migration", "2 still before");
            }
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
