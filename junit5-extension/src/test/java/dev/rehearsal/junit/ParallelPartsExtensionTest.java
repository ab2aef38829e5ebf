package dev.rehearsal.junit;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long history's round trips, run by the extension in parallel parts (rehearsal.parallel), give the build the same
 * tests, with the same names, outcomes and messages, as in one part: a broken down script in the second part fails
 * its test, and a failing up in it leaves the rest not run, in both.
 */
class ParallelPartsExtensionTest {

    private static final int MIGRATIONS = 90;

    @MigrationTest(format = "golang-migrate")
    static class LongHistory {
        @TestFactory
        Stream<DynamicNode> everyMigrationRoundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @Test
    void theTestsOfALongHistoryInPartsAreThoseOfOnePart(@TempDir Path dir) throws IOException {
        Path history = history(dir.resolve("history"));
        List<String> inParts = outcomes(run(dir.resolve("parts"), history, "2"));
        List<String> onePart = outcomes(run(dir.resolve("one"), history, "1"));

        assertThat(onePart).hasSize(3 * MIGRATIONS)
                .contains("000060_create_t60 \u203a down FAILED", "000075_create_t75 \u203a up FAILED",
                        "000076_create_t76 \u203a up ABORTED");
        assertThat(inParts).isEqualTo(onePart);
    }

    private static EngineExecutionResults run(Path reports, Path history, String parallel) {
        return EngineRuns.run(reports, LongHistory.class, "rehearsal.migrations", "filesystem:" + history,
                "rehearsal.parallel", parallel);
    }

    /** Each test's name and outcome, in the order the build saw them. */
    private static List<String> outcomes(EngineExecutionResults results) {
        return results.testEvents().finished().stream()
                .map(e -> e.getTestDescriptor().getDisplayName() + " "
                        + e.getPayload(TestExecutionResult.class).orElseThrow().getStatus())
                .toList();
    }

    /**
     * {@value #MIGRATIONS} migrations, a table each; V60's down forgets its index (a leftover), V75's up fails to apply.
     */
    private static Path history(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int i = 1; i <= MIGRATIONS; i++) {
            String name = String.format(Locale.ROOT, "%06d_create_t%d", i, i);
            String up = i == 75 ? "create tabel t75 (id int);\n"
                    : "create table t" + i + " (id int primary key, note text);\ncreate index t" + i + "_note on t" + i
                    + " (note);\n";
            String down = i == 60 ? "drop index t60_note;\ndrop table t60;\ncreate index t60_leftover on t1 (note);\n"
                    : "drop table t" + i + ";\n";
            Files.writeString(dir.resolve(name + ".up.sql"), up);
            Files.writeString(dir.resolve(name + ".down.sql"), down);
        }
        return dir;
    }
}
