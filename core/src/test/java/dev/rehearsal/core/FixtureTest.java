package dev.rehearsal.core;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rows inserted at a version from code and from fixture files, and the messages when they do not fit. */
class FixtureTest {

    private static MigrationRehearsal atV1() {
        MigrationRehearsal r = Histories.rehearse(Histories.dataHistory("data-good"));
        r.migrateTo("1");
        return r;
    }

    @Test
    void insertedRowsFollowTheMigrations() {
        try (MigrationRehearsal r = atV1()) {
            r.insert("customers", Map.of("id", 7, "first_name", "Ada", "last_name", "Lovelace", "email", "ada@example.com"));
            r.insert("orders", Map.of("customer_id", 7, "total", new BigDecimal("12.50"), "status", "paid"));
            r.migrateTo("2");
            assertThat(r.query("select display_name from customers").singleValue()).contains("Ada Lovelace");
            // the identity sequence moved past the explicit id
            r.insert("customers", Map.of("email", "alan@example.com"));
            assertThat(r.query("select max(id) from customers").singleValue()).contains(8);
        }
    }

    @Test
    void unknownTableOrColumnIsNamedBeforeAnythingIsInserted() {
        try (MigrationRehearsal r = atV1()) {
            assertThatThrownBy(() -> r.loadFixture("fixtures/unknown-table.yaml"))
                    .hasMessage("Fixture fixtures/unknown-table.yaml: there is no table customer at version 1."
                            + " Tables: customers, orders.");
            assertThatThrownBy(() -> r.insert("customers", Map.of("mail", "x")))
                    .hasMessageContaining("rehearsal.insert(\"customers\", ...): table customers has no column mail at version 1")
                    .hasMessageContaining("email text");
            assertThat(r.fingerprint().totalRows()).isZero();
        }
    }

    @Test
    void rowTheDatabaseRefusesIsNamedByNumberAndValues() {
        try (MigrationRehearsal r = atV1()) {
            r.insert("customers", Map.of("id", 1, "email", "ada@example.com"));
            assertThatThrownBy(() -> r.loadFixture("fixtures/wrong-type.json"))
                    .hasMessageContaining("Fixture fixtures/wrong-type.json: orders refused row 2 (customer_id=1, total=ten, status=new)")
                    .hasMessageContaining("invalid input syntax for type numeric: \"ten\"")
                    .hasMessageContaining("SQLState 22P02");
        }
    }

    @Test
    void malformedFilesAreExplained() {
        try (MigrationRehearsal r = atV1()) {
            assertThatThrownBy(() -> r.loadFixture("fixtures/customers.csv"))
                    .hasMessage("Fixture fixtures/customers.csv, line 3: 2 fields, but the header has 3 (first_name, last_name, email)");
            assertThatThrownBy(() -> r.loadFixture("fixtures/not-a-map.yaml"))
                    .hasMessageContaining("must map table names to lists of rows");
            assertThatThrownBy(() -> r.loadFixture("fixtures/missing.yaml"))
                    .hasMessageContaining("Fixture fixtures/missing.yaml not found on the classpath nor at");
            assertThatThrownBy(() -> r.loadFixture("classpath:fixtures/customers.txt"))
                    .hasMessageContaining("not found on the classpath");
        }
    }
}
