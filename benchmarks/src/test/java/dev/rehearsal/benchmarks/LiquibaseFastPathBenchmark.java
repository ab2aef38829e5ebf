package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether Rehearsal's Liquibase fast path earns its place: after Liquibase's first {@code update} of a rehearsal,
 * single steps run each changeset as Liquibase's update and rollback commands run each one, without the commands'
 * lock, table checks and validation around them. A changelog with a precondition of its own makes every step go
 * through Liquibase's commands, so the same generated 165-changeset changelog (every changeset reversible) runs both
 * ways, with and without a precondition that always holds; Liquibase's own {@code update-testing-rollback} of it is
 * the peer. Medians of 3 alternating rounds after a warm-up of each.
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
        disabledReason = "a decision's measurement: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
class LiquibaseFastPathBenchmark {

    private static final int CHANGESETS = 165;
    private static final int ROUNDS = 3;

    @Test
    void fastPathAgainstLiquibasesOwnCommands(@TempDir Path dir) throws Exception {
        System.setProperty("liquibase.analytics.enabled", "false"); // the peer's own run: no calls home
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        Path golang = GeneratedHistory.write(dir.resolve("golang"), CHANGESETS);
        Path fast = LiquibaseBenchmark.liquibase(golang, dir.resolve("fast"));
        Path commands = LiquibaseBenchmark.liquibase(golang, dir.resolve("commands"));
        Files.writeString(commands, Files.readString(commands).replaceFirst("(?s)(<databaseChangeLog[^>]*>)",
                "$1\n    <preConditions><dbms type=\"postgresql\"/></preConditions>"));
        run(fast, provider);
        run(commands, provider);
        testingRollback(fast, provider);
        List<Double> fastMs = new ArrayList<>();
        List<Double> commandMs = new ArrayList<>();
        List<Double> peerMs = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            fastMs.add(run(fast, provider));
            commandMs.add(run(commands, provider));
            peerMs.add(testingRollback(fast, provider));
        }
        double f = median(fastMs);
        double c = median(commandMs);
        double p = median(peerMs);
        double saved = (c - f) / c * 100;
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "generated %d-changeset Liquibase changelog: round"
                        + " trips with Rehearsal's fast path %.0f ms, every step through Liquibase's commands %.0f ms"
                        + " (the fast path saves %.1f%% of a round trip); Liquibase's own update-testing-rollback %.0f"
                        + " ms, so %.2fx and %.2fx of it (medians of %d alternating rounds)%n", CHANGESETS, f, c, saved,
                p, f / p, c / p, ROUNDS));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("liquibase_165_fast_path_ms", Math.round(f));
        figures.put("liquibase_165_through_commands_ms", Math.round(c));
        figures.put("liquibase_165_update_testing_rollback_ms", Math.round(p));
        figures.put("liquibase_165_fast_path_saves_percent", Math.round(saved * 10) / 10.0);
        figures.put("liquibase_165_vs_update_testing_rollback_ratio", Math.round(f / p * 100) / 100.0);
        // one more fast-path run, recorded: where a phase's time goes (three phases per changeset)
        ComponentRecording recording = ComponentRecording.start();
        run(fast, provider);
        recording.stop().forEach((component, total) -> figures.put("liquibase_165_per_phase_ms_" + component,
                Math.round(total.nanos() / 1e6 / (3.0 * CHANGESETS) * 100) / 100.0));
        LongHistoryBenchmark.writeJson(figures);
    }

    /**
     * The restore path on Liquibase: the same changelog with two changesets of every three left without a rollback
     * (raw SQL, as in real changelogs), so those go through restore and re-apply; Liquibase's own {@code update} of
     * the whole changelog is the peer (its {@code update-testing-rollback} cannot run such a changelog).
     */
    @Test
    void restoreAgainstLiquibasesUpdate(@TempDir Path dir) throws Exception {
        System.setProperty("liquibase.analytics.enabled", "false");
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        Path changelog = LiquibaseBenchmark.liquibase(GeneratedHistory.write(dir.resolve("golang"), CHANGESETS),
                dir.resolve("raw"));
        int[] index = {0};
        try (var files = Files.list(changelog.getParent().resolve("changes"))) {
            for (Path f : files.sorted().toList()) {
                if (index[0]++ % 3 != 0) {
                    Files.writeString(f, Files.readString(f).replaceFirst("(?s)/\\* liquibase rollback.*\\*/\n", ""));
                }
            }
        }
        run(changelog, provider);
        update(changelog, provider);
        List<Double> rehearsalMs = new ArrayList<>();
        List<Double> peerMs = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            rehearsalMs.add(run(changelog, provider));
            peerMs.add(update(changelog, provider));
        }
        double r = median(rehearsalMs);
        double p = median(peerMs);
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "generated %d-changeset Liquibase changelog, two"
                        + " thirds without a rollback: round trips (restore and re-apply for those) %.0f ms; Liquibase's"
                        + " own update of it %.0f ms, so %.2fx (goal 6x; medians of %d alternating rounds)%n",
                CHANGESETS, r, p, r / p, ROUNDS));
        // one more run, recorded: where a changeset's time goes, and that every restore was a rollback, not a copy
        ComponentRecording recording = ComponentRecording.start();
        run(changelog, provider);
        Map<String, ComponentRecording.Total> profile = recording.stop();
        long restores = CHANGESETS - (CHANGESETS + 2) / 3;
        assertThat(profile.get("restore.hold")).as("restores by rollback").isNotNull()
                .extracting(ComponentRecording.Total::calls).isEqualTo(restores);
        assertThat(profile).as("no database copied").doesNotContainKey("restore.keep");
        StringBuilder where = new StringBuilder("  where the time goes, ms per changeset:");
        profile.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> where.append(String.format(
                Locale.ROOT, " %s %.2f,", e.getKey(), e.getValue().nanos() / 1e6 / CHANGESETS)));
        RoundTripOverheadBenchmark.write(where.append('\n').toString());
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("liquibase_165_raw_round_trips_ms", Math.round(r));
        figures.put("liquibase_165_raw_update_ms", Math.round(p));
        figures.put("liquibase_165_raw_vs_update_ratio", Math.round(r / p * 100) / 100.0);
        LongHistoryBenchmark.writeJson(figures);
    }

    /** Liquibase's own update of the whole changelog on a fresh database. */
    private static double update(Path changelog, DatabaseProvider provider) throws Exception {
        return timed(changelog, provider, lb -> lb.update(new Contexts(), new LabelExpression()));
    }

    private static double run(Path changelog, DatabaseProvider provider) {
        long t0 = System.nanoTime();
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + changelog)
                .withParallel(1), provider, LiquibaseFastPathBenchmark.class.getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps()).hasSize(CHANGESETS);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    /** Liquibase's own test of a changelog on a fresh database: update, roll everything back, update again. */
    private static double testingRollback(Path changelog, DatabaseProvider provider) throws Exception {
        return timed(changelog, provider, lb -> lb.updateTestingRollback(null, new Contexts(), new LabelExpression()));
    }

    /** A Liquibase command run through its API: not a Rehearsal. */
    private interface LiquibaseCommand {
        void run(Liquibase liquibase) throws Exception;
    }

    /** Milliseconds of {@code command} on a fresh database of {@code provider}, from opening the changelog. */
    private static double timed(Path changelog, DatabaseProvider provider, LiquibaseCommand command) throws Exception {
        try (EphemeralDatabase db = provider.createDatabase(); Connection c = db.dataSource().getConnection()) {
            long t0 = System.nanoTime();
            command.run(new Liquibase(changelog.getFileName().toString(),
                    new DirectoryResourceAccessor(changelog.getParent()),
                    DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c))));
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
