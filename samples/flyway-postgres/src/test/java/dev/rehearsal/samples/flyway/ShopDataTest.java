package dev.rehearsal.samples.flyway;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.junit.AtVersion;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.rehearsal.core.data.TableSeed.table;
import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static dev.rehearsal.junit.RehearsalAssertions.row;
import static org.assertj.core.api.Assertions.assertThat;

/** The data features on the shop's history: seeding, fingerprints, integrity, fixtures at a version, invariants. */
@MigrationTest
class ShopDataTest {

    @Test
    void seedsRealisticRowsThatFitEveryConstraint(Rehearsal rehearsal) {
        rehearsal.migrateTo("latest");
        SeedResult seeded = rehearsal.seed(2_000, table("orders").oneOf("status", "paid", "shipped"));

        assertThat(seeded.rowsAdded()).containsEntry("customers", 2_000L).containsEntry("order_items", 2_000L);
        assertThat(rehearsal.integrityProblems()).isEmpty();
        assertThat(rehearsal.query("select count(*) from customers where email not like '%@%.%'")).hasSingleValue(0);
        assertThat(rehearsal.query("select distinct status from orders order by 1"))
                .containsExactly(row("paid"), row("shipped"));
        assertThat(rehearsal.query("select count(*) from order_items where quantity <= 0 or unit_price < 0"))
                .hasSingleValue(0);
        // order numbers come from their sequence (V12), left to the database
        assertThat(rehearsal.query("select count(distinct order_number), min(order_number) from orders"))
                .containsExactly(row(2_000, 100_000));
    }

    @Test
    void fingerprintsShowThatAMigrationLeftOtherTablesAlone(Rehearsal rehearsal) {
        rehearsal.migrateTo("10");
        rehearsal.seed(500);
        DataFingerprint before = rehearsal.fingerprint();

        rehearsal.migrateTo("11");   // adds products.active with a default: only products changes

        DataFingerprint after = rehearsal.fingerprint();
        assertThat(after).hasSameDataAs(before, "customers", "orders", "order_items", "order_status_audit")
                .hasRows("products", 500)
                .hasNonNullValues("products", "active", 500);
    }

    @Test
    @AtVersion(value = "5", fixture = "fixtures/customers-v5.yaml")
    void renameInThreeStepsKeepsEveryNameFromAFixture(Rehearsal rehearsal) {
        rehearsal.migrateTo("8");
        assertThat(rehearsal.query("select id, display_name from customers order by id"))
                .containsExactly(row(1, "Ada Lovelace"), row(2, "Alan Turing"));

        rehearsal.migrateTo("5");   // undo scripts give the old column its values back
        assertThat(rehearsal.query("select full_name from customers order by id"))
                .containsExactly(row("Ada Lovelace"), row("Alan Turing"));
    }

    @Test
    @AtVersion(value = "2", fixture = "fixtures/products.csv")
    @AtVersion(value = "10")
    void rowsInsertedAtAVersionGoThroughLaterMigrations(Rehearsal rehearsal) {
        rehearsal.insert("customers", Map.of("email", "grace@example.com", "display_name", "Grace Hopper"));
        rehearsal.migrateTo("11");
        assertThat(rehearsal.query("select sku, active from products order by id"))
                .containsExactly(row("BOOK-001", true), row("BOOK-002", true));
        assertThat(rehearsal.query("select name from products where id = 2"))
                .hasSingleValue("Computing Machinery and Intelligence, reprint");
    }

    @Test
    void invariantsHoldAcrossEveryMigrationTo(Rehearsal rehearsal) {
        rehearsal.migrateTo("4");
        rehearsal.seed(300);
        rehearsal.invariant("no order loses its items", "select count(*) from order_items");
        rehearsal.migrateTo("12");  // not "latest": the repeatable view uses display_name, so U6 could not drop it
        rehearsal.migrateTo("4");
        assertThat(rehearsal.query("select count(*) from order_items")).hasSingleValue(300);
    }
}
