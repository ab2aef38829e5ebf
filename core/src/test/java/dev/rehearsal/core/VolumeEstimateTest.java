package dev.rehearsal.core;

import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.StatementEstimate;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Volume estimates on the embedded server: each statement measured at every size, its locks and rewrites told at
 * production volume, and every bad input named. How close the estimates come is measured in benchmarks (wall-clock
 * figures do not belong in unit tests); the fit itself is checked on exact data in {@code CostFitTest}.
 */
class VolumeEstimateTest {

    private static final EstimateSettings SMALL = EstimateSettings.DEFAULTS.withSizes(2_000L, 8_000L, 32_000L);
    private static final ProductionVolumes PRODUCTION = ProductionVolumes.of(Map.of("orders", 50_000_000L,
            "customers", 2_000_000L));

    @Test
    void anIndexBuildIsMeasuredAtEachSizeAndBlocksWritesAtProductionVolume() {
        try (MigrationRehearsal r = Histories.rehearse("estimates")) {
            VolumeEstimate e = r.estimate("2", PRODUCTION, SMALL);
            assertThat(e.sizes()).containsExactly(2_000L, 8_000L, 32_000L);
            assertThat(e.productionRows()).isEqualTo(50_000_000L);
            StatementEstimate index = e.statements().get(0);
            assertThat(index.where()).contains("V2__index_orders_total.sql").contains("CREATE INDEX orders_total_idx");
            assertThat(index.measured()).hasSize(6).extracting(StatementEstimate.Measurement::rows)
                    .containsExactly(2_000L, 2_000L, 8_000L, 8_000L, 32_000L, 32_000L);
            assertThat(index.locks()).isEqualTo("SHARE on orders");
            assertThat(index.blocksWrites()).isTrue();
            assertThat(index.blocksReads()).isFalse();
            assertThat(index.estimate().low()).isLessThanOrEqualTo(index.estimate().likely());
            assertThat(index.estimate().likely()).isLessThanOrEqualTo(index.estimate().high());
            assertThat(e.writesBlocked()).isEqualTo(index.estimate());
            assertThat(e.readsBlocked().likely()).isZero();
            assertThat(e.risks()).anyMatch(risk -> risk.rule().contains("concurrently") || risk.alternative()
                    .toLowerCase(Locale.ROOT).contains("concurrently"));
            assertThat(e.toText()).startsWith("V2 index orders total at 50,000,000 rows (customers 2,000,000, orders"
                    + " 50,000,000): about ").contains("; writes blocked about ")
                    .contains("holds SHARE on orders for all of it: writes blocked")
                    .contains("[measured 2,000 rows");
            // left at the version before, with the rows it had: none
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("1"));
            assertThat(r.query("select count(*) from orders").rows().get(0).get(0)).isEqualTo(0L);
        }
    }

    @Test
    void rowsATestPutThereCountTowardsTheSizesAndStayAfterwards() {
        try (MigrationRehearsal r = Histories.rehearse("estimates")) {
            r.migrateTo("1");
            r.seed(TableSeed.table("orders").rows(5_000));
            long customers = ((Number) r.query("select count(*) from customers").rows().get(0).get(0)).longValue();
            VolumeEstimate e = r.estimate("3", ProductionVolumes.of(Map.of("orders", 1_000_000L)), SMALL.withRepeats(1));
            assertThat(e.sizes()).containsExactly(8_000L, 32_000L);
            assertThat(e.notes()).contains("skipped 2,000 rows: orders already had 5,000");
            assertThat(r.query("select count(*) from orders").rows().get(0).get(0)).isEqualTo(5_000L);
            assertThat(r.query("select count(*) from customers").rows().get(0).get(0)).isEqualTo(customers);
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("2"));
        }
    }

    @Test
    void aRewriteIsToldApartFromACatalogOnlyChange() {
        try (MigrationRehearsal r = Histories.rehearse("estimates")) {
            EstimateSettings quick = SMALL.withRepeats(1);
            StatementEstimate note = r.estimate("3", PRODUCTION, quick).statements().get(0);
            assertThat(note.rewrites()).isEmpty();
            assertThat(note.locks()).isEqualTo("ACCESS EXCLUSIVE on orders");
            assertThat(note.blocks()).isEqualTo("reads and writes");
            VolumeEstimate token = r.estimate("4", PRODUCTION, quick);
            assertThat(token.statements().get(0).rewrites()).containsExactly("orders");
            // the rewrite writes the table again: over 1 MB of write-ahead log at 32,000 rows (others' writes only add)
            assertThat(token.statements().get(0).measured()).last().satisfies(m -> assertThat(m.walBytes())
                    .isGreaterThan(1_000_000L));
            assertThat(token.toText()).containsPattern("32,000 rows [0-9.]+ (ms|s) [0-9,]+ kB WAL");
            assertThat(token.toText()).contains("; rewrites orders");
            // the whole run's log, one line through the sizes: at 50,000,000 rows far more than the largest run wrote
            assertThat(token.runs()).hasSize(3).allSatisfy(run -> assertThat(run.walBytes()).isPositive());
            assertThat(token.walBytes()).isGreaterThan(token.runs().get(2).walBytes() * 100);
            assertThat(token.statements().get(0).walBytes()).isGreaterThan(1_000_000L * 1000);
            assertThat(token.toText()).containsPattern("; writes about [0-9.,]+ GB of write-ahead log");
            assertThat(token.toJsonNode().get("runs").get(0).get("walBytes").asLong()).isPositive();
            VolumeEstimate backfill = r.estimate("5", PRODUCTION, quick);
            assertThat(backfill.statements().get(0).blocks()).isEqualTo("nothing");
            assertThat(backfill.toText()).contains("writes never blocked");
            // the update count of each run, and in proportion at production volume
            assertThat(backfill.statements().get(0).measured()).extracting(StatementEstimate.Measurement::rowsAffected)
                    .containsExactly(2_000L, 8_000L, 32_000L);
            assertThat(backfill.statements().get(0).rowsAffected()).isEqualTo(50_000_000L);
            assertThat(backfill.statements().get(0).toText()).contains("; changes about 50,000,000 rows");
            assertThat(note.rowsAffected()).isZero();
        }
    }

    @Test
    void aSortThatSpillsIsMeasuredInTemporaryFilesAndOneThatFitsIsSaidToMaySpillLater() {
        try (MigrationRehearsal r = Histories.rehearse("estimates")) {
            EstimateSettings quick = SMALL.withRepeats(1);
            VolumeEstimate spills = r.estimate("7", PRODUCTION, quick);
            // 1 MB of maintenance_work_mem: the 32,000-row sort goes to disk, and more so at production volume
            assertThat(spills.runs()).last().satisfies(run -> assertThat(run.tempBytes()).isGreaterThan(100_000L));
            assertThat(spills.tempBytes()).isGreaterThan(spills.runs().get(2).tempBytes() * 100);
            assertThat(spills.toText()).containsPattern("of temporary files");
            assertThat(spills.toJsonNode().get("tempBytes").asLong()).isEqualTo(spills.tempBytes());
        }
        try (MigrationRehearsal r = Histories.rehearse("estimates")) {
            VolumeEstimate fits = r.estimate("2", PRODUCTION, SMALL.withRepeats(1));
            assertThat(fits.runs()).allSatisfy(run -> assertThat(run.tempBytes()).isZero());
            assertThat(fits.notes()).anyMatch(n -> n.startsWith("no temporary files at the rehearsed sizes: its sorts"
                    + " fit in memory"));
        }
    }

    @Test
    void aRunsMigrationsOnTablesWithAVolumeAreEstimatedAndTheDatabaseIsPutBackAsTheRunLeftIt() {
        try (MigrationRehearsal r = Histories.rehearse("estimates")) {
            ProductionVolumes orders = ProductionVolumes.of(Map.of("orders", 1_000_000L));
            // V1 creates the table: nothing with a volume exists before it, nothing to estimate
            assertThat(r.estimate(r.migrateTo("1"), orders, SMALL)).isEmpty();
            r.seed(TableSeed.table("orders").rows(3_000));
            MigrationRun run = r.migrateTo("3");
            List<VolumeEstimate> estimates = r.estimate(run, orders, SMALL.withRepeats(1));
            assertThat(estimates).extracting(e -> e.migration().version().toString()).containsExactly("2", "3");
            assertThat(estimates.get(0).statements().get(0).locks()).isEqualTo("SHARE on orders");
            assertThat(estimates.get(1).statements().get(0).locks()).isEqualTo("ACCESS EXCLUSIVE on orders");
            // as the run left it: V3, the test's rows, the index
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("3"));
            assertThat(r.query("select count(*) from orders").rows().get(0).get(0)).isEqualTo(3_000L);
            assertThat(r.query("select count(*) from pg_indexes where indexname = 'orders_total_idx'").rows().get(0)
                    .get(0)).isEqualTo(1L);
            MigrationRun down = new MigrationRun(MigrationRun.Direction.DOWN, List.of(r.migration("3")),
                    MigrationVersion.parse("3"), MigrationVersion.parse("2"), Duration.ZERO,
                    LockReport.NONE); // this history has no down scripts
            assertThatThrownBy(() -> r.estimate(down, orders, SMALL))
                    .isInstanceOf(RehearsalException.class)
                    .hasMessageStartingWith("Estimates at production volume are of migrations going up; this run"
                            + " reverted V3 add order note.");
        }
    }

    @Test
    void tablesThatDoNotExistYetAreNamed() {
        try (MigrationRehearsal r = Histories.rehearse("estimates")) {
            assertThatThrownBy(() -> r.estimate("1", PRODUCTION, SMALL))
                    .isInstanceOf(RehearsalException.class)
                    .hasMessageContaining("None of the tables with a production volume")
                    .hasMessageContaining("exists before the first migration, where V1 create orders starts; the tables then: none");
            VolumeEstimate e = r.estimate("3", ProductionVolumes.of(Map.of("orders", 1_000_000L, "orderz", 5L)),
                    SMALL.withRepeats(1));
            assertThat(e.notes()).contains("not estimated: orderz (declared in code) do not exist after V2 index orders total");
            assertThatThrownBy(() -> r.estimate("3", ProductionVolumes.of(Map.of())))
                    .hasMessageContaining("No production volumes to estimate V3 add order note with")
                    .hasMessageContaining("rehearsal.volume.orders=50000000");
        }
    }

    @Test
    void aVolumeNoLargerThanARehearsalIsMeasuredDirectly() {
        try (MigrationRehearsal r = Histories.rehearse("estimates")) {
            VolumeEstimate e = r.estimate("2", ProductionVolumes.of(Map.of("orders", 8_000L)), SMALL.withRepeats(1));
            assertThat(e.sizes()).containsExactly(2_000L, 8_000L);
            assertThat(e.notes()).contains("the production volume is no larger than 8,000 rows, measured directly");
        }
    }

    @Test
    void aMigrationThatFailsAtASizeIsNamedWithTheSizeAndTheDatabaseIsPutBack() {
        try (MigrationRehearsal r = Histories.rehearse("estimates")) {
            assertThatThrownBy(() -> r.estimate("6", PRODUCTION, SMALL.withRepeats(1)))
                    .isInstanceOf(RehearsalException.class)
                    .hasMessageStartingWith("The volume estimate of V6 unique status failed at 2,000 rows: ")
                    .hasMessageContaining("orders_status_key");
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("5"));
            assertThat(r.query("select count(*) from orders").rows().get(0).get(0)).isEqualTo(0L);
        }
    }

    @Test
    void aSpentTimeBudgetStopsAfterTwoSizesAndSaysSo() {
        try (MigrationRehearsal r = Histories.rehearse("estimates")) {
            VolumeEstimate e = r.estimate("3", PRODUCTION, SMALL.withRepeats(1).withTimeBudget(Duration.ofMillis(1)));
            assertThat(e.sizes()).containsExactly(2_000L, 8_000L);
            assertThat(e.notes()).anyMatch(n -> n.startsWith("stopped after 2 of 3 sizes: the time budget of 1 ms was"
                    + " reached"));
        }
    }

    @Test
    void volumesFromSettingsAndStatisticsFilesAndTheirMistakes(@TempDir Path dir) throws Exception {
        ProductionVolumes settings = ProductionVolumes.fromSettings(Map.of("rehearsal.volume.orders", "50_000_000",
                "rehearsal.volume.audit.log", "1,200", "rehearsal.seed.rows", "10"), "junit-platform.properties");
        assertThat(settings.rows()).containsOnly(Map.entry("orders", 50_000_000L), Map.entry("audit.log", 1_200L));
        assertThatThrownBy(() -> ProductionVolumes.fromSettings(Map.of("rehearsal.volume.orders", "5e7"), "system properties"))
                .hasMessage("rehearsal.volume.orders in system properties = \"5e7\" is not a positive whole number of rows:"
                        + " write, for example, 50000000 or 50_000_000");
        assertThatThrownBy(() -> ProductionVolumes.fromSettings(Map.of("rehearsal.volume.orders", "0"), "x"))
                .hasMessageContaining("is not a positive whole number");

        Path csv = dir.resolve("rehearsal-volumes.csv");
        Files.writeString(csv, "schema_name,table_name,rows,bytes\npublic,orders,49876543,9000000000\n"
                + "audit,log,1200.0,81920\npublic,never_analyzed,-1,8192\n");
        assertThat(ProductionVolumes.fromStatistics(csv).rows())
                .containsOnly(Map.entry("orders", 49_876_543L), Map.entry("audit.log", 1_200L));
        Path tsv = dir.resolve("mariadb.tsv");
        Files.writeString(tsv, "table_name\trows\tbytes\norders\t120000\t5000\n");
        assertThat(ProductionVolumes.fromStatistics(tsv).rows()).containsOnly(Map.entry("orders", 120_000L));

        Path wrong = dir.resolve("wrong.csv");
        Files.writeString(wrong, "name,count\norders,5\n");
        assertThatThrownBy(() -> ProductionVolumes.fromStatistics(wrong))
                .hasMessageContaining("The statistics file " + wrong + " has the columns [name, count]; it needs"
                        + " table_name and rows");
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "table_name,rows\norders,lots\n");
        assertThatThrownBy(() -> ProductionVolumes.fromStatistics(bad))
                .hasMessageContaining("line 2 of " + bad + " (rows of orders) is \"lots\", not a number of rows");
        assertThatThrownBy(() -> ProductionVolumes.fromStatistics(dir.resolve("missing.csv")))
                .hasMessageContaining("Could not read the statistics file");
        assertThatThrownBy(() -> EstimateSettings.DEFAULTS.withSizes(10_000L))
                .hasMessageContaining("at least two sizes");
        assertThatThrownBy(() -> EstimateSettings.DEFAULTS.withSizes(40_000L, 10_000L))
                .hasMessageContaining("positive and increasing");
    }
}
