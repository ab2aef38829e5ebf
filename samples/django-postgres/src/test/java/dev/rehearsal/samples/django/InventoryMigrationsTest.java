package dev.rehearsal.samples.django;

import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.StepResult;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import dev.rehearsal.junit.Seed;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Python team's Django app (inventory/migrations), rehearsed from Java by the project's own Django: one helper
 * process starts manage.py as {@code python manage.py} does and runs Django's {@code migrate} for each step (the
 * Python is set in junit-platform.properties): every migration up, down and up again over 200 generated rows per
 * table, its statements traced; and a {@code RunSQL} whose reverse is a no-op, caught.
 */
class InventoryMigrationsTest {

    @Nested
    @MigrationTest(migrations = "filesystem:inventory/migrations")
    @Seed(rows = 200)
    class History {
        @TestFactory
        Stream<DynamicNode> everyMigrationRoundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }

        @Test
        void djangoRecordsEachMigrationAndGoingBackKeepsTheProducts(Rehearsal rehearsal) {
            rehearsal.migrateTo("0002_product_sku");
            rehearsal.insert("inventory_product", Map.of("name", "kettle", "price", 24.5, "sku", "K-1"));
            rehearsal.migrateTo("latest");
            assertThat(rehearsal.query("select app, name from django_migrations order by id").column("name"))
                    .containsExactly("0001_initial", "0002_product_sku", "0003_stocklevel", "0004_stock_by_warehouse",
                            "0005_product_active");
            assertThat(rehearsal.query("select active from inventory_product").column("active")).containsExactly(true);

            rehearsal.migrateTo("0001"); // Django's own prefix form works too
            assertThat(rehearsal.schema().column("inventory_product", "sku")).isEmpty();
            assertThat(rehearsal.query("select name from inventory_product").column("name")).containsExactly("kettle");
        }
    }

    @Nested
    @MigrationTest(migrations = "filesystem:examples/noop_reverse")
    class NoopReverse {
        @Test
        void aReverseThatDoesNothingIsCaught(Rehearsal rehearsal) {
            RoundTripReport report = rehearsal.runRoundTrips();
            StepResult last = report.steps().get(report.steps().size() - 1);
            assertThat(last.migration()).contains("product name search");
            assertThat(last.phase(PhaseResult.Phase.DOWN)).hasValueSatisfying(down -> {
                assertThat(down.status()).isEqualTo(PhaseResult.Status.FAILED);
                assertThat(down.message()).contains("inventory_product_name_lower");
            });
            assertThat(report.steps().get(0).phases()).allSatisfy(p -> assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED));
        }
    }
}
