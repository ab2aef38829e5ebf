package dev.rehearsal.core;

import dev.rehearsal.core.data.SeedException;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.data.TableSeed;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The seeder on the constraint kinds real schemas declare (histories/seed-constraints: one table per kind), on the
 * embedded PostgreSQL: every table filled to the rows asked, and every row as the server checks it.
 */
class SeedConstraintsTest {

    private static final List<String> TABLES = List.of("buckets", "plans", "blobs", "devices", "sightings", "payments",
            "accounts", "addresses", "memberships", "bookings", "line_items", "events", "tokens", "orders");

    private static MigrationRehearsal atV1() {
        MigrationRehearsal rehearsal = Histories.rehearse("seed-constraints");
        rehearsal.migrateTo("1");
        return rehearsal;
    }

    private static long count(MigrationRehearsal r, String sql) {
        return ((Number) r.query(sql).singleValue().orElseThrow()).longValue();
    }

    /** Rows each table gets when seeded alone with 50 asked: the corpus's fill figure. */
    static Map<String, Long> fillPerTable(MigrationRehearsal r, long rows) {
        Map<String, Long> filled = new LinkedHashMap<>();
        for (String table : TABLES) {
            try {
                r.seed(TableSeed.table(table).rows(rows));
            } catch (SeedException e) {
                // counted below: the figure is how many rows each table holds

            }
            filled.put(table, count(r, "select count(*) from " + table));
        }
        return filled;
    }

    @Test
    void fillsEveryTableOfTheCorpusToTheRowsAsked() {
        try (MigrationRehearsal r = atV1()) {
            Map<String, Long> filled = fillPerTable(r, 50);
            long full = filled.values().stream().filter(n -> n >= 50).count();
            System.out.println("seed-constraints corpus: " + full + " of " + TABLES.size() + " tables filled to 50 rows: " + filled);
            assertThat(filled).allSatisfy((table, n) -> assertThat(n).as(table).isEqualTo(50L));
            // the server checked every row; what it does not check on insert is checked here
            assertThat(count(r, "select count(*) from event_amounts where amount is not null or day is not null")).isPositive();
            assertThat(count(r, "select count(*) from events where jsonb_typeof(payload_json) is null")).isZero();
            assertThat(count(r, "select count(*) from buckets where cardinality(regions) = 0")).isZero();
            assertThat(count(r, "select count(*) from blobs where length(meta_data_hash) <> 32")).isZero();
            assertThat(count(r, "select count(*) from accounts where slug not like 'acct-%'")).isZero();
            assertThat(count(r, "select count(*) from line_items where total <> qty * price")).isZero();
        }
    }

    @Test
    void theCorpusRoundTripsSeededWithNothingShortAndEveryPhasePassing() {
        try (MigrationRehearsal r = Histories.rehearse("seed-constraints")) {
            r.seedEachStep(50);
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.toText()).doesNotContain("could not seed");
            assertThat(report.steps().get(0).note()).contains("seeded " + 50 * TABLES.size() + " rows after the up");
        }
    }

    @Test
    void aSeedingThatMustFillEveryTableStillFailsNamingTheConstraint() {
        try (MigrationRehearsal r = Histories.rehearse("seed-unsatisfiable")) {
            r.migrateTo("1");
            assertThatThrownBy(() -> r.seed(TableSeed.table("customers").rows(20), TableSeed.table("vouchers").rows(20)))
                    .isInstanceOf(SeedException.class)
                    .hasMessageContaining("Cannot seed vouchers")
                    .hasMessageContaining("vouchers_code_check");
            assertThat(count(r, "select count(*) from customers")).as("all or nothing").isZero();
        }
    }

    @Test
    void aTableTheSeederCannotFillIsNamedOnceAndTheRoundTripGoesOn() {
        try (MigrationRehearsal r = Histories.rehearse("seed-unsatisfiable")) {
            r.seedEachStep(20);
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.steps()).extracting(StepResult::status).containsOnly(PhaseResult.Status.PASSED);
            List<String> shortfalls = report.steps().stream().map(StepResult::note)
                    .filter(n -> n != null && n.contains("could not seed vouchers")).toList();
            assertThat(shortfalls).as("named once, where it happened").hasSize(1);
            assertThat(shortfalls.get(0)).contains("0 of 20 rows").contains("vouchers_code_check");
            assertThat(report.steps().get(2).rows()).as("the other tables were seeded").isPositive();
            // the trigger's refusals were retried row by row: the table is full, and nothing is named for it
            assertThat(report.toText()).doesNotContain("could not seed tickets");
            assertThat(r.query("select count(*) from tickets").singleValue().map(n -> ((Number) n).longValue()))
                    .hasValue(20L);
        }
    }
}
