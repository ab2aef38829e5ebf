package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Issue 55's first goal: round trips of {@link HeavyHistory} (160 migrations, 100 tables by the end, 3 to 7
 * statements each) within 2x one plain session running the same up, down and up, on the embedded server and on the
 * PostgreSQL server on the machine. Every run keeps a 40-migration version; the full one runs with
 * {@code -Drehearsal.benchmark.all=true}. Each run prints where a phase's time goes, by component.
 */
class HeavyHistoryBenchmark {

    private static final int FULL = 160;
    private static final int SHORT = 40;

    @Test
    void shortHeavyHistoryOnTheEmbeddedServer(@TempDir Path dir) throws Exception {
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        Path history = HeavyHistory.write(dir.resolve("short"), SHORT);
        LongHistoryBenchmark.measure("heavy, warm-up", provider, history, true, RehearsalSettings.PARALLEL_AUTO);
        report("heavy_history_short_embedded", SHORT, "the embedded server",
                LongHistoryBenchmark.measure("heavy", provider, history, true, RehearsalSettings.PARALLEL_AUTO));
    }

    @Test
    @EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
            disabledReason = "the full history: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
    void heavyHistoryOnTheEmbeddedServer(@TempDir Path dir) throws Exception {
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        LongHistoryBenchmark.measure("heavy, warm-up", provider, HeavyHistory.write(dir.resolve("warm-up"), SHORT),
                true, RehearsalSettings.PARALLEL_AUTO);
        Path history = HeavyHistory.write(dir.resolve("full"), FULL);
        report("heavy_history_embedded", FULL, "the embedded server",
                LongHistoryBenchmark.measure("heavy", provider, history, true, RehearsalSettings.PARALLEL_AUTO));
        report("heavy_history_embedded_one_part", FULL, "the embedded server in one part",
                LongHistoryBenchmark.measure("heavy, one part", provider, history, true, 1));
    }

    @Test
    @EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
            disabledReason = "the full history: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
    void heavyHistoryOnANamedServer(@TempDir Path dir) throws Exception {
        LongHistoryBenchmark.assumeServer();
        try (DatabaseProvider provider = DatabaseProviders.server(LongHistoryBenchmark.SERVER, "postgres", null)) {
            LongHistoryBenchmark.measure("heavy, warm-up", provider, HeavyHistory.write(dir.resolve("warm-up"), SHORT),
                    true, RehearsalSettings.PARALLEL_AUTO);
            Path history = HeavyHistory.write(dir.resolve("full"), FULL);
            report("heavy_history_server", FULL, provider.describe(),
                    LongHistoryBenchmark.measure("heavy, server", provider, history, true, RehearsalSettings.PARALLEL_AUTO));
        }
    }

    private static void report(String key, int migrations, String where, LongHistoryBenchmark.Figures run)
            throws IOException {
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "generated heavy %d-migration history on %s:"
                        + " Rehearsal %.0f ms (SQL %d ms, checks %d ms), one plain JDBC session up/down/up %.0f ms,"
                        + " ratio %.2fx (target <= 2x) in %d parts%n  where the time goes, ms per phase: %s%n",
                migrations, where, run.rehearsalMs(), run.sqlMs(), run.checksMs(), run.plainMs(), run.ratio(),
                run.parts(), run.perPhase()));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put(key + "_migrations", migrations);
        figures.put(key + "_rehearsal_ms", Math.round(run.rehearsalMs()));
        figures.put(key + "_plain_jdbc_ms", Math.round(run.plainMs()));
        figures.put(key + "_ratio", Math.round(run.ratio() * 100) / 100.0);
        figures.put(key + "_parts", run.parts());
        LongHistoryBenchmark.writeJson(figures);
    }
}
