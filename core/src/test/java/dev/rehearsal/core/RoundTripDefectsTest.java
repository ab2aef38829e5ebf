package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each history here has one real defect; the round trip must catch it and name the migration and the object. */
class RoundTripDefectsTest {

    private static RoundTripReport roundTrip(String history) {
        try (MigrationRehearsal rehearsal = Histories.rehearse(history)) {
            return rehearsal.runRoundTrips();
        }
    }

    private static PhaseResult phase(RoundTripReport report, String migrationPrefix, Phase phase) {
        return report.steps().stream().filter(s -> s.migration().startsWith(migrationPrefix)).findFirst()
                .flatMap(s -> s.phase(phase)).orElseThrow();
    }

    @Test
    void goodHistoryPassesEveryPhase() {
        RoundTripReport report = roundTrip("good");
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(report.steps()).extracting(StepResult::migration).containsExactly(
                "V1 create customers", "V2 create orders", "V3 add order status", "V4 touch trigger", "repeatable migrations");
        assertThat(report.steps()).allSatisfy(s -> assertThat(s.status()).isEqualTo(Status.PASSED));
    }

    @Test
    void downThatForgetsAnIndexIsCaughtNamingMigrationAndIndex() {
        RoundTripReport report = roundTrip("forgets-index");
        PhaseResult down = phase(report, "V3", Phase.DOWN);
        assertThat(down.status()).isEqualTo(Status.FAILED);
        assertThat(down.message())
                .contains("The down script of V3 index total (U3__index_total.sql)")
                .contains("+ index orders_total_idx ON orders (total)")
                .contains("created by V3__index_total.sql; U3__index_total.sql does not drop it")
                .doesNotContain("orders_customer_idx");
        assertThat(phase(report, "V1", Phase.DOWN).status()).isEqualTo(Status.PASSED);
    }

    @Test
    void downThatForgetsAColumnIsCaught() {
        PhaseResult down = phase(roundTrip("forgets-column"), "V3", Phase.DOWN);
        assertThat(down.status()).isEqualTo(Status.FAILED);
        assertThat(down.message()).contains("V3 add note").contains("+ column orders.note text");
    }

    @Test
    void downThatForgetsATriggerIsCaught() {
        PhaseResult down = phase(roundTrip("forgets-trigger"), "V3", Phase.DOWN);
        assertThat(down.message()).contains("V3 audit trigger")
                .contains("+ trigger orders_skip_noop BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()");
    }

    @Test
    void downThatForgetsAFunctionIsCaught() {
        PhaseResult down = phase(roundTrip("forgets-function"), "V3", Phase.DOWN);
        assertThat(down.message()).contains("V3 slugify").contains("+ function slugify(t text) returns text")
                .doesNotContain("customers.slug");
    }

    /** A down that re-creates a function laid out and commented another way restores it: the server runs the same code. */
    @Test
    void downThatRecreatesAFunctionReformattedRestoresIt() {
        RoundTripReport report = roundTrip("function-restored");
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(phase(report, "V2", Phase.DOWN).status()).isEqualTo(Status.PASSED);
    }

    /** A down that re-creates a function with other logic is caught, naming the first line that really differs. */
    @Test
    void downThatRecreatesAFunctionWithOtherLogicIsCaught(@TempDir Path dir) {
        RehearsalSettings changed = Histories.derived(dir, "histories/function-restored", List.of("V1__notes.sql",
                        "U1__notes.sql", "V2__touch_only_changes.sql", "U2__touch_only_changes.sql"),
                Map.of("new.updated_at := now();   /* as before V2 */", "new.updated_at := clock_timestamp();"), null);
        RoundTripReport report;
        try (MigrationRehearsal rehearsal = Histories.rehearse(changed)) {
            report = rehearsal.runRoundTrips();
        }
        PhaseResult down = phase(report, "V2", Phase.DOWN);
        assertThat(down.status()).isEqualTo(Status.FAILED);
        assertThat(down.message())
                .contains("The down script of V2 touch only changes (U2__touch_only_changes.sql)")
                .containsPattern("~ function touch\\(\\): definition differs at line \\d+( \\(line \\d+ after\\))?:"
                        + " new.updated_at := now\\(\\); -> new.updated_at := clock_timestamp\\(\\);")
                .contains("differs from before the up: U2__touch_only_changes.sql changed it");
    }

    @Test
    void downThatDropsTooMuchIsCaught() {
        PhaseResult down = phase(roundTrip("drops-too-much"), "V3", Phase.DOWN);
        assertThat(down.status()).isEqualTo(Status.FAILED);
        assertThat(down.message())
                .contains("- constraint customers_email_key ON customers: UNIQUE (email)")
                .contains("- unique index customers_email_key ON customers (email)")
                .contains("existed before and after the up; U3__add_coupon.sql dropped it")
                .contains("~ column orders.total: default 0 removed   <- differs from before the up: U3__add_coupon.sql changed it");
    }

    @Test
    void downThatDoesNotRecreateWhatTheUpDroppedSaysSo() {
        PhaseResult down = phase(roundTrip("down-forgets-to-recreate"), "V2", Phase.DOWN);
        assertThat(down.status()).isEqualTo(Status.FAILED);
        assertThat(down.message())
                .contains("- index customers_name_idx ON customers (name)   <- dropped by V2__drop_name_index.sql;"
                        + " U2__drop_name_index.sql does not recreate it")
                .doesNotContain("dropped it");
    }

    @Test
    void upThatCannotBeReappliedAfterItsDownNamesStatementAndSqlState() {
        RoundTripReport report = roundTrip("leaves-sequence");
        assertThat(phase(report, "V3", Phase.DOWN).message()).contains("+ sequence invoice_number_seq");
        PhaseResult again = phase(report, "V3", Phase.UP_AGAIN);
        assertThat(again.status()).isEqualTo(Status.FAILED);
        assertThat(again.message())
                .contains("V3 invoice numbers cannot be applied again after its down script ran")
                .contains("script:    V3__invoice_numbers.sql, line 1")
                .contains("statement: create sequence invoice_number_seq start 1000")
                .contains("SQLState:  42P07")
                .contains("relation \"invoice_number_seq\" already exists");
    }

    @Test
    void reappliedUpIsCheckedDirectlyByThePhase() {
        try (MigrationRehearsal rehearsal = Histories.rehearse("leaves-sequence")) {
            List<RoundTripStep> steps = rehearsal.roundTripSteps();
            RoundTripStep v3 = steps.get(2);
            steps.get(0).up();
            steps.get(1).up();
            v3.up();
            assertThatThrownBy(v3::down).isInstanceOf(RoundTripAssertionError.class)
                    .hasMessageContaining("+ sequence invoice_number_seq");
            assertThatThrownBy(v3::upAgain).isInstanceOf(RoundTripAssertionError.class)
                    .hasMessageContaining("SQLState:  42P07");
        }
    }

    @Test
    void missingDownScriptIsRehearsedByRestoringACopyOrFailsWhenDownsAreRequired() {
        RoundTripReport restored = roundTrip("irreversible");
        assertThat(restored.failed()).as(restored.toText()).isFalse();
        assertThat(phase(restored, "V3", Phase.RESTORE).status()).isEqualTo(Status.PASSED);
        assertThat(phase(restored, "V3", Phase.UP_AGAIN).status()).isEqualTo(Status.PASSED);
        assertThat(restored.steps().get(2).note()).contains("a failure forced at the end of V3 drop legacy left nothing behind");
        assertThat(restored.steps().get(2).phase(Phase.DOWN)).isEmpty();

        RoundTripReport required;
        try (MigrationRehearsal r = Histories.rehearse(Histories.settings("irreversible")
                .withMissingDown(RehearsalSettings.MissingDown.FAIL))) {
            required = r.runRoundTrips();
        }
        PhaseResult down = phase(required, "V3", Phase.DOWN);
        assertThat(down.status()).isEqualTo(Status.FAILED);
        assertThat(down.message()).contains("V3 drop legacy has no down script: expected U3__drop_legacy.sql")
                .contains("@MigrationTest(irreversible = \"3\")");

        try (MigrationRehearsal declared = Histories.rehearse(Histories.settings("irreversible").allowIrreversible("3"))) {
            RoundTripReport report = declared.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(phase(report, "V3", Phase.DOWN).status()).isEqualTo(Status.SKIPPED);
            assertThat(phase(report, "V3", Phase.DOWN).message()).isEqualTo("irreversible, declared irreversible");
        }
        try (MigrationRehearsal minimum = Histories.rehearse(Histories.settings("irreversible").withMinimumDowngradeVersion("3"))) {
            assertThat(minimum.runRoundTrips().failed()).isFalse();
        }
    }

    @Test
    void failingUpNamesFileLineStatementAndSqlStateAndStopsLaterSteps() {
        RoundTripReport report = roundTrip("syntax-error");
        PhaseResult up = phase(report, "V3", Phase.UP);
        assertThat(up.status()).isEqualTo(Status.FAILED);
        assertThat(up.message())
                .contains("up of migration V3 broken failed")
                .contains("script:    V3__broken.sql, line 3")
                .contains("statement: alter tabel orders add column carrier text")
                .contains("SQLState:  42601")
                .contains("syntax error at or near \"tabel\"");
        assertThat(phase(report, "V3", Phase.DOWN).status()).isEqualTo(Status.SKIPPED);
    }

    @Test
    void failingDownScriptNamesItsLineAndLeavesTheDatabaseUsable() {
        RoundTripReport report = roundTrip("down-fails");
        PhaseResult down = phase(report, "V1", Phase.DOWN);
        assertThat(down.status()).isEqualTo(Status.FAILED);
        assertThat(down.message()).contains("down of migration V1 one failed")
                .contains("script:    U1__one.sql, line 3")
                .contains("statement: drop table does_not_exist")
                .contains("SQLState:  42P01");
    }

    @Test
    void afterAFailedDownTheNextMigrationStillRunsOnARebuiltDatabase() {
        RoundTripReport report = roundTrip("recovers");
        assertThat(phase(report, "V3", Phase.DOWN).status()).isEqualTo(Status.FAILED);
        assertThat(phase(report, "V3", Phase.UP_AGAIN).status()).isEqualTo(Status.FAILED);
        StepResult v4 = report.steps().get(3);
        assertThat(v4.status()).as(report.toText()).isEqualTo(Status.PASSED);
        assertThat(v4.note()).startsWith("rebuilt a fresh database at V3 ").contains(" to carry on, because");
        assertThat(report.toText()).contains("note: rebuilt a fresh database at V3");
    }
}
