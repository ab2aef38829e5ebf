package dev.rehearsal.junit;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lock risks in JUnit, judged as the command line judges them: a new migration whose up has a risk not allowed gets a
 * failing "risks" test after its phases; a released one's risks are reported only; an allowed risk fails nothing.
 */
class NewMigrationRisksTest {

    @TempDir
    static Path reports;

    @MigrationTest(migrations = "filesystem:src/test/resources/histories/risky-index")
    static class RiskyIndex {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = "filesystem:src/test/resources/histories/risky-index",
            allowRisks = {"2 no-lock-timeout: the deploy sets one", "2 non-concurrent-index: accounts is small in production"})
    static class AllowedRiskyIndex {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = "filesystem:src/test/resources/histories/kept-base")
    static class KeptBase {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    private static List<String> names(List<Event> events) {
        return events.stream().map(e -> e.getTestDescriptor().getDisplayName()).toList();
    }

    @Test
    void aNewMigrationWithARiskNotAllowedGetsAFailingRisksTest() {
        EngineExecutionResults results = EngineRuns.run(reports, RiskyIndex.class, "rehearsal.risks.since", "1");
        List<Event> failed = results.testEvents().failed().list();
        assertThat(names(failed)).containsExactly("V2 index email \u203a risks");
        assertThat(names(results.testEvents().succeeded().list())).hasSize(6).noneMatch(n -> n.endsWith("risks"));
        String message = failed.get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()
                .getMessage();
        // accounts was created by a released migration: production has it with rows, whatever was seeded here
        assertThat(message).startsWith("V2 index email is new, and its up has 2 lock risks not allowed (risks judged for"
                        + " the 1 migration after 1 (rehearsal.risks.since)")
                .contains("risk [non-concurrent-index, no-lock-timeout] V2__index_email.sql line 1: CREATE INDEX"
                        + " accounts_email ON accounts (email)")
                .contains("a production table: judged as production has it")
                .contains("safer: SET lock_timeout")
                .contains("allowRisks = \"2 non-concurrent-index: <why it is safe>\"");
    }

    @Test
    void releasedMigrationsAndAllowedRisksFailNothing() {
        EngineExecutionResults released = EngineRuns.run(reports, RiskyIndex.class, "rehearsal.risks.since", "2");
        assertThat(released.testEvents().failed().count()).isZero();
        assertThat(released.testEvents().succeeded().count()).isEqualTo(6);

        EngineExecutionResults allowed = EngineRuns.run(reports, AllowedRiskyIndex.class, "rehearsal.risks.since", "1");
        assertThat(allowed.testEvents().failed().count()).isZero();
        assertThat(allowed.testEvents().succeeded().count()).isEqualTo(6);
    }

    /**
     * rehearsal.only-new: the released migration is applied without checks before the round trips are planned, and
     * they are the new migration's alone, its risks still judged (V2's up needs V1's table: it passes).
     */
    @Test
    void onlyNewYieldsTheNewMigrationsStepsOverTheReleasedOnes() {
        EngineExecutionResults results = EngineRuns.run(reports, RiskyIndex.class, "rehearsal.risks.since", "1",
                "rehearsal.only-new", "true");
        assertThat(names(results.testEvents().succeeded().list())).containsExactly("V2 index email \u203a up",
                "V2 index email \u203a down", "V2 index email \u203a up again");
        assertThat(names(results.testEvents().failed().list())).containsExactly("V2 index email \u203a risks");
    }

    /**
     * rehearsal.only-new.keep-base on the machine's PostgreSQL server: the first run keeps the released base (or
     * copies one a run of this build left, if it was stopped before dropping it), the next copies it, and both
     * rehearse the new migration. The base is dropped after, by the name the report gives.
     */
    @Test
    void aKeptBaseIsCopiedByTheNextRun(@TempDir Path dir) throws Exception {
        String[] settings = {"rehearsal.risks.since", "1", "rehearsal.only-new", "true",
                "rehearsal.only-new.keep-base", "true", "rehearsal.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/postgres",
                "rehearsal.jdbc.user", "postgres"};
        String kept = null;
        try {
            EngineExecutionResults first = EngineRuns.run(dir.resolve("first"), KeptBase.class, settings);
            String firstReport = report(dir.resolve("first"));
            Matcher name = Pattern.compile("(?:kept as|copied from) (rehearsal_base_[0-9a-f]+)").matcher(firstReport);
            assertThat(name.find()).as(firstReport).isTrue();
            kept = name.group(1);
            EngineExecutionResults second = EngineRuns.run(dir.resolve("second"), KeptBase.class, settings);

            for (EngineExecutionResults run : List.of(first, second)) {
                assertThat(names(run.testEvents().succeeded().list())).containsExactly("2_notes \u203a up",
                        "2_notes \u203a down", "2_notes \u203a up again");
                assertThat(run.testEvents().failed().count()).isZero();
            }
            assertThat(report(dir.resolve("second"))).contains("copied from " + kept + ", the base an earlier run"
                    + " kept");
        } finally {
            if (kept != null) {
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres",
                        "postgres", ""); Statement st = c.createStatement()) {
                    st.execute("drop database if exists " + kept + " with (force)");
                }
            }
        }
    }

    private static String report(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            Path text = files.filter(f -> f.toString().endsWith(".txt")).findFirst().orElseThrow();
            return Files.readString(text);
        }
    }
}
