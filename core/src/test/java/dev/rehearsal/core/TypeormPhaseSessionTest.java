package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each phase of a TypeORM history runs on sessions as a deploy's {@code typeorm migration:run} or
 * {@code migration:revert} in a new process has them: a {@code search_path} an up leaves on its session does not
 * reach its down. The project's TypeORM is the TypeORM sample's, which .ci/setup.sh installs.
 */
class TypeormPhaseSessionTest {

    private static final Path NODE_MODULES = Path.of("../samples/typeorm-postgres/node_modules").toAbsolutePath()
            .normalize();

    @Test
    void anUpsSearchPathDoesNotReachItsDown(@TempDir Path dir) throws IOException {
        assertThat(NODE_MODULES.resolve("typeorm/package.json")).as("TypeORM is needed: run bash .ci/setup.sh").exists();
        Files.createSymbolicLink(dir.resolve("node_modules"), NODE_MODULES);
        Files.writeString(dir.resolve("data-source.js"), """
                const { DataSource } = require('typeorm');
                module.exports = { AppDataSource: new DataSource({ type: 'postgres',
                  url: 'postgres://postgres@127.0.0.1:5432/app', migrations: [__dirname + '/migrations/*.js'] }) };
                """);
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("1704877200000-BillingInvoices.js"), """
                module.exports = class BillingInvoices1704877200000 {
                  async up(q) {
                    await q.query('CREATE SCHEMA billing');
                    await q.query('CREATE TABLE billing.invoices (id serial PRIMARY KEY, total numeric NOT NULL)');
                    await q.query('SET search_path TO billing, public');
                  }
                  async down(q) {
                    await q.query('DROP TABLE invoices');
                    await q.query('DROP SCHEMA billing');
                  }
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
}
