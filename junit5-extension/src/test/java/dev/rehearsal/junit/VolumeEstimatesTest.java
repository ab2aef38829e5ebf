package dev.rehearsal.junit;

import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.LockReport;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Volume estimates through the extension: volumes from {@link ProductionVolume}, {@code rehearsal.volume.<table>}
 * and a statistics file, budgets at production volume that fail with the estimate and the safer way, the reports.
 */
class VolumeEstimatesTest {

    private static final EstimateSettings SMALL = EstimateSettings.DEFAULTS.withSizes(2_000L, 8_000L, 32_000L)
            .withRepeats(1);

    @TempDir
    static Path reports;

    /** What the fixtures saw, for the assertions outside them. */
    static volatile VolumeEstimate seen;

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/estimates")
    @ProductionVolume(table = "orders", rows = 50_000_000)
    static class Budgeted {
        @Test
        void anIndexBuildOnFiftyMillionOrders(Rehearsal rehearsal) {
            seen = rehearsal.estimate("2", SMALL);
            assertThat(seen).tookAtMost(Duration.ofDays(1)).blockedWritesAtMost(Duration.ofMillis(1));
        }
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/estimates")
    @ProductionVolume(table = "customers", rows = 3_000_000)
    static class FromEverywhere {
        @Test
        void volumes(Rehearsal rehearsal) {
            seen = rehearsal.estimate("3", SMALL);
        }
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/estimates")
    @ProductionVolume(table = "orders", rows = 50_000_000)
    static class ConfiguredSizes {
        @Test
        void volumes(Rehearsal rehearsal) {
            seen = rehearsal.estimate("3");
        }
    }

    @MigrationTest(migrations = "classpath:estimates/history")
    @ProductionVolume(table = "orders", rows = 50_000_000)
    @LockBudget(reads = "1ms", writes = "1s", atProductionVolume = true)
    static class RoundTripsAtProductionVolume {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = "classpath:estimates/history")
    @LockBudget(writes = "1s", atProductionVolume = true)
    static class NoVolumes {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/estimates")
    @ProductionVolume(table = "orders", rows = 50_000_000)
    static class RunBudgets {
        /** Both budgets on one run, estimated once: the failures by budget. */
        @Test
        void oneRunTwoBudgets(Rehearsal rehearsal) {
            rehearsal.migrateTo("1");
            MigrationRun run = rehearsal.migrateTo("3");
            RUN_FAILURES.put("writes", Assertions.catchThrowable(() -> assertThat(run)
                    .atProductionVolume().tookAtMost(Duration.ofDays(1)).blockedWritesAtMost(Duration.ofMillis(1))));
            RUN_FAILURES.put("time", Assertions.catchThrowable(() -> assertThat(run)
                    .atProductionVolume().tookAtMost(Duration.ofMillis(1))));
        }

        @Test
        void nothingToEstimate(Rehearsal rehearsal) {
            assertThat(rehearsal.migrateTo("1")).atProductionVolume().tookAtMost(Duration.ofDays(1));
        }
    }

    static final Map<String, Throwable> RUN_FAILURES = new ConcurrentHashMap<>();

    @Test
    void aRunsBudgetsAtProductionVolumeAreCheckedOnItsEstimates() {
        EngineExecutionResults results = EngineRuns.run(reports, RunBudgets.class, "rehearsal.estimates.sizes",
                "1_000, 4_000, 16_000", "rehearsal.estimates.repeats", "1");
        Map<String, String> failures = new TreeMap<>();
        results.testEvents().failed().stream().forEach(e -> failures.put(e.getTestDescriptor().getDisplayName(),
                e.getPayload(TestExecutionResult.class).flatMap(
                        TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("")));
        assertThat(failures).containsOnlyKeys("nothingToEstimate(Rehearsal)");
        // waits are per migration: V2's index blocks writes, V3's new column is over at once
        assertThat(RUN_FAILURES.get("writes")).isInstanceOf(AssertionError.class).message()
                .startsWith("V2 index orders total at 50,000,000 rows would block writes for about ")
                .contains("safer: CREATE INDEX CONCURRENTLY");
        // time adds up over the run's migrations
        assertThat(RUN_FAILURES.get("time")).isInstanceOf(AssertionError.class).message()
                .startsWith("The run to 3 would take about ")
                .contains(" at production volume, over the budget of 1 ms:\n  V2 index orders total: about ")
                .contains("\n  V3 add order note: ")
                // the costliest statement of the run; which one that is rests on single timings of 1,000 to 16,000
                // rows (repeats 1), where a busy machine once made V3's catalog-only column the steeper line
                .containsPattern("\n  most of it: (V2__index_orders_total\\.sql line 1: CREATE INDEX orders_total_idx"
                        + "|V3__add_order_note\\.sql line 1: ALTER TABLE orders ADD COLUMN note)");
        assertThat(failures.get("nothingToEstimate(Rehearsal)")).isEqualTo("Nothing to estimate at production volume:"
                + " V1 create orders name no table with a production volume that exists before them. Declare the volumes"
                + " of the tables they change (@ProductionVolume(table = \"orders\", rows = 50_000_000),"
                + " rehearsal.volume.<table>=<rows> or rehearsal.volumes.file)");
        // the estimates at the configured sizes, each run's once, in the test's reports
        assertThat(reports.resolve("RunBudgets.oneRunTwoBudgets.estimates.json")).content()
                .contains("\"sizes\" : [ 1000, 4000, 16000 ]")
                .satisfies(json -> assertThat(json.split("\"productionRows\"", -1)).hasSize(3));
    }

    @Test
    void aRunFromElsewhereCannotBeEstimatedByItself() {
        MigrationRun run = new MigrationRun(MigrationRun
                .Direction.UP, List.of(), null, null, Duration.ZERO, LockReport.NONE);
        Assertions.assertThatThrownBy(() -> assertThat(run).atProductionVolume())
                .hasMessageStartingWith("This run was not made by an open @MigrationTest rehearsal");
    }

    @Test
    void roundTripsCheckTheLockBudgetAtProductionVolume() {
        EngineExecutionResults results = EngineRuns.run(reports, RoundTripsAtProductionVolume.class,
                "rehearsal.estimates.sizes", "2_000, 8_000, 32_000", "rehearsal.estimates.repeats", "1");
        // V1 creates orders (nothing to estimate before it); V2's index at 50M rows blocks writes far over 1 s,
        // while it blocks no reads: only the writes budget breaks, in its up
        assertThat(results.testEvents().failed().stream().map(e -> e.getTestDescriptor().getDisplayName()).toList())
                .containsExactly("V2 index orders created at \u203a up");
        assertThat(failures(results)).singleElement().asString()
                .startsWith("The up of V2 index orders created at broke the lock budget:")
                .contains("at production volume (50,000,000 rows): writes would wait about ")
                .contains(", over 1.0 s")
                .contains("most of it: V2__index_orders_created_at.sql line 1: CREATE INDEX orders_created_at_idx")
                .contains("safer: CREATE INDEX CONCURRENTLY")
                .doesNotContain("reads would wait");
        assertThat(reports.resolve("RoundTripsAtProductionVolume.roundTrips.txt")).content()
                .contains("note: at production volume: V2 index orders created at at 50,000,000 rows (orders 50,000,000): about ");
        assertThat(failures(EngineRuns.run(reports, NoVolumes.class))).anyMatch(m -> m.contains(
                "Lock budgets at production volume need production volumes"));
    }

    private static List<String> failures(EngineExecutionResults results) {
        return results.allEvents().failed().stream().map(Event::getPayload)
                .map(p -> p.flatMap(o -> ((TestExecutionResult) o).getThrowable())
                        .map(Throwable::getMessage).orElse(""))
                .toList();
    }

    @Test
    void aBudgetBrokenAtProductionVolumeFailsWithTheEstimateAndTheSaferWay() {
        EngineExecutionResults results = EngineRuns.run(reports, Budgeted.class);
        assertThat(failures(results)).singleElement().asString()
                .startsWith("V2 index orders total at 50,000,000 rows would block writes for about ")
                .contains(", over the budget of 1 ms")
                .contains("most of it: V2__index_orders_total.sql line 1: CREATE INDEX orders_total_idx ON orders (total):")
                .contains("holds SHARE on orders for all of it: writes blocked")
                .contains("safer: CREATE INDEX CONCURRENTLY");
        assertThat(reports.resolve("Budgeted.anIndexBuildOnFiftyMillionOrders.estimates.txt")).content()
                .startsWith("V2 index orders total at 50,000,000 rows (orders 50,000,000): about ");
        assertThat(reports.resolve("Budgeted.anIndexBuildOnFiftyMillionOrders.estimates.json")).content()
                .contains("\"productionRows\" : 50000000").contains("\"model\" : ").contains("\"blocks\" : \"writes\"");
    }

    @Test
    void volumesComeFromTheStatisticsFileTheSettingsAndTheAnnotationEachWinningOverTheOneBefore() {
        System.setProperty("rehearsal.volume.orders", "1_000_000");
        try {
            EngineExecutionResults results = EngineRuns.run(reports, FromEverywhere.class, "rehearsal.volumes.file",
                    "src/test/resources/estimates/production-volumes.csv");
            assertThat(failures(results)).isEmpty();
            assertThat(seen.volumes()).isEqualTo(Map.of("orders", 1_000_000L, "customers", 3_000_000L));
        } finally {
            System.clearProperty("rehearsal.volume.orders");
        }
    }

    @Test
    void aVolumeThatIsNotANumberOrAMissingFileIsNamed() {
        System.setProperty("rehearsal.volume.orders", "fifty million");
        try {
            assertThat(failures(EngineRuns.run(reports, FromEverywhere.class))).anyMatch(m -> m.contains(
                    "rehearsal.volume.orders in system property = \"fifty million\" is not a positive whole number of rows"));
        } finally {
            System.clearProperty("rehearsal.volume.orders");
        }
        assertThat(failures(EngineRuns.run(reports, FromEverywhere.class, "rehearsal.volumes.file", "nowhere.csv")))
                .anyMatch(m -> m.contains("Could not read the statistics file nowhere.csv"));
        assertThat(failures(EngineRuns.run(reports, ConfiguredSizes.class, "rehearsal.estimates.sizes", "10k, 40k"))).anyMatch(
                m -> m.contains("rehearsal.estimates.sizes = \"10k, 40k\" is not valid: use entries separated by commas"));
        assertThat(failures(EngineRuns.run(reports, ConfiguredSizes.class, "rehearsal.estimates.sizes", "40000, 10000")))
                .anyMatch(m -> m.contains("rehearsal.estimates.sizes: Estimate sizes must be positive and increasing:"
                        + " [40000, 10000]"));
    }
}
