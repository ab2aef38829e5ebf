package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What restore and re-apply costs, the rehearsal of migrations without a down script (issue 17's goal: at most one
 * template copy per migration, in milliseconds). The generated history, seeded with 1,000 rows per table, runs once
 * with its down scripts and once without them (restore, a forced failure, up again on the copy), in one run; the
 * figures are the two totals, their ratio, the copy's cost per migration (keeping it and swapping it in), and what
 * generating and verifying an undo script adds (goal: at most doubling a migration's round trip).
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
        disabledReason = "a closed issue's figure: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
class RestoreBenchmark {

    private static final int MIGRATIONS = 3 * GeneratedHistory.STEPS;
    private static final int ROWS = 1000;

    @Test
    void restoreAndReapplyAgainstDownScripts(@TempDir Path dir) throws IOException {
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        Path withDowns = GeneratedHistory.write(dir.resolve("with-downs"), MIGRATIONS);
        Path withoutDowns = withoutDownScripts(GeneratedHistory.write(dir.resolve("without-downs"), MIGRATIONS));
        // the backfills cannot be undone once rows exist (PlantedDefectsBenchmark shows it reported): declared
        String[] backfills = IntStream.range(0, MIGRATIONS / GeneratedHistory.STEPS)
                .mapToObj(e -> String.valueOf(e * GeneratedHistory.STEPS + 10)).toArray(String[]::new);
        DataSettings seeded = DataSettings.DEFAULTS.withRoundTripSeeding(ROWS).declareLossy(backfills);
        RehearsalSettings downs = RehearsalSettings.of("filesystem:" + withDowns).withFormat("golang-migrate")
                .withData(seeded);
        RehearsalSettings restores = RehearsalSettings.of("filesystem:" + withoutDowns).withFormat("golang-migrate")
                .withData(seeded);
        // warm-up: the first STEPS migrations, restored, are every kind of step the measured runs take
        Path warmUp = withoutDownScripts(GeneratedHistory.write(dir.resolve("warm-up"), GeneratedHistory.STEPS));
        run(RehearsalSettings.of("filesystem:" + warmUp).withFormat("golang-migrate")
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(ROWS).declareLossy(backfills[0])), provider);
        ComponentRecording recording = ComponentRecording.start();
        long t0 = System.nanoTime();
        run(downs, provider);
        double downMs = (System.nanoTime() - t0) / 1e6;
        Map<String, ComponentRecording.Total> downProfile = recording.stop();
        recording = ComponentRecording.start();
        t0 = System.nanoTime();
        RoundTripReport report = run(restores, provider);
        double restoreMs = (System.nanoTime() - t0) / 1e6;
        Map<String, ComponentRecording.Total> profile = recording.stop();
        assertThat(report.steps()).allSatisfy(s -> assertThat(s.phase(PhaseResult.Phase.RESTORE))
                .hasValueSatisfying(p -> assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED)));
        double copyMs = millis(profile, "restore.keep") / MIGRATIONS;
        double swapMs = millis(profile, "restore.switch") / MIGRATIONS;
        double forcedMs = millis(profile, "restore.forced") / MIGRATIONS;
        double undoMs = millis(profile, "undo.generated") / MIGRATIONS;
        double ratio = restoreMs / downMs;
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "restore and re-apply (no down scripts, %d rows"
                        + " per table) of a %d-migration generated history: %.0f ms; the same with down scripts %.0f ms,"
                        + " ratio %.2fx; per migration: template copy %.1f ms, swapping it in %.1f ms, forced failure"
                        + " %.1f ms (target: one copy per migration, milliseconds); generating and verifying an undo"
                        + " script %.1f ms, %.0f%% of the round trip without it (target: at most 100%%)%n", ROWS,
                MIGRATIONS, restoreMs, downMs, ratio, copyMs, swapMs, forcedMs, undoMs,
                100 * undoMs / (restoreMs / MIGRATIONS - undoMs)));
        StringBuilder where = new StringBuilder("  where the time goes, ms per migration (restore / down scripts):");
        Set<String> components = new TreeSet<>(profile.keySet());
        components.addAll(downProfile.keySet());
        for (String component : components) {
            where.append(String.format(Locale.ROOT, " %s %.1f/%.1f,", component, millis(profile, component) / MIGRATIONS,
                    millis(downProfile, component) / MIGRATIONS));
        }
        RoundTripOverheadBenchmark.write(where.append('\n').toString());
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("restore_round_trip_ms", Math.round(restoreMs));
        figures.put("restore_down_scripts_round_trip_ms", Math.round(downMs));
        figures.put("restore_vs_down_scripts_ratio", Math.round(ratio * 100) / 100.0);
        figures.put("restore_copy_ms_per_migration", Math.round(copyMs * 10) / 10.0);
        figures.put("restore_swap_ms_per_migration", Math.round(swapMs * 10) / 10.0);
        figures.put("restore_forced_failure_ms_per_migration", Math.round(forcedMs * 10) / 10.0);
        figures.put("generated_undo_ms_per_migration", Math.round(undoMs * 10) / 10.0);
        LongHistoryBenchmark.writeJson(figures);
    }

    private static double millis(Map<String, ComponentRecording.Total> profile, String component) {
        ComponentRecording.Total total = profile.get(component);
        return total == null ? 0 : total.nanos() / 1e6;
    }

    private static RoundTripReport run(RehearsalSettings settings, DatabaseProvider provider) {
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider,
                RestoreBenchmark.class.getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            return report;
        }
    }

    /** Deletes the history's down scripts, so that every migration is rehearsed by restore and re-apply. */
    private static Path withoutDownScripts(Path history) throws IOException {
        try (Stream<Path> files = Files.list(history)) {
            for (Path down : files.filter(f -> f.toString().endsWith(".down.sql")).toList()) {
                Files.delete(down);
            }
        }
        return history;
    }
}
