package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 79's goal: a 60-migration dbmate history in which one migration in ten cannot run in one transaction (a
 * concurrent index rebuilt safely: {@code DROP INDEX CONCURRENTLY IF EXISTS}, then {@code CREATE INDEX CONCURRENTLY}),
 * rehearsed with its retries at most 1.3x the same history with {@code rehearsal.retry=false}. Runs alternate, twice
 * each, on the embedded PostgreSQL, and again on the machine's PostgreSQL server, where each point a retry rehearses
 * starts from a copy of the database made and dropped by the server; the figure is the ratio of the faster run of
 * each. The run asserts that every retry phase ran and passed.
 */
class RetryBenchmark {

    private static final int MIGRATIONS = 60;

    @Test
    void oneMigrationInTenStoppedPartWayAndRetried(@TempDir Path dir) throws IOException {
        measure(dir, DatabaseProviders.embeddedPostgres(), "retry_history", "");
    }

    @Test
    void theSameOnTheMachinesServer(@TempDir Path dir) throws IOException {
        LongHistoryBenchmark.assumeServer();
        try (DatabaseProvider server = DatabaseProviders.postgresServer(LongHistoryBenchmark.SERVER, "postgres", null)) {
            measure(dir, server, "retry_history_server", " on the machine's server");
        }
    }

    /** Both runs, alternately, on {@code provider}; figures under {@code key}, {@code where} said in the text. */
    private static void measure(Path dir, DatabaseProvider provider, String key, String where) throws IOException {
        for (int i = 1; i <= MIGRATIONS; i++) {
            Files.writeString(dir.resolve(String.format(Locale.ROOT, "2024%010d_step.sql", i)), migration(i));
        }
        RehearsalSettings base = RehearsalSettings.of("filesystem:" + dir);
        RehearsalSettings off = base.withTool(base.tool().withRetry(false));
        RunningApplicationBenchmark.Fastest fastest = RunningApplicationBenchmark.alternately(off, base, provider);
        RoundTripReport report = fastest.report();
        long retries = report.steps().stream().flatMap(s -> s.phases().stream())
                .filter(p -> p.phase() == PhaseResult.Phase.RETRY).peek(p -> assertThat(p.status())
                        .as(report.toText()).isEqualTo(PhaseResult.Status.PASSED)).count();
        assertThat(retries).as(report.toText()).isEqualTo(MIGRATIONS / 10);
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(report.toText()).as("every point reached").doesNotContain("not rehearsed")
                .contains("cancelled while it builds: left index t");
        double ratio = fastest.millis() / fastest.baselineMillis();
        ComponentRecording without = ComponentRecording.start();
        RunningApplicationBenchmark.run(off, provider);
        Map<String, ComponentRecording.Total> baselineProfile = without.stop();
        Map<String, ComponentRecording.Total> profile = fastest.profile();
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "retries%s: a %d-migration dbmate history, one in"
                        + " ten without a transaction, %.0f ms with its %d retry phases, %.0f ms with"
                        + " rehearsal.retry=false, %.2fx (target: at most 1.3x); components with retries: %s; without: %s%n",
                where, MIGRATIONS, fastest.millis(), retries, fastest.baselineMillis(), ratio, components(profile),
                components(baselineProfile)));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put(key + "_ms", Math.round(fastest.millis()));
        figures.put(key + "_off_ms", Math.round(fastest.baselineMillis()));
        figures.put(key + "_ratio", Math.round(ratio * 100) / 100.0);
        LongHistoryBenchmark.writeJson(figures);
    }

    /** The components by time, {@code name 123 ms}, largest first. */
    private static String components(Map<String, ComponentRecording.Total> profile) {
        return String.join(", ", profile.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().nanos(), a.getValue().nanos()))
                .map(e -> String.format(Locale.ROOT, "%s %.0f ms", e.getKey(), e.getValue().nanos() / 1e6)).toList());
    }

    /**
     * Tables with two columns added to each; every tenth migration indexes the last table concurrently, dropping what a
     * cancelled build left first (retry-safe, so that every point runs to its end).
     */
    private static String migration(int i) {
        int j = i - i / 10; // the ordinary migrations so far
        int table = (j + 2) / 3;
        if (i % 10 == 0) {
            return "-- migrate:up transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS t" + table + "_idx;\n"
                    + "CREATE INDEX CONCURRENTLY t" + table + "_idx ON t" + table + " (id);\n\n"
                    + "-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS t" + table + "_idx;\n";
        }
        if (j % 3 == 1) {
            return "-- migrate:up\nCREATE TABLE t" + table + " (id bigint PRIMARY KEY, name text);\n\n"
                    + "-- migrate:down\nDROP TABLE t" + table + ";\n";
        }
        return "-- migrate:up\nALTER TABLE t" + table + " ADD COLUMN c" + i + " int;\n\n"
                + "-- migrate:down\nALTER TABLE t" + table + " DROP COLUMN c" + i + ";\n";
    }
}
