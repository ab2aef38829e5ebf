package dev.rehearsal.core;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.Migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sqitch projects (issue 14, part 4): {@code sqitch.plan} orders the changes, deploy is the up, revert the down, and
 * each verify script runs after every deploy (the up and the up again); a failing verify fails the phase naming the
 * verify script, and the change is reverted as {@code sqitch deploy --verify} reverts it. Tags name targets.
 */
class SqitchTest {

    private static final List<String> FILES = List.of("sqitch.plan", "sqitch.conf", "deploy/appschema.sql",
            "revert/appschema.sql", "verify/appschema.sql", "deploy/users.sql", "revert/users.sql", "verify/users.sql",
            "deploy/flips.sql", "revert/flips.sql", "verify/flips.sql");

    @Test
    void eachChangeIsDeployedVerifiedRevertedAndDeployedAgain() {
        try (MigrationRehearsal r = Histories.rehearse("sqitch")) {
            assertThat(r.history().versioned()).extracting(Migration::id).containsExactly("appschema", "users", "flips");
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.toText()).startsWith("Rehearsal of Sqitch project at");
            assertThat(r.query("select change, change_id from sqitch.changes order by planned_at").rows())
                    .extracting(row -> row.get(0) + " " + row.get(1)).containsExactly(
                            // the ids sqitch deploy writes for this plan (Sqitch 1.3)
                            "appschema 1ded67833ed2fce111fad142189159c889a46fd3",
                            "users 0d587c9668c0f0899de74f2e1b39d3b5d7a1c35c",
                            "flips 669271c67e36719b82e36dc7738db98ae2efc6fc");
            assertThat(r.query("select event, change from sqitch.events order by committed_at").column("event"))
                    .containsExactly("deploy", "revert", "deploy", "deploy", "revert", "deploy", "deploy", "revert", "deploy");
            assertThat(r.schema().table("flipr.flips")).isPresent();
            assertThat(r.schema().table("sqitch.changes")).isEmpty();
        }
    }

    @Test
    void aTagIsATarget() {
        try (MigrationRehearsal r = Histories.rehearse("sqitch")) {
            r.migrateTo("latest");
            r.migrateTo("@v1.0.0-dev1");
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("2"));
            assertThat(r.schema().table("flipr.flips")).isEmpty();
            assertThat(r.query("select tag from sqitch.tags").column("tag")).containsExactly("@v1.0.0-dev1");
        }
    }

    @Test
    void aFailingVerifyFailsTheUpNamingTheVerifyScriptAndRevertsTheChange(@TempDir Path dir) {
        RehearsalSettings broken = Histories.derived(dir, "histories/sqitch", FILES,
                Map.of("SELECT id, nickname, body, timestamp", "SELECT id, nickname, body, timestamp, likes"), null);
        try (MigrationRehearsal r = Histories.rehearse(broken)) {
            r.migrateTo("users");
            assertThatThrownBy(() -> r.migrateTo("flips"))
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("up of migration flips")
                    .hasMessageContaining("script:    verify/flips.sql, line 5")
                    .hasMessageContaining("SQLState:  42703")
                    .hasMessageContaining("the verify script failed after deploy/flips.sql deployed: ERROR: column \"likes\" does not exist")
                    .hasMessageContaining("The change was reverted with revert/flips.sql, as sqitch deploy --verify reverts it.");
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("2"));
            assertThat(r.schema().table("flipr.flips")).isEmpty();
        }
    }

    @Test
    void aPlanNamingAMissingDeployScriptIsNamed(@TempDir Path dir) {
        RehearsalSettings missing = Histories.derived(dir, "histories/sqitch", FILES.stream()
                .filter(f -> !f.equals("deploy/flips.sql")).toList(), Map.of(), null);
        assertThatThrownBy(() -> Histories.rehearse(missing))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("sqitch.plan, line 9: change flips has no deploy script: expected deploy/flips.sql");
    }
}
