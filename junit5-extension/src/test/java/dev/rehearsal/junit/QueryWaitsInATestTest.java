package dev.rehearsal.junit;

import dev.rehearsal.core.MigrationRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The application's own statements as traffic in a team's test: with {@code rehearsal.queries.file} set, each
 * {@code migrateTo} plays them on the tables the migration touches, and {@code assertThat(run).queryWaits()} budgets
 * them per table or per statement.
 */
class QueryWaitsInATestTest {

    private static final String TYPE_CHANGE = "filesystem:../core/src/test/resources/histories/locks-base,"
            + "filesystem:../core/src/test/resources/histories/locks-type-change";

    @TempDir
    static Path reports;

    @MigrationTest(migrations = TYPE_CHANGE)
    static class WidenScore {
        @Test
        void theApplicationsStatementsArePlayedAndBudgeted(Rehearsal rehearsal) {
            rehearsal.migrateTo("1");
            MigrationRun run = rehearsal.migrateTo("2");
            assertThat(run).queryWaits().onTable("accounts").werePlayed().noneFailed();
            assertThat(run).queryWaits().statement("select id, score from accounts").werePlayed();
            // every run takes some time: a budget of nothing fails, naming the statement and its table
            assertThatThrownBy(() -> assertThat(run).queryWaits().atMost(Duration.ZERO))
                    .hasMessageContaining("queries.sql:1: select id, score from accounts where id = $1 (reads on"
                            + " accounts) waited");
        }
    }

    @Test
    void aTestBudgetsTheStatementsPlayedWhileItsMigrationRuns(@TempDir Path dir) throws Exception {
        Path queries = Files.writeString(dir.resolve("queries.sql"),
                "select id, score from accounts where id = $1;\nupdate accounts set status = $1 where id = $2;\n");
        EngineRuns.run(reports, WidenScore.class, "rehearsal.queries.file", queries.toString())
                .testEvents().assertStatistics(s -> s.failed(0).succeeded(1));
    }
}
