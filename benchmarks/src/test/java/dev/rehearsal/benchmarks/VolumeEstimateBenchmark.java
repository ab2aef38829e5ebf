package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.StatementTrace;
import dev.rehearsal.core.locks.Traffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 15's validation: estimates made from rehearsals of at most 200,000 rows against the time measured at
 * 2,000,000 rows, on the embedded server, for a B-tree index build, a backfill UPDATE, an ADD COLUMN with a volatile
 * default (rewrite), a VALIDATE CONSTRAINT and a column type change that rewrites (target: within 35%). The estimates
 * come first, each on its own fresh database; then one database is seeded with 2,000,000 orders once and the same
 * migrations run on it in order, each measured on exactly the state its estimate started from.
 * <p>
 * It takes about two minutes (the backfill alone runs ~25 s at 2,000,000 rows), which would push CI past its
 * 15-minute budget, so it runs when asked: {@code mvn -pl benchmarks test -Dtest=VolumeEstimateBenchmark
 * -Drehearsal.benchmark.estimates=true}.
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.estimates", matches = "true")
class VolumeEstimateBenchmark {

    private static final long PRODUCTION = 2_000_000;
    private static final EstimateSettings SETTINGS = EstimateSettings.DEFAULTS.withSizes(25_000L, 50_000L, 100_000L,
            200_000L).withTimeBudget(Duration.ofMinutes(5));
    private static final Map<String, String> CHECKED = Map.of("2", "B-tree index build", "3", "backfill UPDATE",
            "4", "ADD COLUMN, volatile default (rewrite)", "6", "VALIDATE CONSTRAINT", "7", "type change (rewrite)");

    @Test
    void estimatesFromSmallRehearsalsAgainstTheTimeAtTwoMillionRows() throws Exception {
        RehearsalSettings settings = RehearsalSettings.of("classpath:histories/estimates");
        ProductionVolumes volumes = ProductionVolumes.of(Map.of("orders", PRODUCTION));
        Map<String, VolumeEstimate> estimates = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(),
                getClass().getClassLoader())) {
            for (String version : List.of("2", "3", "4", "6", "7")) {
                estimates.put(version, r.estimate(version, volumes, SETTINGS));
            }
        }
        long estimating = System.nanoTime() - t0;

        Map<String, Duration> measured = new LinkedHashMap<>();
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(),
                getClass().getClassLoader())) {
            r.migrateTo("1");
            r.seed(TableSeed.table("orders").rows(PRODUCTION));
            try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("analyze");
            }
            for (String version : List.of("2", "3", "4", "5", "6", "7")) {
                MigrationRun run = r.migrateTo(version, Traffic.none());
                measured.put(version, run.locks().statements().stream().map(StatementTrace::duration)
                        .reduce(Duration.ZERO, Duration::plus));
            }
        }

        ObjectNode figures = new ObjectMapper().createObjectNode();
        double worst = 0;
        for (Map.Entry<String, VolumeEstimate> e : estimates.entrySet()) {
            VolumeEstimate estimate = e.getValue();
            double likely = estimate.total().likely().toNanos() / 1e6;
            double actual = measured.get(e.getKey()).toNanos() / 1e6;
            double error = (likely - actual) / actual;
            worst = Math.max(worst, Math.abs(error));
            RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "estimate at %,d rows from rehearsals of at most"
                            + " 200,000, %s (%s): %.0f ms (%.0f-%.0f ms), measured %.0f ms, error %+.0f%% (target within"
                            + " 35%%)%n", PRODUCTION, CHECKED.get(e.getKey()), estimate.statements().get(0).model(), likely,
                    estimate.total().low().toNanos() / 1e6, estimate.total().high().toNanos() / 1e6, actual, error * 100));
            figures.put("estimate_error_v" + e.getKey() + "_pct", Math.round(error * 1000) / 10.0);
        }
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "volume estimates: worst error %.0f%%; estimating"
                + " the five migrations took %.1f s%n", worst * 100, estimating / 1e9));
        figures.put("estimate_worst_error_pct", Math.round(worst * 1000) / 10.0);
        figures.put("estimate_five_migrations_s", Math.round(estimating / 1e8) / 10.0);
        LongHistoryBenchmark.writeJson(figures);
    }
}
