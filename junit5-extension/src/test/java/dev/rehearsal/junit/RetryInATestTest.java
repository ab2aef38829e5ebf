package dev.rehearsal.junit;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a team's test, a migration that can stop part-way gets a {@code retry} test between its down and its up again,
 * which fails with the finding where the retry meets what the stopped run left (for the migrations a change adds),
 * and the up again still runs from the state before the up; {@code rehearsal.retry=false} drops it.
 */
class RetryInATestTest {

    @TempDir
    static Path reports;

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/atomicity-dbmate")
    static class Dbmate {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    private static List<String> names(Events events) {
        return events.stream().map(e -> e.getTestDescriptor().getDisplayName()).toList();
    }

    @Test
    void aMigrationThatCannotBeRetriedFailsItsRetryTestNamingWhatItLeft() {
        // the three after the first are the change's (judged); released ones would only be reported
        Events tests = EngineRuns.run(reports, Dbmate.class, "rehearsal.risks.since", "20240101120000").testEvents();
        // (the "risks" tests are the lock risks of the ups, judged too: non-atomic-script)
        assertThat(names(tests.failed())).filteredOn(n -> !n.endsWith("\u203a risks")).containsExactlyInAnyOrder(
                "20240102120000_index_and_column \u203a retry", "20240103120000_no_transaction \u203a retry",
                "20240104120000_single \u203a retry");
        Event single = tests.failed().stream().filter(e -> e.getTestDescriptor().getDisplayName()
                .startsWith("20240104120000_single")).findFirst().orElseThrow();
        assertThat(single.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow().getMessage())
                .startsWith("not-retry-safe: ").contains("left index customers_name_idx INVALID");
        assertThat(names(tests.succeeded())).contains("20240104120000_single \u203a up again",
                "20240101120000_customers \u203a up again").doesNotContain("20240101120000_customers \u203a retry");
    }

    @Test
    void aReleasedMigrationsFindingIsReportedAndItsRetryTestPasses() {
        Events tests = EngineRuns.run(reports, Dbmate.class, "rehearsal.risks.since", "20240104120000").testEvents();
        tests.assertStatistics(s -> s.failed(0));
        assertThat(names(tests.succeeded())).contains("20240104120000_single \u203a retry",
                "20240104120000_single \u203a up again");
        assertThat(reports.resolve("Dbmate.roundTrips.txt")).content()
                .contains("risk in the retry [not-retry-safe] 20240104120000_single.sql line 2")
                .contains("reported, not judged, as 20240104120000_single is released");
    }

    @Test
    void retriesTurnedOffLeaveTheRoundTripsAsTheyWere() {
        Events tests = EngineRuns.run(reports, Dbmate.class, "rehearsal.retry", "false", "rehearsal.risks.since",
                "20240101120000").testEvents();
        assertThat(names(tests.started())).noneMatch(n -> n.endsWith("\u203a retry"));
        assertThat(names(tests.failed())).allMatch(n -> n.endsWith("\u203a risks"));
    }
}
