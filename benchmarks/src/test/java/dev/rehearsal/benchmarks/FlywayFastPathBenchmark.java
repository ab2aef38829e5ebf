package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.flyway.FlywayCustomizer;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether Rehearsal's Flyway fast path earns its place: where Flyway would only run SQL scripts and record them,
 * Rehearsal applies the ups itself and writes Flyway's history rows, and makes Flyway's history table with the
 * statements Flyway made it with earlier in the JVM. A customizer that changes nothing turns both off (the team's
 * code may change how Flyway runs scripts), so the same history runs both ways in one JVM: the Flyway sample and a
 * generated 120-migration Flyway history, medians of 3 alternating rounds after a warm-up of each. The fast path is
 * kept only where it saves more than 20% of a round trip.
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
        disabledReason = "a decision's measurement: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
class FlywayFastPathBenchmark {

    private static final int ROUNDS = 3;

    /** Changes nothing; its presence makes every up go through Flyway's own migrate. */
    public static final class ThroughFlyway implements FlywayCustomizer {
        @Override
        public void customize(FluentConfiguration configuration) {
        }
    }

    @Test
    void fastPathAgainstFlywaysOwnMigrate(@TempDir Path dir) throws Exception {
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        ObjectNode figures = new ObjectMapper().createObjectNode();
        compare("flyway_sample", RehearsalSettings.of("classpath:db/migration").withParallel(1), provider, figures);
        Path generated = GeneratedHistory.writeFlyway(dir.resolve("flyway"), 120);
        compare("flyway_generated_120", RehearsalSettings.of("filesystem:" + generated).withParallel(1), provider, figures);
        LongHistoryBenchmark.writeJson(figures);
    }

    private static void compare(String name, RehearsalSettings fast, DatabaseProvider provider, ObjectNode figures)
            throws Exception {
        RehearsalSettings flyway = fast.withTool(fast.tool().withFlywayCustomizer(ThroughFlyway.class.getName()));
        run(fast, provider);
        run(flyway, provider);
        List<Double> fastMs = new ArrayList<>();
        List<Double> flywayMs = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            fastMs.add(run(fast, provider));
            flywayMs.add(run(flyway, provider));
        }
        double f = median(fastMs);
        double w = median(flywayMs);
        double saved = (w - f) / w * 100;
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "%s: round trips with Rehearsal's Flyway fast path"
                + " %.0f ms, through Flyway's own migrate %.0f ms: the fast path saves %.1f%% of a round trip"
                + " (medians of %d alternating rounds)%n", name, f, w, saved, ROUNDS));
        figures.put(name + "_fast_path_ms", Math.round(f));
        figures.put(name + "_through_flyway_ms", Math.round(w));
        figures.put(name + "_fast_path_saves_percent", Math.round(saved * 10) / 10.0);
    }

    private static double run(RehearsalSettings settings, DatabaseProvider provider) {
        long t0 = System.nanoTime();
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider,
                FlywayFastPathBenchmark.class.getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
