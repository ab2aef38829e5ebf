package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.ApplicationQueries;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import dev.rehearsal.core.locks.LockRisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What checking the running application's queries costs (issue 54's goal: a round trip of the Flyway sample with a
 * 1,000-query corpus at most 1.5x the same round trip without one). The corpus is generated over the sample's tables
 * as an application's statistics would hold it: reads of column subsets by key, by foreign key and by range, with
 * and without joins, and one write in ten. Both runs go alternately, twice each, on one provider; the figure is the
 * ratio of the faster run of each. Every query is checked after every up: the run asserts so.
 */
class RunningApplicationBenchmark {

    private static final Path FLYWAY_SAMPLE = Path.of("..", "samples", "flyway-postgres", "src", "main", "resources",
            "db", "migration");
    static final int QUERIES = 1_000;

    @Test
    void aThousandQueriesAgainstTheFlywaySample(@TempDir Path dir) throws IOException {
        Path corpus = Files.writeString(dir.resolve("queries.sql"), String.join(";\n", corpus()) + ";\n");
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        RehearsalSettings plain = RehearsalSettings.of("filesystem:" + FLYWAY_SAMPLE.toAbsolutePath()).withParallel(1);
        // the checks after each phase alone: ApplicationTrafficBenchmark measures the same statements as traffic
        RehearsalSettings checked = plain.withQueries(ApplicationQueries.of(corpus).withoutTraffic());
        Fastest fastest = alternately(plain, checked, provider);
        double without = fastest.baselineMillis();
        double with = fastest.millis();
        Map<String, ComponentRecording.Total> profile = fastest.profile();
        RoundTripReport report = fastest.report();
        assertThat(report.steps().stream().map(s -> s.note()).filter(n -> n.contains("of the running application's"
                + " queries still work") || n.contains(LockRisk.BREAKS_RUNNING_APP))).as(report.toText()).isNotEmpty();
        double checks = profile.containsKey("checks.queries") ? profile.get("checks.queries").nanos() / 1e6 : 0;
        int migrations = report.steps().size();
        double ratio = with / without;
        StringBuilder parts = new StringBuilder();
        profile.entrySet().stream().filter(e -> e.getKey().startsWith("queries."))
                .sorted((a, b) -> Long.compare(b.getValue().nanos(), a.getValue().nanos()))
                .forEach(e -> parts.append(String.format(Locale.ROOT, "; %s %.0f ms (%d)", e.getKey(),
                        e.getValue().nanos() / 1e6, e.getValue().calls())));
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "the running application's queries: the Flyway"
                        + " sample's %d round trips %.0f ms without a corpus, %.0f ms with %,d queries, %.2fx (target:"
                        + " at most 1.5x); checking them %.0f ms, %.1f ms per migration%s%n", migrations, without, with,
                QUERIES, ratio, checks, checks / migrations, parts));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("running_app_queries_ms", Math.round(with));
        figures.put("running_app_plain_ms", Math.round(without));
        figures.put("running_app_ratio", Math.round(ratio * 100) / 100.0);
        figures.put("running_app_check_ms_per_migration", Math.round(checks / migrations * 10) / 10.0);
        LongHistoryBenchmark.writeJson(figures);
    }

    /**
     * The faster of two runs of each, alternately after one to warm up (one of each, without the warm-up, in the
     * README's test command: {@link MeasuredRounds}): the measured one's report and profile.
     */
    record Fastest(double baselineMillis, double millis, Map<String, ComponentRecording.Total> profile,
                   RoundTripReport report) {
    }

    static Fastest alternately(RehearsalSettings baseline, RehearsalSettings measured, DatabaseProvider provider) {
        if (MeasuredRounds.warmUp()) {
            run(baseline, provider);
        }
        double without = Double.MAX_VALUE;
        double with = Double.MAX_VALUE;
        Map<String, ComponentRecording.Total> profile = Map.of();
        RoundTripReport report = null;
        for (int i = 0; i < MeasuredRounds.of(2); i++) {
            long t0 = System.nanoTime();
            run(baseline, provider);
            without = Math.min(without, (System.nanoTime() - t0) / 1e6);
            ComponentRecording recording = ComponentRecording.start();
            t0 = System.nanoTime();
            RoundTripReport r = run(measured, provider);
            double ms = (System.nanoTime() - t0) / 1e6;
            Map<String, ComponentRecording.Total> p = recording.stop();
            if (ms < with) {
                with = ms;
                profile = p;
                report = r;
            }
        }
        return new Fastest(without, with, profile, report);
    }

    static RoundTripReport run(RehearsalSettings settings, DatabaseProvider provider) {
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider,
                RunningApplicationBenchmark.class.getClassLoader())) {
            return r.runRoundTrips();
        }
    }

    /** {@value #QUERIES} distinct statements over the sample's customers, products and orders. */
    static List<String> corpus() {
        String[][] tables = {
                {"customers", "id", "email", "full_name", "created_at"},
                {"products", "id", "sku", "name", "price"},
                {"orders", "id", "customer_id", "created_at", "status"}};
        List<String> queries = new ArrayList<>();
        int n = 0;
        while (queries.size() < QUERIES) {
            String[] t = tables[n % tables.length];
            int variant = n / tables.length;
            String columns = t[1] + ", " + t[2 + variant % 3] + (variant % 2 == 0 ? ", " + t[2 + (variant + 1) % 3] : "");
            switch (n % 10) {
                case 0 -> queries.add("insert into customers (email, full_name) values ($1, $2) returning id /* " + n + " */");
                case 1 -> queries.add("update orders set status = $1 where id = $2 and " + n + " = " + n);
                default -> queries.add("select " + columns + " from " + t[0] + " where " + t[1] + " > $1 order by " + t[1]
                        + " limit " + (n % 97 + 1));
            }
            n++;
        }
        return queries;
    }
}
