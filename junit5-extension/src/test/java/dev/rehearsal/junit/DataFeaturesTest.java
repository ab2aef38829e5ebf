package dev.rehearsal.junit;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.DataSettings;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static dev.rehearsal.core.data.TableSeed.table;
import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static dev.rehearsal.junit.RehearsalAssertions.row;
import static org.assertj.core.api.Assertions.assertThat;

/** The data features of the extension, run through the JUnit engine as users run them. */
class DataFeaturesTest {

    /** The shared V1 of the data-defect histories, then the named history's own scripts. */
    private static final String HISTORIES = "filesystem:../core/src/test/resources/histories/data-base,"
            + "filesystem:../core/src/test/resources/histories/";

    @TempDir
    static Path reports;

    private static EngineExecutionResults run(Class<?> testClass, String... parameters) {
        return EngineRuns.run(reports, testClass, parameters);
    }

    private static String firstFailure(EngineExecutionResults results) {
        return results.testEvents().failed().stream().findFirst()
                .flatMap(e -> e.getPayload(TestExecutionResult.class)).flatMap(TestExecutionResult::getThrowable)
                .map(Throwable::getMessage).orElse("(no failure)");
    }

    // ---- fixtures, run only through the engine test kit ----

    @MigrationTest(migrations = HISTORIES + "lossy-down")
    @Seed(rows = 200)
    static class SeededLossyDown {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = HISTORIES + "lossy-down", lossy = "2")
    @Seed(rows = 200)
    static class DeclaredLossyDown {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = HISTORIES + "lossy-down")
    static class UnseededLossyDown {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = HISTORIES + "unique-over-duplicates")
    static class DuplicatesOnDemand {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.seedEachStep(300, table("customers").duplicates("email", 0.05)).roundTrips();
        }
    }

    @MigrationTest(migrations = HISTORIES + "breaks-invariant")
    @Seed(rows = 100)
    static class Invariant {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.invariant("paid orders keep their total",
                    "select count(*), sum(total) from orders where status = 'paid'").roundTrips();
        }
    }

    @MigrationTest(migrations = HISTORIES + "lossy-down")
    static class Fixtures {
        @Test
        @AtVersion(value = "1", fixture = "fixtures/customers-v1.yaml")
        void yamlRowsAtV1AreMergedByV2(Rehearsal rehearsal) {
            rehearsal.migrateTo("2");
            assertThat(rehearsal.query("select id, full_name from customers order by id"))
                    .containsExactly(row(1, "Ada Lovelace"), row(2, "Alan Turing"));
            assertThat(rehearsal.query("select total::text, status from orders")).containsExactly(row("120.50", "paid"));
        }

        @Test
        @AtVersion(value = "1", fixture = "fixtures/customers-v1.json")
        void jsonRows(Rehearsal rehearsal) {
            assertThat(rehearsal.query("select first_name from customers")).hasSingleValue("Grace");
        }

        @Test
        @AtVersion(value = "1", fixture = "filesystem:src/test/resources/fixtures/customers.csv")
        void csvRowsWithNullsAndQuotes(Rehearsal rehearsal) {
            assertThat(rehearsal.query("select last_name, phone from customers order by id"))
                    .containsExactly(row("Dijkstra", null), row("Liskov, Jr", ""));
            // explicit ids moved the sequence past them: the next insert gets id 3
            rehearsal.insert("customers", Map.of("email", "new@example.com"));
            assertThat(rehearsal.query("select max(id) from customers")).hasSingleValue(3);
        }

        @Test
        @AtVersion(value = "1", fixture = "fixtures/wrong-column.yaml")
        void fixtureThatDoesNotMatchTheTable(Rehearsal rehearsal) {
        }

        @Test
        void insertThenMigrateThenQuery(Rehearsal rehearsal) {
            rehearsal.migrateTo("1");
            rehearsal.insert("customers", Map.of("first_name", "Ada", "last_name", "Lovelace", "email", "ada@example.com"));
            DataFingerprint before = rehearsal.fingerprint();
            rehearsal.migrateTo("2");
            assertThat(rehearsal.query("select full_name from customers")).containsExactly(row("Ada Lovelace"));
            assertThat(rehearsal.fingerprint()).hasRows("customers", 1).hasSameDataAs(before, "orders");
        }
    }

    // ---- tests ----

    @Test
    void seedAnnotationRunsRoundTripsOverDataAndCatchesALossyDown() {
        EngineExecutionResults results = run(SeededLossyDown.class);
        results.testEvents().assertStatistics(s -> s.failed(1));
        assertThat(firstFailure(results))
                .contains("The down script of V2 merge names (U2__merge_names.sql) restored the schema but not the data")
                .contains("non-null values of customers.first_name (the column came back empty)")
                .contains("@MigrationTest(lossy = \"2\")");
    }

    @Test
    void declaredLossyPassesAndWithoutDataNothingIsCaught() {
        run(DeclaredLossyDown.class).testEvents().assertStatistics(s -> s.failed(0).succeeded(6));
        run(UnseededLossyDown.class).testEvents().assertStatistics(s -> s.failed(0).succeeded(6));
    }

    @Test
    void duplicatesOnDemandBreakTheUniqueIndexMigration() {
        EngineExecutionResults results = run(DuplicatesOnDemand.class);
        results.testEvents().assertStatistics(s -> s.failed(1));
        assertThat(firstFailure(results)).contains("V2").contains("customers_email_key").contains("23505");
    }

    @Test
    void invariantBrokenByAMigrationFailsItsUp() {
        // without boundary values: a total of 99,999,999.99 times 1.2 overflows numeric(10, 2) before the invariant is read
        EngineExecutionResults results = run(Invariant.class, "rehearsal.seed.boundaries", "false");
        assertThat(results.testEvents().failed().stream().map(e -> e.getTestDescriptor().getDisplayName()))
                .contains("V2 add vat \u203a up", "V2 add vat \u203a up again");
        assertThat(firstFailure(results)).contains("invariant \"paid orders keep their total\" broken by V2 add vat");
    }

    @Test
    void fixturesAtAVersionInsertQueryAndAssert() {
        EngineExecutionResults results = run(Fixtures.class);
        results.testEvents().assertStatistics(s -> s.succeeded(4).failed(1));
        assertThat(firstFailure(results))
                .contains("@AtVersion on fixtureThatDoesNotMatchTheTable(Rehearsal) failed")
                .contains("Fixture fixtures/wrong-column.yaml: table customers has no column firstname at version 1")
                .contains("first_name text");
    }

    @Test
    void seedPropertyAppliesWithoutTheAnnotation() {
        EngineExecutionResults results = run(UnseededLossyDown.class, "rehearsal.seed.rows", "50");
        results.testEvents().assertStatistics(s -> s.failed(1));
        assertThat(firstFailure(results)).contains("customers.first_name");
    }

    @Test
    void reportAssertionNamesTheProblemKind() {
        var core = MigrationRehearsal.start(RehearsalSettings
                .of(HISTORIES + "partial-backfill")
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(100)));
        try (core) {
            var report = core.runRoundTrips();
            assertThat(report).hasDataProblem("V2", DataProblem.Kind.PARTIAL_BACKFILL);
            Assertions.assertThatThrownBy(() -> assertThat(report)
                            .hasDataProblem("V2", DataProblem.Kind.LOSSY_DOWN))
                    .hasMessageContaining("Expecting the round trip of V2 backfill display name to find LOSSY_DOWN");
        }
    }
}
