package dev.rehearsal.junit;

import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.flyway.FlywayCustomizer;
import dev.rehearsal.core.internal.lifecycle.Processes;
import dev.rehearsal.core.internal.postgres.EmbeddedPostgresProvider;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs small @MigrationTest classes through the JUnit engine and checks what users would see. */
class MigrationTestExtensionTest {

    @TempDir
    static Path reports;

    private static EngineExecutionResults run(Class<?> testClass, String... parameters) {
        return EngineRuns.run(reports, testClass, parameters);
    }

    private static String path(Event event) {
        return event.getTestDescriptor().getDisplayName();
    }

    private static List<String> names(Events events) {
        return events.stream().map(e -> parentName(e) + " / " + path(e)).toList();
    }

    private static String parentName(Event e) {
        return e.getTestDescriptor().getParent().map(TestDescriptor::getDisplayName).orElse("");
    }

    private static String failureMessage(Events events, String testName, String container) {
        return events.failed().stream()
                .filter(e -> path(e).equals(testName) && parentName(e).equals(container))
                .findFirst().orElseThrow(() -> new AssertionError("no failed '" + testName + "' in container #" + container
                        + "; failed: " + names(events.failed())))
                .getPayload(TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage();
    }

    // ---- fixtures, run only through the engine test kit ----

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/ambiguous", format = "golang-migrate",
            irreversible = "1")
    static class ExplicitFormat {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/ambiguous")
    static class AmbiguousFormat {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @Test
    void formatAttributeChoosesTheLayoutOfAmbiguousFiles() {
        EngineExecutionResults explicit = run(ExplicitFormat.class);
        assertThat(names(explicit.testEvents().failed())).isEmpty();
        assertThat(reports.resolve("ExplicitFormat.roundTrips.txt")).content()
                .contains("golang-migrate migrations at").contains("000001_create_a");
        EngineExecutionResults ambiguous = run(AmbiguousFormat.class);
        assertThat(ambiguous.allEvents().failed().stream().map(e -> e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("")))
                .anyMatch(m -> m.contains("fit several layouts: flyway, golang-migrate"));
    }

    @Test
    void aMisspeltSettingFailsTheTestBeforeAnyDatabaseIsMade() {
        System.setProperty("rehearsal.seed.rowz", "200");
        try {
            assertThat(failureMessages(run(GoodHistory.class))).anyMatch(m -> m.contains(
                    "Unknown setting rehearsal.seed.rowz (system property): did you mean rehearsal.seed.rows?"));
        } finally {
            System.clearProperty("rehearsal.seed.rowz");
        }
        assertThat(failureMessages(run(GoodHistory.class, "rehearsal.data-checks", "yes")))
                .anyMatch(m -> m.contains("rehearsal.data-checks = \"yes\" is not valid: use true or false."));
    }

    /** Two CI jobs with rehearsal.shard=1/2 and 2/2 run every round trip once between them, each its own part. */
    @Test
    void aShardRunsItsPartOfTheRoundTrips() {
        EngineExecutionResults first = run(GoodHistory.class, "rehearsal.shard", "1/2");
        EngineExecutionResults second = run(GoodHistory.class, "rehearsal.shard", "2/2");
        List<String> all = new ArrayList<>(names(first.testEvents().succeeded()));
        all.addAll(names(second.testEvents().succeeded()));
        assertThat(names(first.testEvents().succeeded())).hasSize(6).allMatch(n -> n.contains("V1 ") || n.contains("V2 "));
        assertThat(names(second.testEvents().succeeded())).hasSize(8).noneMatch(n -> n.contains("V1 ") || n.contains("V2 "));
        assertThat(all).containsExactlyInAnyOrderElementsOf(names(run(GoodHistory.class).testEvents().succeeded()));
        assertThat(failureMessages(run(GoodHistory.class, "rehearsal.shard", "5/4")))
                .anyMatch(m -> m.contains("rehearsal.shard = \"5/4\" is not valid: use index/count with 1 <= index <= count"));
    }

    /** Flyway's history table as the team names it, set in code. */
    public static final class TeamHistoryTable implements FlywayCustomizer {
        @Override
        public void customize(FluentConfiguration configuration) {
            configuration.table("team_history");
        }
    }

    @MigrationTest(flywayCustomizer = TeamHistoryTable.class)
    static class TeamsFlywayConfiguration {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @Test
    void theTeamsFlywayConfigurationFileAndCustomizerAreUsed() {
        EngineExecutionResults results = run(TeamsFlywayConfiguration.class,
                "rehearsal.flyway.config", "classpath:flyway-team.conf");
        assertThat(names(results.testEvents().failed())).isEmpty();
        assertThat(names(results.testEvents().succeeded())).hasSize(6)
                .anyMatch(n -> n.contains("V1.1 customers")).anyMatch(n -> n.contains("V1.2 orders"));
        assertThat(reports.resolve("TeamsFlywayConfiguration.roundTrips.txt")).content()
                .contains("Flyway configuration from classpath:flyway-team.conf")
                .contains("customized by " + TeamHistoryTable.class.getName())
                .contains("history table app.team_history");
        assertThat(failureMessages(run(TeamsFlywayConfiguration.class, "rehearsal.log.tool", "debug")))
                .anyMatch(m -> m.contains("rehearsal.log.tool") && m.contains("warn") && m.contains("info"));
    }

    @Test
    void aNamedServerHostsTheThrowawayDatabases() {
        EngineExecutionResults results = run(GoodHistory.class, "rehearsal.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/postgres",
                "rehearsal.jdbc.user", "postgres", "rehearsal.jdbc.password", "n0t-a-real-s3cret");
        assertThat(names(results.testEvents().failed())).isEmpty();
        assertThat(reports.resolve("GoodHistory.roundTrips.txt")).content()
                .contains("on PostgreSQL 1").contains("server at 127.0.0.1:5432").doesNotContain("n0t-a-real-s3cret");
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/pg16-only")
    static class AcrossMajors {
        @MigrationMatrix(databases = {"embedded", "jdbc:postgresql://127.0.0.1:5432/postgres"})
        void roundTripsOnEveryMajor(Rehearsal rehearsal) {
            assertThat(rehearsal.runRoundTrips()).hasNoFailures();
        }
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/engine-matrix")
    static class AcrossEngines {
        @MigrationMatrix(databases = {"embedded", "jdbc:mariadb://127.0.0.1:3306/test?user=root",
                "docker:rehearsal/postgres:15-debian"})
        void roundTripsOnEveryEngine(Rehearsal rehearsal) {
            assertThat(rehearsal.runRoundTrips()).hasNoFailures();
        }
    }

    @Test
    void engineMatrixNamesTheEngineWhereAMigrationFails() {
        EngineExecutionResults results = run(AcrossEngines.class);
        assertThat(results.testEvents().succeeded().stream().map(MigrationTestExtensionTest::path))
                .anyMatch(n -> n.startsWith("[embedded PostgreSQL 18"));
        assertThat(results.testEvents().succeeded().stream().map(MigrationTestExtensionTest::path))
                .anyMatch(n -> n.matches("\\[PostgreSQL 15\\.\\d+ in container rehearsal/postgres:15-debian\\]"));
        String failed = results.testEvents().failed().stream().map(MigrationTestExtensionTest::path).findFirst().orElseThrow();
        assertThat(failed).matches("\\[MariaDB 1\\d\\.\\d+\\.\\d+ server at 127\\.0\\.0\\.1:3306\\]");
        assertThat(failureMessage(results.testEvents(), failed, "roundTripsOnEveryEngine(Rehearsal)"))
                .contains("000001_create_notes").contains("000001_create_notes.up.sql, line 2").contains("SQLState:  42000");
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/engine-matrix",
            engines = {Engine.POSTGRES, Engine.MARIADB})
    static class OnTwoEngines {
        @MigrationMatrix
        void roundTripsOnEachEngine(Rehearsal rehearsal) {
            assertThat(rehearsal.runRoundTrips()).hasNoFailures();
        }

        @Test
        void plainTestsRunOnTheFirstEngine(Rehearsal rehearsal) {
            rehearsal.migrateTo("latest");
            assertThat(rehearsal.query("select version()").rows().get(0).get(0).toString()).doesNotContain("MariaDB");
        }
    }

    @Test
    void enginesAttributeRunsAMatrixOncePerEngineWithTheEngineInTheName() {
        EngineExecutionResults results = run(OnTwoEngines.class, "rehearsal.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/test",
                "rehearsal.mariadb.user", "root");
        assertThat(results.testEvents().succeeded().stream().map(MigrationTestExtensionTest::path))
                .containsExactlyInAnyOrder("[embedded PostgreSQL 18.6]", "plainTestsRunOnTheFirstEngine(Rehearsal)");
        String failed = results.testEvents().failed().stream().map(MigrationTestExtensionTest::path).findFirst().orElseThrow();
        assertThat(failed).matches("\\[MariaDB 1\\d\\.\\d+\\.\\d+ server at 127\\.0\\.0\\.1:3306\\]");
        assertThat(failureMessage(results.testEvents(), failed, "roundTripsOnEachEngine(Rehearsal)"))
                .contains("000001_create_notes.up.sql, line 2");
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/good")
    static class MatrixWithAPasswordInTheUrl {
        @MigrationMatrix(databases = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&password=s3cr3t-pw")
        void roundTrips(Rehearsal rehearsal) {
            assertThat(rehearsal.runRoundTrips()).hasNoFailures();
        }
    }

    @Test
    void matrixReportNamesLeaveTheUrlsParametersOut() throws Exception {
        assertThat(names(run(MatrixWithAPasswordInTheUrl.class).testEvents().failed())).isEmpty();
        try (Stream<Path> files = Files.list(reports)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("MatrixWithAPasswordInTheUrl")))
                    .contains("MatrixWithAPasswordInTheUrl.roundTrips.jdbc_postgresql_127.0.0.1_5432_postgres.txt")
                    .noneMatch(f -> f.contains("s3cr3t"));
        }
        assertThat(reports.resolve("MatrixWithAPasswordInTheUrl.roundTrips.jdbc_postgresql_127.0.0.1_5432_postgres.txt"))
                .content().doesNotContain("s3cr3t");
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/mariadb-golang", engines = Engine.MARIADB)
    static class MariaDbOnly {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @Test
    void mariaDbWithoutAServerRunsInAContainer() {
        EngineExecutionResults results = run(MariaDbOnly.class, "rehearsal.mariadb.image", "rehearsal/mariadb:10.11-debian");
        assertThat(failureMessages(results)).isEmpty();
        assertThat(reports.resolve("MariaDbOnly.roundTrips.txt")).content()
                .containsPattern("on MariaDB 10\\.11\\.\\d+ in container rehearsal/mariadb:10.11-debian");
    }

    @Test
    void providerSettingsThatCannotWorkSaySo() {
        assertThat(failureMessages(run(MariaDbOnly.class, "rehearsal.provider", "embedded")))
                .anyMatch(m -> m.contains("There is no embedded MariaDB"));
        assertThat(failureMessages(run(GoodHistory.class, "rehearsal.provider", "server")))
                .anyMatch(m -> m.contains("The server provider needs rehearsal.jdbc.url"));
        assertThat(failureMessages(run(GoodHistory.class, "rehearsal.provider", "kubernetes")))
                .anyMatch(m -> m.contains("rehearsal.provider = \"kubernetes\" is not valid: use auto, embedded, server,"
                        + " testcontainers"));
        EngineExecutionResults container = run(GoodHistory.class, "rehearsal.provider", "testcontainers",
                "rehearsal.image", "rehearsal/postgres:15-debian");
        assertThat(names(container.testEvents().failed())).isEmpty();
        assertThat(reports.resolve("GoodHistory.roundTrips.txt")).content()
                .containsPattern("on PostgreSQL 15\\.\\d+ in container rehearsal/postgres:15-debian");
    }

    private static List<String> failureMessages(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(e -> e.getPayload(TestExecutionResult.class)
                        .flatMap(TestExecutionResult::getThrowable)
                        .map(t -> t.getMessage() + (t.getCause() == null ? "" : " " + t.getCause().getMessage())).orElse(""))
                .toList();
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/good", image = "rehearsal/postgres:15-debian")
    static class InAContainer {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @Test
    void imageAttributeRehearsesInAContainer() {
        EngineExecutionResults results = run(InAContainer.class);
        assertThat(names(results.testEvents().failed())).isEmpty();
        assertThat(reports.resolve("InAContainer.roundTrips.txt")).content()
                .containsPattern("on PostgreSQL 15\\.\\d+ in container rehearsal/postgres:15-debian");
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/good")
    static class BadMatrix {
        @MigrationMatrix(databases = "postgres15")
        void roundTrips(Rehearsal rehearsal) {
        }
    }

    @Test
    void matrixRunsOncePerDatabaseAndNamesTheOneWhereAMigrationFails() {
        EngineExecutionResults results = run(AcrossMajors.class, "rehearsal.jdbc.user", "postgres");
        assertThat(results.testEvents().succeeded().stream().map(MigrationTestExtensionTest::path))
                .as("runs that passed; the failures: %s", failureMessages(results))
                .singleElement().asString().startsWith("[embedded PostgreSQL 18");
        assertThat(results.testEvents().failed().stream().map(MigrationTestExtensionTest::path))
                .singleElement().asString().matches("\\[PostgreSQL 15\\.\\d+ server at 127\\.0\\.0\\.1:5432\\]");
        assertThat(failureMessage(results.testEvents(), results.testEvents().failed().stream()
                .map(MigrationTestExtensionTest::path).findFirst().orElseThrow(), "roundTripsOnEveryMajor(Rehearsal)"))
                .contains("V2 kinds view").contains("any_value");
        assertThat(run(BadMatrix.class).testEvents().failed().stream()
                .map(e -> e.getPayload(TestExecutionResult.class)
                        .flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("")))
                .anyMatch(m -> m.contains("@MigrationMatrix database \"postgres15\" is neither \"embedded\", an engine"));
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/good")
    static class GoodHistory {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/forgets-index")
    static class ForgetsIndex {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/irreversible", irreversible = "3")
    static class DeclaredIrreversible {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/no-undo")
    @Seed(rows = 20)
    static class NoUndoScripts {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/syntax-error")
    static class BrokenUp {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest
    static class FromConfiguration {
        static String database;
        static long serverPid;

        @Test
        void migratesWithInjectedDataSource(Rehearsal rehearsal, DataSource dataSource) throws Exception {
            rehearsal.migrateTo("3");
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("insert into customers (email, name) values ('a@example.com', 'Ada')");
                try (ResultSet rs = st.executeQuery("select current_database()")) {
                    rs.next();
                    database = rs.getString(1);
                }
                serverPid = ((EmbeddedPostgresProvider) DatabaseProviders.embeddedPostgres()).serverPid().orElseThrow();
            }
            assertThat(rehearsal.schema()).table("orders").column("status").hasType("order_status").isNotNull()
                    .and().hasIndex("orders_status_idx").hasIndexOn("status");
            rehearsal.migrateDown();
            assertThat(rehearsal.schema()).table("orders").hasNoColumn("status").hasNoIndex("orders_status_idx");
            assertThat(rehearsal.schema()).hasNoTable("order_status");
        }
    }

    @MigrationTest(migrations = "classpath:histories/nothing-here")
    static class MissingLocation {
        @Test
        void neverRuns(Rehearsal rehearsal) {
        }
    }

    // ---- the checks ----

    @Test
    void goodHistoryRunsOneContainerPerMigrationWithThreePhases() throws Exception {
        Events tests = run(GoodHistory.class).testEvents();
        // three per migration, and the repeatable migrations' up and retry (applied again over themselves)
        tests.assertStatistics(s -> s.started(14).succeeded(14).failed(0).aborted(0));
        Events containers = run(GoodHistory.class).containerEvents();
        assertThat(containers.started().stream().map(MigrationTestExtensionTest::path).toList())
                .contains("V1 create customers", "V2 create orders", "V3 add order status", "V4 touch trigger",
                        "repeatable migrations");
        assertThat(tests.started().stream().map(MigrationTestExtensionTest::path).toList())
                .as("unique names that carry the migration, so that build tools count one test per phase")
                .doesNotHaveDuplicates()
                .contains("V1 create customers \u203a up", "V1 create customers \u203a down",
                        "V1 create customers \u203a up again", "repeatable migrations \u203a up",
                        "repeatable migrations \u203a retry");
        Path text = reports.resolve("GoodHistory.roundTrips.txt");
        assertThat(text).exists();
        assertThat(Files.readString(text)).contains("V3 add order status").contains("5 steps: 5 passed, 0 failed");
        assertThat(Files.readString(reports.resolve("GoodHistory.roundTrips.json"))).contains("\"failed\": false");
    }

    @Test
    void downThatForgetsAnIndexFailsTheDownTestOfThatMigration() {
        Events tests = run(ForgetsIndex.class).testEvents();
        tests.assertStatistics(s -> s.failed(2));
        assertThat(failureMessage(tests, "V3 index total \u203a down", "V3 index total")).contains("V3 index total")
                .contains("+ index orders_total_idx ON orders (total)");
        assertThat(failureMessage(tests, "V3 index total \u203a up again", "V3 index total")).contains("relation \"orders_total_idx\" already exists")
                .contains("SQLState:  42P07");
    }

    /**
     * JUnit's parallel mode runs the dynamic tests of one round trip concurrently; the phases still run in their
     * order (a failure is still reported by the phase that has it), and concurrent classes keep their own databases.
     */
    @Test
    void roundTripsStayCorrectWhenJUnitRunsEverythingConcurrently() {
        String[] concurrent = {"junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"};
        for (int i = 0; i < 3; i++) {
            run(GoodHistory.class, concurrent).testEvents().assertStatistics(s -> s.started(14).succeeded(14).failed(0));
            Events forgets = run(ForgetsIndex.class, concurrent).testEvents();
            forgets.assertStatistics(s -> s.failed(2));
            assertThat(failureMessage(forgets, "V3 index total \u203a down", "V3 index total"))
                    .contains("+ index orders_total_idx ON orders (total)");
        }
        EngineExecutionResults both = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(GoodHistory.class), selectClass(ForgetsIndex.class))
                .configurationParameter("rehearsal.report.dir", reports.toString())
                .configurationParameters(Map.of(concurrent[0], concurrent[1], concurrent[2], concurrent[3],
                        concurrent[4], concurrent[5], concurrent[6], concurrent[7], concurrent[8], concurrent[9]))
                .execute();
        both.testEvents().assertStatistics(s -> s.started(14 + 9).failed(2));
        String[] classesOnly = {"junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "same_thread",
                "junit.jupiter.execution.parallel.mode.classes.default", "concurrent"};
        run(GoodHistory.class, classesOnly).testEvents().assertStatistics(s -> s.started(14).succeeded(14).failed(0));
    }

    @Test
    void declaredIrreversibleMigrationSkipsDownAndUpAgain() {
        Events tests = run(DeclaredIrreversible.class).testEvents();
        tests.assertStatistics(s -> s.failed(0).aborted(2).succeeded(7));
    }

    /**
     * Without undo scripts every migration still gets three tests: up, restore (in place of down) and up again; the
     * script's own COMMIT fails the restore test, the clock and random() fail up again.
     */
    @Test
    void migrationsWithoutUndoScriptsGetRestoreAndUpAgainTests() {
        Events tests = run(NoUndoScripts.class).testEvents();
        // V3's own COMMIT is a point where it can stop: its retry test is aborted after its failed restore
        tests.assertStatistics(s -> s.started(16).failed(3).aborted(2).succeeded(11));
        assertThat(failureMessage(tests, "V3 normalize names \u203a restore", "V3 normalize names"))
                .contains("is not atomic").contains("V3__normalize_names.sql line 2 (commit)");
        assertThat(failureMessage(tests, "V4 snapshot table \u203a up again", "V4 snapshot table"))
                .contains("not deterministic");
        assertThat(failureMessage(tests, "V5 customer tokens \u203a up again", "V5 customer tokens"))
                .contains("customers.token");
    }

    @Test
    void failingUpFailsItsTestAndAbortsTheRest() {
        Events tests = run(BrokenUp.class).testEvents();
        tests.assertStatistics(s -> s.failed(1).succeeded(6).aborted(2));
        assertThat(failureMessage(tests, "V3 broken \u203a up", "V3 broken")).contains("V3__broken.sql, line 3").contains("42601");
    }

    @Test
    void settingsComeFromConfigurationParametersAndNothingIsLeftAfterTheRun() {
        Events tests = run(FromConfiguration.class, "rehearsal.migrations", "filesystem:../core/src/test/resources/histories/good").testEvents();
        tests.assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(FromConfiguration.database).startsWith("rehearsal_");
        assertThat(Processes.running(FromConfiguration.serverPid))
                .as("the embedded server is stopped when the test run ends").isFalse();
        Set<String> left = ((EmbeddedPostgresProvider) DatabaseProviders.embeddedPostgres()).throwawayDatabasesOnServer();
        assertThat(left).doesNotContain(FromConfiguration.database);
    }

    @Test
    void missingLocationFailsTheTestWithAClearMessage() {
        Events tests = run(MissingLocation.class).testEvents();
        tests.assertStatistics(s -> s.failed(1));
        String message = tests.failed().stream().findFirst().orElseThrow()
                .getPayload(TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage();
        assertThat(message).contains("Rehearsal could not start")
                .contains("No migrations found: the location classpath:histories/nothing-here does not exist");
    }
}
