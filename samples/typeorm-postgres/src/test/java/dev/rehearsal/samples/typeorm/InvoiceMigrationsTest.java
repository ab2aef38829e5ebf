package dev.rehearsal.samples.typeorm;

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
 * A Node team's TypeORM migrations (migrations/), rehearsed from Java by the project's own TypeORM: one helper
 * process loads data-source.js and runs TypeORM's runMigrations and undoLastMigration one migration at a time, its
 * statements traced: every migration up, down and up again over 200 generated rows per table; and a down() that
 * forgets its index, caught.
 */
class InvoiceMigrationsTest {

    @Nested
    @MigrationTest(migrations = "filesystem:migrations")
    @Seed(rows = 200)
    class History {
        @TestFactory
        Stream<DynamicNode> everyMigrationRoundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }

        @Test
        void typeormRecordsEachMigrationAndGoingBackKeepsTheInvoices(Rehearsal rehearsal) {
            rehearsal.migrateTo("CreateInvoices1705482000000");
            rehearsal.insert("accounts", Map.of("email", "ada@example.com"));
            rehearsal.insert("invoices", Map.of("account_id", 1, "total_cents", 4200));
            rehearsal.migrateTo("latest");
            assertThat(rehearsal.query("select name from migrations order by id").column("name")).containsExactly(
                    "CreateAccounts1704877200000", "CreateInvoices1705482000000", "InvoiceStatus1706691600000");
            assertThat(rehearsal.query("select status from invoices").column("status")).containsExactly("open");

            rehearsal.migrateTo("1705482000000-CreateInvoices"); // the file's name works too
            assertThat(rehearsal.schema().column("invoices", "status")).isEmpty();
            assertThat(rehearsal.query("select total_cents from invoices").column("total_cents")).containsExactly(4200L);
        }
    }

    @Nested
    @MigrationTest(migrations = "filesystem:examples/forgotten-index")
    class ForgottenIndex {
        @Test
        void aDownThatForgetsItsIndexIsCaught(Rehearsal rehearsal) {
            RoundTripReport report = rehearsal.runRoundTrips();
            StepResult last = report.steps().get(report.steps().size() - 1);
            assertThat(last.phase(PhaseResult.Phase.DOWN)).hasValueSatisfying(down -> {
                assertThat(down.status()).isEqualTo(PhaseResult.Status.FAILED);
                assertThat(down.message()).contains("accounts_created_idx").contains("1707901200000-AccountsByDate.js");
            });
            assertThat(report.steps().get(0).phases()).allSatisfy(p ->
                    assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED));
        }
    }
}
