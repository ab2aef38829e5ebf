package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.NewMigrations;
import dev.rehearsal.core.OnlyNew;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.model.Migration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pull request that adds one migration to a 300-migration history: rehearsed with only-new (the 300 released ones
 * applied by the tool's ups without checks, the new one up, down and up with every check) against one plain JDBC
 * session doing up/down/up of the whole history, and against rehearsing the whole history, as a change waited for
 * before. On the machine's PostgreSQL server; medians of three alternating rounds. The new migration's down forgets
 * the column its up added, and only-new must still name it.
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true", disabledReason = "the library's view of"
        + " the pull-request row, which CommandLinePeerBenchmark measures from the command line on every CI run: run"
        + " with -Drehearsal.benchmark.all=true")
class PullRequestBenchmark {

    private static final int RELEASED = 300;
    private static final int ROUNDS = 3;

    @Test
    void aPullRequestAddingOneMigrationToAThreeHundredMigrationHistory(@TempDir Path dir) throws Exception {
        LongHistoryBenchmark.assumeServer();
        Path history = GeneratedHistory.write(dir.resolve("history"), RELEASED);
        Files.writeString(history.resolve("000301_e0_pr_remark.up.sql"), """
                alter table e0 add column pr_remark text;
                create index e0_pr_remark_idx on e0 (pr_remark);
                """);
        Files.writeString(history.resolve("000301_e0_pr_remark.down.sql"), "drop index e0_pr_remark_idx;\n");
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + history).withFormat("golang-migrate");
        List<Long> onlyNew = new ArrayList<>();
        List<Long> whole = new ArrayList<>();
        List<Long> plain = new ArrayList<>();
        try (DatabaseProvider provider = DatabaseProviders.server(LongHistoryBenchmark.SERVER, "postgres", null)) {
            for (int round = 0; round <= ROUNDS; round++) { // round 0 warms up
                long t0 = System.nanoTime();
                List<Migration> migrations;
                try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, getClass().getClassLoader())) {
                    migrations = r.history().versioned();
                    Migration added = migrations.get(migrations.size() - 1);
                    OnlyNew base = OnlyNew.reach(r, new NewMigrations(Set.of(added.displayName()), "the change"));
                    assertThat(base.released()).isEqualTo(RELEASED);
                    RoundTripReport report = r.runRoundTrips();
                    assertThat(report.steps()).hasSize(1);
                    // the up passed (it needs the released table e0); the down, which forgets the column, failed
                    assertThat(report.steps().get(0).phase(PhaseResult.Phase.UP).orElseThrow().status())
                            .as(report.toText()).isEqualTo(PhaseResult.Status.PASSED);
                    assertThat(report.steps().get(0).phase(PhaseResult.Phase.DOWN).orElseThrow().message())
                            .as(report.toText()).contains("pr_remark");
                }
                long onlyNewNanos = System.nanoTime() - t0;

                t0 = System.nanoTime();
                RoundTripOverheadBenchmark.plainRoundTrips(provider, migrations.subList(0, RELEASED));
                long plainNanos = System.nanoTime() - t0;

                t0 = System.nanoTime();
                try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, getClass().getClassLoader())) {
                    assertThat(r.runRoundTrips().failed()).isTrue();
                }
                long wholeNanos = System.nanoTime() - t0;
                if (round > 0) {
                    onlyNew.add(onlyNewNanos / 1_000_000);
                    plain.add(plainNanos / 1_000_000);
                    whole.add(wholeNanos / 1_000_000);
                }
            }
        }
        double onlyNewMs = RoundTripOverheadBenchmark.median(onlyNew);
        double plainMs = RoundTripOverheadBenchmark.median(plain);
        double wholeMs = RoundTripOverheadBenchmark.median(whole);
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "a pull request adding 1 migration to %d, on the"
                        + " machine's server: only-new %.0f ms, one plain session up/down/up of the %d released ones"
                        + " %.0f ms, ratio %.2fx (target <= 1x); the whole history rehearsed %.0f ms (%.1fx the"
                        + " only-new run); medians of %d rounds%n", RELEASED, onlyNewMs, RELEASED, plainMs,
                onlyNewMs / plainMs, wholeMs, wholeMs / onlyNewMs, ROUNDS));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("pull_request_only_new_ms", Math.round(onlyNewMs));
        figures.put("pull_request_plain_jdbc_ms", Math.round(plainMs));
        figures.put("pull_request_only_new_ratio", Math.round(onlyNewMs / plainMs * 100) / 100.0);
        figures.put("pull_request_whole_history_ms", Math.round(wholeMs));
        LongHistoryBenchmark.writeJson(figures);
    }
}
