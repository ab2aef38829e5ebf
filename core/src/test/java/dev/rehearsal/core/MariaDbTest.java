package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.SeedException;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EngineLocks;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trips on the machine's MariaDB (127.0.0.1:3306, root), through the MariaDB dialect and server provider. */
class MariaDbTest {

    static final String URL = "jdbc:mariadb://127.0.0.1:3306/test";
    private static DatabaseProvider provider;

    @BeforeAll
    static void connect() {
        provider = DatabaseProviders.server(URL, "root", "");
    }

    @AfterAll
    static void close() {
        provider.close();
    }

    private static MigrationRehearsal rehearse(String history) {
        return MigrationRehearsal.start(Histories.settings(history), provider, MariaDbTest.class.getClassLoader());
    }

    /** Estimates run on copies of the seeded database, which MariaDB servers make too. */
    @Test
    void volumeEstimatesRunOnMariaDbToo() {
        try (MigrationRehearsal r = rehearse("mariadb-shop")) {
            VolumeEstimate e = r.estimate("000002", ProductionVolumes
                    .of(Map.of("customers", 5_000_000L)), EstimateSettings.DEFAULTS
                    .withSizes(200L, 800L, 3_200L).withRepeats(1));
            System.out.println(e.toText());
            assertThat(e.sizes()).containsExactly(200L, 800L, 3_200L);
            assertThat(e.statements()).singleElement().satisfies(s -> {
                assertThat(s.where()).contains("ALTER TABLE customers DROP COLUMN country");
                assertThat(s.measured()).hasSize(3);
                // the update count comes through MariaDB's driver too (an INSTANT drop changes no row)
                assertThat(s.measured()).allSatisfy(m -> assertThat(m.rowsAffected()).isGreaterThanOrEqualTo(0L));
            });
            // MariaDB has no write-ahead log position or temporary-file count to read: unknown, not zero
            assertThat(e.runs()).hasSize(3);
            assertThat(e.walBytes()).isEqualTo(-1L);
            assertThat(e.tempBytes()).isEqualTo(-1L);
            assertThat(r.query("select count(*) from customers").rows().get(0).get(0)).isEqualTo(0L);
        }
    }

    /** The probes' watcher reads who waits for whom: here a row-lock wait between two sessions, seen from a third. */
    @Test
    void theWaitGraphShowsARowLockWaitBetweenTwoSessions() throws Exception {
        try (MigrationRehearsal r = rehearse("mariadb-golang")) {
            r.migrateTo("1");
            EngineLocks locks = r.database().dialect().locks();
            try (Connection holder = r.dataSource().getConnection(); Connection waiter = r.dataSource().getConnection();
                 Connection observer = r.dataSource().getConnection();
                 Statement h = holder.createStatement(); Statement w = waiter.createStatement()) {
                h.execute("insert into users (name) values ('ada')");
                holder.setAutoCommit(false);
                h.execute("select * from users for update");
                int holderId = locks.backendId(holder);
                int waiterId = locks.backendId(waiter);
                waiter.setAutoCommit(false);
                // a thread of its own: the common pool may be busy on two cores
                ExecutorService thread = Executors.newSingleThreadExecutor();
                Future<?> blocked = thread.submit(() -> {
                    w.execute("update users set name = 'grace'");
                    return null;
                });
                try {
                    List<EngineLocks.Wait> waits = List.of();
                    // until the server shows the wait (the update cannot end before the holder rolls back)
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                    while (waits.isEmpty() && !blocked.isDone() && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                        waits = locks.waitsAmong(observer, List.of(holderId, waiterId));
                    }
                    if (blocked.isDone()) {
                        blocked.get(); // the update's own failure, if it failed
                    }
                    assertThat(waits).containsExactly(new EngineLocks.Wait(waiterId, holderId));
                    holder.rollback();
                    blocked.get(30, TimeUnit.SECONDS);
                    waiter.rollback();
                } finally {
                    thread.shutdownNow();
                }
            }
        }
    }

    @Test
    void golangMigrateHistoryRoundTripsOnMariaDb() throws Exception {
        String name;
        try (MigrationRehearsal r = rehearse("mariadb-golang")) {
            name = r.database().name();
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.database()).matches("MariaDB 1\\d\\.\\d+\\.\\d+ server at 127\\.0\\.0\\.1:3306");
            assertThat(r.query("select version, dirty from schema_migrations").rows()).containsExactly(List.of(3L, false));
            assertThat(r.schema().toText()).contains("trigger orders.orders_bi").contains("constraint orders.orders_user_fk")
                    .contains("index orders.PRIMARY").contains("type: decimal(10,2)").contains("comment: display name");
        }
        try (Connection c = DriverManager.getConnection(URL, "root", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from information_schema.schemata where schema_name = '" + name + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the throwaway database is dropped").isZero();
        }
    }

    @Test
    void aDownThatForgetsAnIndexIsCaught() {
        try (MigrationRehearsal r = rehearse("mariadb-forgets-index")) {
            PhaseResult down = r.runRoundTrips().steps().get(1).phase(Phase.DOWN).orElseThrow();
            assertThat(down.status()).isEqualTo(Status.FAILED);
            assertThat(down.message()).contains("+ index users_name_idx ON users USING BTREE (name)");
        }
    }

    @Test
    void aMigrationThatFailsHalfWayIsReportedAsPartial() {
        try (MigrationRehearsal r = rehearse("mariadb-partial")) {
            PhaseResult up = r.runRoundTrips().steps().get(1).phase(Phase.UP).orElseThrow();
            assertThat(up.status()).isEqualTo(Status.FAILED);
            assertThat(up.message())
                    .contains("000002_audit.up.sql, line 2").contains("no_such_table")
                    .contains("It failed half-way and left these changes behind (PARTIAL):")
                    .contains("+ table audit")
                    .contains("They stayed because MariaDB").contains("commits each DDL statement at once");
        }
    }

    /** Rows a CHECK refuses are counted per constraint on MariaDB too, and the one that refused them is named. */
    @Test
    void aSeedACheckRefusesNamesTheCheckOnMariaDb() {
        try (MigrationRehearsal r = rehearse("mariadb-shop")) {
            r.migrateTo("1");
            assertThatThrownBy(() -> r.seed(TableSeed.table("customers").rows(20),
                    TableSeed.table("orders").rows(20).oneOf("status", "lost")))
                    .isInstanceOf(SeedException.class)
                    .hasMessageContaining("Cannot seed orders: 20 rows still missing")
                    .hasMessageContaining("CHECK status (")
                    .hasMessageContaining("Override the column it uses: TableSeed.table(\"orders\").column(\"status\"");
        }
    }

    @Test
    void seedsRowsThatFitMariaDbTypesKeysAndChecks() {
        try (MigrationRehearsal r = rehearse("mariadb-shop")) {
            r.migrateTo("1");
            SeedResult seeded = r.seed(200);
            assertThat(seeded.rowsAdded()).containsEntry("categories", 200L).containsEntry("customers", 200L)
                    .containsEntry("orders", 200L);
            assertThat(seeded.notes()).anyMatch(n -> n.contains("categories(parent_id) -> categories(id)"));
            // one value in 16 is a boundary value: some e-mails are as long as the column allows, some empty
            assertThat(r.query("select count(distinct email), sum(email like '%@%' or email = ''), sum(active in (0, 1)),"
                    + " sum(tier in ('free', 'pro', 'team')), sum(prefs is null or json_valid(prefs)),"
                    + " sum(external_id is not null) > 0 from customers").rows())
                    .containsExactly(List.of(200L, BigDecimal.valueOf(200), BigDecimal.valueOf(200),
                            BigDecimal.valueOf(200), BigDecimal.valueOf(200), 1));
            assertThat(r.query("select count(*) from orders where status not in ('new', 'paid', 'shipped') or total < 0"
                    + " or rank_hint not between -128 and 127").rows()).containsExactly(List.of(0L));
            assertThat(r.query("select count(*) > 0, count(*) < 200 from categories where parent_id is not null").rows())
                    .as("self-references are linked after loading, some left NULL").containsExactly(List.of(1, 1));
            assertThat(r.query("select count(*) from orders o left join customers c on c.id = o.customer_id"
                    + " where c.id is null").rows()).containsExactly(List.of(0L));
        }
    }

    @Test
    void aNarrowingCopyFailsOnSeededBoundaryValuesAsOnPostgres() {
        try (MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("mariadb-narrowing-copy")
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(100)), provider, MariaDbTest.class.getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            PhaseResult up = report.steps().get(1).phase(PhaseResult.Phase.UP).orElseThrow();
            assertThat(up.status()).as(report.toText()).isEqualTo(PhaseResult.Status.FAILED);
            assertThat(up.message()).contains("22001").containsPattern("It failed over seeded rows that hold boundary"
                    + " values: users.handle: text of exactly 128 characters \\(\\d+ rows?\\)");
        }
    }

    @Test
    void aLossyDownIsCaughtOverSeededRows() {
        try (MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("mariadb-shop")
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(150)), provider, MariaDbTest.class.getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            PhaseResult down = report.steps().get(1).phase(Phase.DOWN).orElseThrow();
            assertThat(down.status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(down.problems()).extracting(DataProblem::kind).contains(DataProblem.Kind.LOSSY_DOWN);
            assertThat(down.message()).contains("customers.country");
            assertThat(report.steps().get(0).note()).contains("seeded");
        }
    }

    @Test
    void aUniqueIndexOverDuplicateSeededValuesFails() {
        try (MigrationRehearsal r = rehearse("mariadb-unique-over-duplicates")) {
            r.migrateTo("1");
            r.seed(TableSeed.table("people").rows(50).oneOf("city", "Lyon", "Porto", "Turku"));
            assertThatThrownBy(() -> r.migrateTo("2")).isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("000002_unique_city.up.sql").hasMessageContaining("Duplicate entry");
        }
    }

    @Test
    void flywayHistoriesRunThroughFlywayOnMariaDb() {
        try (MigrationRehearsal r = rehearse("mariadb-flyway")) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(r.query("select version, success from flyway_schema_history order by installed_rank").rows())
                    .containsExactly(List.of("1", true), List.of("2", true));
        }
    }

    @Test
    void prismaHistoriesKeepTheirTableOnMariaDb() {
        try (MigrationRehearsal r = rehearse("mariadb-prisma")) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();

            assertThat(r.query("select migration_name from _prisma_migrations where rolled_back_at is null"
                    + " and finished_at is not null order by migration_name").rows())
                    .containsExactly(List.of("20240101000000_init"), List.of("20240102000000_add_bio"));
        }
    }

    /**
     * MariaDB has no template databases: the restore point is a copy made over JDBC (tables with their rows and
     * AUTO_INCREMENT, views, triggers). DDL commits at once there, so only a migration that changes no schema gets a
     * forced failure; every migration without a down script is still applied again on the copy and compared.
     */
    @Test
    void migrationsWithoutDownScriptsAreRestoredFromACopyAndAppliedAgain() {
        try (MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("mariadb-no-undo")
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(25)), provider, MariaDbTest.class.getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            for (int step = 1; step < 4; step++) {
                StepResult s = report.steps().get(step);
                assertThat(s.phase(PhaseResult.Phase.RESTORE).orElseThrow().status()).as(s.migration())
                        .isEqualTo(PhaseResult.Status.PASSED);
                assertThat(s.phase(PhaseResult.Phase.UP_AGAIN).orElseThrow().status()).as(s.migration())
                        .isEqualTo(PhaseResult.Status.PASSED);
            }
            assertThat(report.steps().get(1).note()).contains("no failure forced at the end of V2 add bio: MariaDB")
                    .contains("commits each DDL statement at once");
            assertThat(report.steps().get(2).note())
                    .contains("restore: a failure forced at the end of V3 mark names left nothing behind");
            assertThat(r.query("select count(*) from customers").singleValue()).hasValue(25L);
            assertThat(r.query("select count(*) from information_schema.triggers where trigger_schema = database()")
                    .singleValue()).hasValue(1L);
        }
    }

    @Test
    void badServersAndPasswords() {
        assertThatThrownBy(() -> DatabaseProviders.server("jdbc:mariadb://127.0.0.1:1/test", "root", "s3cr3t-pw"))
                .hasMessageContaining("Cannot reach the MariaDB server at 127.0.0.1:1").hasMessageNotContaining("s3cr3t-pw");
        assertThatThrownBy(() -> DatabaseProviders.server(URL, "no_such_user", "s3cr3t-pw"))
                .hasMessageContaining("refused user no_such_user").hasMessageNotContaining("s3cr3t-pw");
    }
}
