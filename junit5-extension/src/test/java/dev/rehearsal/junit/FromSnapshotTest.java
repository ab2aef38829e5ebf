package dev.rehearsal.junit;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.snapshots.DataSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.Events;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @FromSnapshot} (issue 13, part 5): a test's database starts from a masked snapshot of a "production" database
 * on the machine's PostgreSQL server, at the snapshot's version, and the round trips rehearse the newer migrations
 * over its rows; a snapshot that cannot be restored fails the test naming why.
 */
class FromSnapshotTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String CRM = "../snapshots/src/test/resources/histories/crm";
    static final String SNAPSHOT = "target/from-snapshot-test/crm-v2.rehearsal";

    @TempDir
    static Path reports;
    private static String database;

    private static void execute(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    @BeforeAll
    static void captureProduction() throws Exception {
        database = "prod_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        execute(SERVER + "postgres", "create database " + database);
        String url = SERVER + database;
        MigrationSource crm = MigrationSources.detect(RehearsalSettings.of("filesystem:" + CRM), FromSnapshotTest.class.getClassLoader());
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(url);
            ds.setUser("postgres");
            crm.open(ds, Dialect.of(c)).upTo(MigrationVersion.parse("2"));
        }
        execute(url, "insert into customers (email, name) select 'person' || g || '@corp.example', 'Person ' || g"
                        + " from generate_series(1, 25) g",
                "insert into orders (customer_id) select 1 + g % 25 from generate_series(1, 60) g");
        Files.createDirectories(Path.of(SNAPSHOT).getParent());
        DataSnapshot.capture(url, "postgres", "", crm).maskingKey("from-snapshot-test-secret").writeTo(Path.of(SNAPSHOT));
    }

    @AfterAll
    static void dropProduction() throws SQLException {
        execute(SERVER + "postgres", "drop database if exists " + database + " with (force)");
    }

    @Test
    void roundTripsRehearseTheNewerMigrationsOverTheSnapshotsRows() {
        Events tests = EngineRuns.run(reports, OverProductionData.class).testEvents();
        tests.assertStatistics(s -> s.started(7).succeeded(7));
    }

    @Test
    void aSnapshotThatCannotBeRestoredFailsTheTestNamingWhy() {
        Events tests = EngineRuns.run(reports, MissingSnapshot.class).testEvents();
        tests.assertStatistics(s -> s.failed(1));
        String message = tests.failed().stream().findFirst().orElseThrow().getPayload(TestExecutionResult.class)
                .orElseThrow().getThrowable().orElseThrow().getMessage();
        assertThat(message).contains("@FromSnapshot on").contains("There is no data snapshot at classpath:snapshots/none.rehearsal");
    }

    // ---- fixtures, run only through the engine test kit ----

    @MigrationTest(migrations = "filesystem:" + CRM, dataChanges = "3")
    @FromSnapshot("filesystem:" + SNAPSHOT)
    static class OverProductionData {
        @Test
        void theDatabaseIsAtTheSnapshotsVersionWithItsRows(Rehearsal rehearsal) {
            assertThat(rehearsal.currentVersion()).contains(MigrationVersion.parse("2"));
            assertThat(rehearsal.query("select count(*) from orders").rows().get(0).get(0)).isEqualTo(60L);
            assertThat(rehearsal.query("select count(*) from customers where email like '%@corp.example'").rows()
                    .get(0).get(0)).as("masked").isEqualTo(0L);
        }

        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = "filesystem:" + CRM)
    @FromSnapshot("classpath:snapshots/none.rehearsal")
    static class MissingSnapshot {
        @Test
        void neverRuns(Rehearsal rehearsal) {
            assertThat(rehearsal).isNotNull();
        }
    }
}
