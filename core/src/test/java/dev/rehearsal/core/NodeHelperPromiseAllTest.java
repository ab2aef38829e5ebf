package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.StatementTrace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migrations of the Node tools that send statements together ({@code await Promise.all([...])}) pass as their tools
 * run them, each statement traced with the locks it took itself: on one connection (Knex's transaction, TypeORM's
 * query runner) and on two sessions whose events wait for the JVM's answers at once. The projects' Knex, pg and
 * TypeORM are the ones .ci/setup.sh installs.
 */
class NodeHelperPromiseAllTest {

    private static final Path KNEX_MODULES = Path.of("../.ci/tools/node_modules").toAbsolutePath().normalize();
    private static final Path TYPEORM_MODULES = Path.of("../samples/typeorm-postgres/node_modules").toAbsolutePath()
            .normalize();

    @Test
    void aKnexMigrationsPromiseAllPassesWithEachStatementTracedWithItsOwnLocks(@TempDir Path dir) throws IOException {
        assertThat(KNEX_MODULES.resolve("knex/package.json")).as("Knex is needed: run bash .ci/setup.sh").exists();
        Files.createSymbolicLink(dir.resolve("node_modules"), KNEX_MODULES);
        Files.writeString(dir.resolve("knexfile.js"), """
                module.exports = { client: 'pg', connection: 'postgres://postgres@127.0.0.1:5432/shop' };
                """);
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("20240101000000_create_accounts_and_orders.js"), """
                exports.up = (knex) => knex.schema
                  .createTable('accounts', (t) => { t.increments('id'); })
                  .createTable('orders', (t) => { t.increments('id'); });
                exports.down = (knex) => knex.schema.dropTable('orders').dropTable('accounts');
                """);
        Files.writeString(migrations.resolve("20240102000000_add_notes.js"), """
                exports.up = async (knex) => {
                  await Promise.all([
                    knex.raw('alter table accounts add column note text'),
                    knex.raw('alter table orders add column note text'),
                  ]);
                };
                exports.down = async (knex) => {
                  await Promise.all([
                    knex.raw('alter table accounts drop column note'),
                    knex.raw('alter table orders drop column note'),
                  ]);
                };
                """);
        Files.writeString(migrations.resolve("20240103000000_add_owners.js"), """
                exports.up = async (knex) => {
                  const second = require('knex')(knex.client.config); // a second session on the same database
                  try {
                    await Promise.all([
                      knex.raw('alter table accounts add column owner text'),
                      second.transaction((trx) => trx.raw('alter table orders add column owner text')),
                    ]);
                  } finally {
                    await second.destroy();
                  }
                };
                exports.down = async (knex) => {
                  await knex.raw('alter table accounts drop column owner');
                  await knex.raw('alter table orders drop column owner');
                };
                """);

        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + migrations))) {
            RoundTripReport report = r.runRoundTrips();

            assertThat(report.failed()).as(report.toText()).isFalse();
            assertEachTracedWithItsOwnLock(up(report, "notes"), "20240102000000_add_notes.js up",
                    "alter table accounts add column note text", "alter table orders add column note text");
            assertEachTracedWithItsOwnLock(up(report, "owners"), "20240103000000_add_owners.js up",
                    "alter table accounts add column owner text", "alter table orders add column owner text");
        }
    }

    @Test
    void aTypeormMigrationsPromiseAllPassesWithEachStatementTracedWithItsOwnLocks(@TempDir Path dir)
            throws IOException {
        assertThat(TYPEORM_MODULES.resolve("typeorm/package.json")).as("TypeORM is needed: run bash .ci/setup.sh")
                .exists();
        Files.createSymbolicLink(dir.resolve("node_modules"), TYPEORM_MODULES);
        Files.writeString(dir.resolve("data-source.js"), """
                const { DataSource } = require('typeorm');
                module.exports = { AppDataSource: new DataSource({ type: 'postgres',
                  url: 'postgres://postgres@127.0.0.1:5432/shop', migrations: [__dirname + '/migrations/*.js'] }) };
                """);
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("1704877200000-CreateAccountsAndOrders.js"), """
                module.exports = class CreateAccountsAndOrders1704877200000 {
                  async up(q) {
                    await q.query('CREATE TABLE accounts (id serial PRIMARY KEY)');
                    await q.query('CREATE TABLE orders (id serial PRIMARY KEY)');
                  }
                  async down(q) {
                    await q.query('DROP TABLE orders');
                    await q.query('DROP TABLE accounts');
                  }
                };
                """);
        Files.writeString(migrations.resolve("1705482000000-AddNotes.js"), """
                module.exports = class AddNotes1705482000000 {
                  async up(q) {
                    await Promise.all([q.query('ALTER TABLE accounts ADD COLUMN note text'),
                      q.query('ALTER TABLE orders ADD COLUMN note text')]);
                  }
                  async down(q) {
                    await Promise.all([q.query('ALTER TABLE accounts DROP COLUMN note'),
                      q.query('ALTER TABLE orders DROP COLUMN note')]);
                  }
                };
                """);

        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + migrations))) {
            RoundTripReport report = r.runRoundTrips();

            assertThat(report.failed()).as(report.toText()).isFalse();
            assertEachTracedWithItsOwnLock(up(report, "notes"), "1705482000000-AddNotes.js up",
                    "ALTER TABLE accounts ADD COLUMN note text", "ALTER TABLE orders ADD COLUMN note text");
        }
    }

    private static PhaseResult up(RoundTripReport report, String migration) {
        return report.steps().stream().filter(s -> s.migration().contains(migration)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + migration + " in\n" + report.toText()))
                .phase(Phase.UP).orElseThrow();
    }

    /**
     * Each statement is in the up's trace, named by its migration's script, holding the ACCESS EXCLUSIVE lock on its
     * own table and none on the other's.
     */
    private static void assertEachTracedWithItsOwnLock(PhaseResult up, String script, String accountsSql,
                                                       String ordersSql) {
        StatementTrace accounts = statement(up, accountsSql);
        StatementTrace orders = statement(up, ordersSql);
        assertThat(accounts.script()).isEqualTo(script);
        assertThat(orders.script()).isEqualTo(script);
        assertThat(up.locks().locks()).as("the locks each statement took").anySatisfy(lock -> {
            assertThat(lock.relation()).isEqualTo("accounts");
            assertThat(lock.mode()).isEqualTo(LockMode.ACCESS_EXCLUSIVE);
            assertThat(lock.statement()).isEqualTo(accounts.index());
        }).anySatisfy(lock -> {
            assertThat(lock.relation()).isEqualTo("orders");
            assertThat(lock.mode()).isEqualTo(LockMode.ACCESS_EXCLUSIVE);
            assertThat(lock.statement()).isEqualTo(orders.index());
        });
        assertThat(up.locks().locks()).filteredOn(lock -> lock.statement() == accounts.index())
                .extracting(HeldLock::relation).doesNotContain("orders");
        assertThat(up.locks().locks()).filteredOn(lock -> lock.statement() == orders.index())
                .extracting(HeldLock::relation).doesNotContain("accounts");
    }

    private static StatementTrace statement(PhaseResult up, String sql) {
        return up.locks().statements().stream().filter(s -> s.sql().equals(sql)).findFirst()
                .orElseThrow(() -> new AssertionError("no traced statement " + sql + " among "
                        + up.locks().statements().stream().map(StatementTrace::sql).toList()));
    }
}
