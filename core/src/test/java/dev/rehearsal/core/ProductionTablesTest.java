package dev.rehearsal.core;

import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.model.Migration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table production already has is judged as production has it, with no rows seeded: a plain CREATE INDEX on a
 * table a released migration created is an outage on a busy table, whatever the rehearsed size.
 */
class ProductionTablesTest {

    private static List<LockRisk> risksOfTheIndex(Consumer<MigrationRehearsal> setUp) {
        try (MigrationRehearsal r = Histories.rehearse("released-orders")) {
            setUp.accept(r);
            r.migrateTo("1");
            return r.migrateTo("2", Traffic.none()).locks().risks();
        }
    }

    private static Set<String> names(MigrationRehearsal r, String... versions) {
        Set<String> wanted = Set.of(versions);
        return r.history().versioned().stream().filter(m -> wanted.contains(m.version().toString()))
                .map(Migration::displayName).collect(Collectors.toSet());
    }

    @Test
    void anIndexOnATableAnEarlierMigrationMadeIsRiskyWithNoRowsSeeded() {
        List<LockRisk> risks = risksOfTheIndex(r -> { });
        assertThat(risks).extracting(LockRisk::rule).contains("non-concurrent-index");
        LockRisk index = risks.stream().filter(x -> x.rule().equals("non-concurrent-index")).findFirst().orElseThrow();
        assertThat(index.table()).isEqualTo("orders");
        assertThat(index.reason()).contains("a production table: judged as production has it, not on rehearsed rows");
    }

    @Test
    void aReleasedTableIsAProductionTableWhenTheChangeAddsTheIndex() {
        List<LockRisk> risks = risksOfTheIndex(r -> r.production(() -> new NewMigrations(names(r, "2"), null),
                ProductionVolumes.of(Map.of())));
        assertThat(risks).extracting(LockRisk::rule).contains("non-concurrent-index");
    }

    @Test
    void aTableTheChangeItselfCreatesIsEmptyInProduction() {
        List<LockRisk> risks = risksOfTheIndex(r -> r.production(() -> new NewMigrations(names(r, "1", "2"), null),
                ProductionVolumes.of(Map.of())));
        assertThat(risks).extracting(LockRisk::rule).doesNotContain("non-concurrent-index");
    }

    @Test
    void aTableTheChangeCreatesStaysEmptyInProductionWhateverRowsTheRehearsalSeeded() {
        try (MigrationRehearsal r = Histories.rehearse("released-orders")) {
            r.production(() -> new NewMigrations(names(r, "1", "2"), null), ProductionVolumes.of(Map.of()));
            r.migrateTo("1");
            r.seed(50);
            assertThat(r.migrateTo("2", Traffic.none()).locks().risks()).extracting(LockRisk::rule)
                    .doesNotContain("non-concurrent-index");
        }
    }

    @Test
    void aProductionVolumeThatSaysTheTableIsSmallSilencesTheRule() {
        List<LockRisk> risks = risksOfTheIndex(r -> r.production(() -> new NewMigrations(names(r, "2"), null),
                ProductionVolumes.of(Map.of("orders", 20L))));
        assertThat(risks).extracting(LockRisk::rule).doesNotContain("non-concurrent-index");
        List<LockRisk> large = risksOfTheIndex(r -> r.production(() -> new NewMigrations(names(r, "2"), null),
                ProductionVolumes.of(Map.of("orders", 5_000_000L))));
        assertThat(large.stream().filter(x -> x.rule().equals("non-concurrent-index")).findFirst().orElseThrow().reason())
                .contains("5,000,000 in production");
    }

    @Test
    void aDownScriptsRisksAreShownInTheTableAsReportedNotJudged() {
        try (MigrationRehearsal r = Histories.rehearse("released-orders")) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.toText()).contains("risk [non-concurrent-index, no-lock-timeout] V2__orders_total_idx.sql")
                    .contains("risk in the down (judged only with rehearsal.risks.downs=judge)"
                            + " [non-concurrent-drop-index, no-lock-timeout] U2__orders_total_idx.sql line 1");
        }
    }

    /** A rule left silent because production holds no rows there, or few, is not silent in the report. */
    @Test
    void aTableTheRowRulesLeaveOutIsNamedWithWhy() {
        try (MigrationRehearsal r = Histories.rehearse("released-orders")) {
            r.production(() -> new NewMigrations(names(r, "1", "2"), null), ProductionVolumes.of(Map.of()));
            StepResult index = r.runRoundTrips().steps().get(1);
            assertThat(index.note()).contains("rules about scans, builds and rewrites left out orders (created by a"
                    + " migration being judged: empty in production)");
        }
        try (MigrationRehearsal r = Histories.rehearse("released-orders")) {
            r.production(() -> new NewMigrations(names(r, "2"), null), ProductionVolumes.of(Map.of("orders", 20L)));
            StepResult index = r.runRoundTrips().steps().get(1);
            assertThat(index.note()).contains("rules about scans, builds and rewrites left out orders (20 rows in"
                    + " production, under 10,000)");
        }
        try (MigrationRehearsal r = Histories.rehearse("released-orders")) {
            StepResult index = r.runRoundTrips().steps().get(1);
            assertThat(index.note() == null ? "" : index.note()).as("judged: nothing left out")
                    .doesNotContain("left out");
        }
    }

    @Test
    void rowsSeededMakeTheRiskMeasured() {
        try (MigrationRehearsal r = Histories.rehearse("released-orders")) {
            r.migrateTo("1");
            r.seed(50);
            LockRisk index = r.migrateTo("2", Traffic.none()).locks().risks().stream()
                    .filter(x -> x.rule().equals("non-concurrent-index")).findFirst().orElseThrow();
            assertThat(index.reason()).contains("50 rows rehearsed");
        }
    }
}
