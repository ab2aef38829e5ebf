package dev.rehearsal.samples.knex;

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
 * A Node team's Knex history (migrations/*.js), rehearsed from Java by the project's own Knex (node_modules/knex,
 * knexfile.js), one {@code knex.migrate.up} or {@code down} at a time in one Node helper process: every migration up,
 * down and up again over 200 generated rows per table, its statements traced; and a down that forgets an index,
 * caught.
 */
class TaskMigrationsTest {

    @Nested
    @MigrationTest(migrations = "filesystem:migrations")
    @Seed(rows = 200)
    class History {
        @TestFactory
        Stream<DynamicNode> everyMigrationRoundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }

        @Test
        void knexRecordsEachMigrationAndTheRenameKeepsTheTitles(Rehearsal rehearsal) {
            rehearsal.migrateTo("20240201090000_task_priority"); // a migration's name, as Knex records it
            rehearsal.insert("accounts", Map.of("email", "ada@example.com"));
            rehearsal.insert("projects", Map.of("account_id", 1, "name", "launch"));
            rehearsal.insert("tasks", Map.of("project_id", 1, "title", "write the announcement"));
            assertThat(rehearsal.query("select name from knex_migrations order by id").column("name")).containsExactly(
                    "20240110090000_create_accounts.js", "20240112090000_create_projects.js",
                    "20240120090000_create_tasks.js", "20240201090000_task_priority.js");

            rehearsal.migrateTo("latest");
            assertThat(rehearsal.query("select summary, priority from tasks").column("summary"))
                    .containsExactly("write the announcement");
            rehearsal.migrateTo("20240120090000"); // or its version: the priority goes, the task stays
            assertThat(rehearsal.schema().column("tasks", "priority")).isEmpty();
            assertThat(rehearsal.query("select title from tasks").column("title")).containsExactly("write the announcement");
        }
    }

    @Nested
    @MigrationTest(migrations = "filesystem:examples/forgotten-index")
    class ForgottenIndex {
        @Test
        void aDownThatForgetsItsIndexIsCaught(Rehearsal rehearsal) {
            RoundTripReport report = rehearsal.runRoundTrips();
            StepResult last = report.steps().get(report.steps().size() - 1);
            assertThat(last.migration()).contains("last login");
            assertThat(last.phase(PhaseResult.Phase.DOWN)).hasValueSatisfying(down -> {
                assertThat(down.status()).isEqualTo(PhaseResult.Status.FAILED);
                assertThat(down.message()).contains("accounts_email_lower_idx");
            });
            assertThat(report.steps().get(0).phases()).allSatisfy(p -> assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED));
        }
    }
}
