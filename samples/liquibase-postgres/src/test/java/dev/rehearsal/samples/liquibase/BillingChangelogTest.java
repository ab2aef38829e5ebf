package dev.rehearsal.samples.liquibase;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.StepResult;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving the billing database between changesets by id and by tag, with the rows Liquibase keeps in
 * DATABASECHANGELOG; and what a rollback that forgets part of its changeset looks like when Rehearsal catches it.
 */
class BillingChangelogTest {

    @Nested
    @MigrationTest
    class Moves {
        @Test
        void theReleaseTagIsATargetAndContextsLeaveTheDemoPlansOut(Rehearsal rehearsal) {
            assertThat(rehearsal.history().versioned()).extracting(Migration::id).containsExactly("001-customers",
                    "002-plans", "003-subscriptions", "004-release-1.0", "005-subscription-status", "007-invoices",
                    "008-customer-display-name", "009-plan-price-rename");

            rehearsal.migrateTo("release-1.0");
            assertThat(rehearsal.schema().table("subscriptions")).isPresent();
            assertThat(rehearsal.schema().column("subscriptions", "status")).isEmpty();
            assertThat(rehearsal.query("select tag from databasechangelog where tag is not null").column("tag"))
                    .containsExactly("release-1.0");

            rehearsal.migrateTo("latest");
            assertThat(rehearsal.query("select count(*) as n from plans").column("n")).containsExactly(0L);
            rehearsal.insert("customers", Map.of("email", "ada@example.com", "full_name", "Ada Lovelace"));

            rehearsal.migrateTo("007-invoices"); // rolls back 009 and 008: the display name goes, the customer stays
            assertThat(rehearsal.schema().column("customers", "display_name")).isEmpty();
            assertThat(rehearsal.query("select full_name from customers").column("full_name")).containsExactly("Ada Lovelace");
        }
    }

    @Nested
    @MigrationTest(migrations = "classpath:db/examples/broken-rollback.xml")
    class BrokenRollback {
        @Test
        void aRollbackThatForgetsItsIndexIsCaught(Rehearsal rehearsal) {
            RoundTripReport report = rehearsal.runRoundTrips();
            StepResult last = report.steps().get(report.steps().size() - 1);
            assertThat(last.migration()).contains("::010-invoice-due-date::");
            assertThat(last.phase(PhaseResult.Phase.DOWN)).hasValueSatisfying(down -> {
                assertThat(down.status()).isEqualTo(PhaseResult.Status.FAILED);
                assertThat(down.message()).contains("invoices_issued_at_idx");
            });
            assertThat(report.steps().subList(0, report.steps().size() - 1)).allSatisfy(step ->
                    assertThat(step.phases()).allSatisfy(p -> assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED)));
        }
    }
}
