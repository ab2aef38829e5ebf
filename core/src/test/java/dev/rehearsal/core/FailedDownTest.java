package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a down fails, the next step goes on as production would: from the database as the tool left it when the down
 * rolled back cleanly (golang-migrate's dirty version cleared as {@code migrate force} would), over rows that went
 * through every earlier migration's data changes.
 */
class FailedDownTest {

    @Test
    void aDownThatRolledBackCleanlyLeavesTheNextStepTheDataItsBackfillMade() {
        try (MigrationRehearsal r = Histories.rehearse("down-fails-cleanly")) {
            r.seedEachStep(20);
            RoundTripReport report = r.runRoundTrips();
            StepResult v2 = report.steps().get(1);
            assertThat(v2.phase(Phase.DOWN).orElseThrow().status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(v2.phase(Phase.DOWN).orElseThrow().message()).contains("42P01");
            // V3's CHECK holds for names V2 put in capitals; a database rebuilt and seeded again at V2 would hold
            // names V2 never saw, and V3 would fail where production does not
            StepResult v3 = report.steps().get(2);
            assertThat(v3.status()).as(report.toText()).isEqualTo(Status.PASSED);
            assertThat(v3.note() == null ? "" : v3.note()).doesNotContain("rebuilt");
            assertThat(v2.note()).contains("the failed down rolled back cleanly: the next step goes on from the"
                    + " database as the tool left it").contains("force command");
        }
    }
}
