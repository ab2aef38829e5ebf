package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.report.HeadlessChromium;
import dev.rehearsal.core.report.ReportFormat;
import dev.rehearsal.core.report.ReportWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Long histories, the speed goal of the roadmap: a generated realistic history ({@link GeneratedHistory}) rehearsed
 * up, down and up again with default settings (tracing and probes on), against one plain JDBC session running the
 * same up, down and up scripts, each in its own transaction as psql -1 would. Measured in one run, alternating,
 * on the embedded server and on the machine's PostgreSQL server; also the time per migration of a short and a long
 * history (is the cost linear?) and the heap after the long one. Figures go to target/benchmarks.txt and, by
 * name, to target/benchmarks.json.
 */
class LongHistoryBenchmark {

    private static final int LONG = 300;
    private static final int SHORT = 50;
    /** The linearity goal compares the cost per migration at this length with that at {@link #SHORT}. */
    private static final int LONGEST = 500;
    /** The Flyway history's length: three parts' worth where the machine has the processors for them. */
    private static final int FLYWAY = 120;
    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/postgres";

    @Test
    @EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
            disabledReason = "a profile of eight runs: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
    void longHistoryOnTheEmbeddedServer(@TempDir Path dir) throws Exception {
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        measure("embedded", provider, GeneratedHistory.write(dir.resolve("warm-up"), 2 * GeneratedHistory.STEPS));
        Path longHistory = GeneratedHistory.write(dir.resolve("long"), LONG);
        // both ways warmed up alike: on 2 cores the JIT compiler threads of a young JVM take a core's worth of time
        // for several seconds, which a run in parallel parts feels more than one in one part
        measure("embedded", provider, longHistory, true, 1);
        measure("embedded", provider, longHistory);
        // the cost per phase and its growth are measured in one part (rehearsal.parallel=1); the headline ratio with
        // the default settings, which run a long history in parallel parts
        Figures shortRun = measure("embedded", provider, GeneratedHistory.write(dir.resolve("short"), SHORT), true, 1);
        Figures longRun = measure("embedded", provider, longHistory);
        Figures onePart = measure("embedded, one part", provider, longHistory, true, 1);
        Figures untraced = measure("embedded, untraced", provider, longHistory, false, 1);
        Figures longestRun = measure("embedded", provider, GeneratedHistory.write(dir.resolve("longest"), LONGEST),
                true, 1);
        System.gc();
        long heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1024 * 1024);
        double linearity = longestRun.perMigrationMs() / shortRun.perMigrationMs();
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "generated %d-migration history on the embedded"
                        + " server: Rehearsal %.0f ms (SQL %d ms, checks %d ms), one plain JDBC session up/down/up %.0f ms,"
                        + " ratio %.1fx (target <= 2x) in %d parts at once; in one part (rehearsal.parallel=1) %.0f ms, ratio"
                        + " %.1fx; per migration %.0f ms at %d and %.0f ms at %d migrations"
                        + " (%.2fx, target <= 1.1x); heap after the %d-migration run %d MB; in one part with lock tracing"
                        + " and probes off %.0f ms (SQL %d ms, checks %d ms), ratio %.1fx%n", LONG, longRun.rehearsalMs,
                longRun.sqlMs, longRun.checksMs, longRun.plainMs, longRun.ratio(), longRun.parts, onePart.rehearsalMs,
                onePart.rehearsalMs / longRun.plainMs, shortRun.perMigrationMs(), SHORT,
                longestRun.perMigrationMs(), LONGEST, linearity, LONGEST, heapMb, untraced.rehearsalMs, untraced.sqlMs,
                untraced.checksMs, untraced.rehearsalMs / longRun.plainMs));
        // what a phase costs above the plain session's, in time: the ratio's other reading, which does not move with
        // the weight of the migrations themselves (one part, so that phases do not overlap)
        double overheadPerPhase = (onePart.rehearsalMs - longRun.plainMs) / (3.0 * LONG);
        double plainPerPhase = longRun.plainMs / (3.0 * LONG);
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "  cost per phase above one plain session's, in one"
                + " part: %.2f ms traced, %.2f ms untraced (the plain session's phase %.2f ms)%n", overheadPerPhase,
                (untraced.rehearsalMs - longRun.plainMs) / (3.0 * LONG), plainPerPhase));
        RoundTripOverheadBenchmark.write("  where the time goes, ms per phase (traced, one part): " + onePart.perPhase()
                + "\n");
        // in parts, the database here is brought to the last version after the parts' steps: what of that still runs
        // after the last part's last step, when one core has nothing left to do, against what ran while waiting
        long catchUpAfterMs = Math.round(millis(longRun.profile(), "parts.catch-up"));
        long catchUpWaitingMs = Math.round(millis(longRun.profile(), "parts.catch-up (while waiting)"));
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "  in %d parts, catching the database here up with"
                + " the later parts: %d ms after the last step, %d ms while waiting for a part's next step%n",
                longRun.parts, catchUpAfterMs, catchUpWaitingMs));
        htmlReport(longRun);
        RoundTripOverheadBenchmark.write("  where the time goes, ms per phase (untraced): " + untraced.perPhase() + "\n");
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("long_history_embedded_migrations", LONG);
        figures.put("long_history_embedded_rehearsal_ms", Math.round(longRun.rehearsalMs));
        figures.put("long_history_embedded_sql_ms", longRun.sqlMs);
        figures.put("long_history_embedded_checks_ms", longRun.checksMs);
        figures.put("long_history_embedded_plain_jdbc_ms", Math.round(longRun.plainMs));
        figures.put("long_history_embedded_ratio", round(longRun.ratio()));
        figures.put("long_history_embedded_parts", longRun.parts);
        figures.put("long_history_embedded_one_part_rehearsal_ms", Math.round(onePart.rehearsalMs));
        figures.put("long_history_embedded_one_part_ratio", round(onePart.rehearsalMs / longRun.plainMs));
        figures.put("per_migration_ratio_" + LONGEST + "_to_" + SHORT, round(linearity));
        figures.put("heap_after_long_history_mb", heapMb);
        figures.put("long_history_embedded_untraced_rehearsal_ms", Math.round(untraced.rehearsalMs));
        figures.put("long_history_embedded_untraced_ratio", round(untraced.rehearsalMs / longRun.plainMs));
        figures.put("long_history_embedded_overhead_ms_per_phase", round(overheadPerPhase));
        figures.put("long_history_embedded_untraced_overhead_ms_per_phase",
                round((untraced.rehearsalMs - longRun.plainMs) / (3.0 * LONG)));
        figures.put("long_history_embedded_plain_ms_per_phase", round(plainPerPhase));
        figures.put("long_history_embedded_parts_catch_up_after_ms", catchUpAfterMs);
        figures.put("long_history_embedded_parts_catch_up_while_waiting_ms", catchUpWaitingMs);
        onePart.profile().forEach((component, total) -> figures.put("long_history_embedded_per_phase_ms_" + component,
                round(total.nanos() / 1e6 / (3.0 * LONG))));
        writeJson(figures);
    }

    /**
     * The generated history as a Flyway location ({@code V}/{@code U} scripts), in parallel parts (the default) and in
     * one part, on the embedded server; shorter than {@link #LONG}, as it only shows what parts do for Flyway. Run on
     * request (~20 s on the CI machine, whose whole suite is near its 15 minutes).
     */
    @Test
    @EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
            disabledReason = "run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
    void flywayHistoryInParts(@TempDir Path dir) throws Exception {
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        RehearsalSettings flyway = RehearsalSettings.of("filesystem:" + GeneratedHistory.writeFlyway(dir, FLYWAY));
        measure("flyway", provider, flyway, true, RehearsalSettings.PARALLEL_AUTO); // warm-up (parts and one part)
        Figures run = measure("flyway", provider, flyway, true, RehearsalSettings.PARALLEL_AUTO);
        Figures onePart = measure("flyway, one part", provider, flyway, true, 1);
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "generated %d-migration history as Flyway scripts"
                        + " on the embedded server: Rehearsal %.0f ms, one plain JDBC session up/down/up %.0f ms, ratio"
                        + " %.1fx in %d parts at once; in one part %.0f ms, ratio %.1fx%n", FLYWAY, run.rehearsalMs,
                run.plainMs, run.ratio(), run.parts, onePart.rehearsalMs, onePart.rehearsalMs / run.plainMs));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("flyway_history_migrations", FLYWAY);
        figures.put("flyway_history_rehearsal_ms", Math.round(run.rehearsalMs));
        figures.put("flyway_history_plain_jdbc_ms", Math.round(run.plainMs));
        figures.put("flyway_history_ratio", round(run.ratio()));
        figures.put("flyway_history_parts", run.parts);
        figures.put("flyway_history_one_part_ratio", round(onePart.rehearsalMs / run.plainMs));
        writeJson(figures);
    }

    @Test
    @EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
            disabledReason = "the library's view of the server row, which CommandLinePeerBenchmark measures from the"
                    + " command line on every CI run: run with -Drehearsal.benchmark.all=true")
    void longHistoryOnANamedServer(@TempDir Path dir) throws Exception {
        assumeServer();
        try (DatabaseProvider provider = DatabaseProviders.server(SERVER, "postgres", null)) {
            measure("server", provider, GeneratedHistory.write(dir.resolve("warm-up"), GeneratedHistory.STEPS));
            Path history = GeneratedHistory.write(dir.resolve("long"), LONG);
            Figures run = measure("server", provider, history);
            Figures onePart = measure("server, one part", provider, history, true, 1);
            RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "generated %d-migration history on %s:"
                            + " Rehearsal %.0f ms (SQL %d ms, checks %d ms), one plain JDBC session up/down/up %.0f ms,"
                            + " ratio %.1fx (target <= 2x) in %d parts at once; in one part %.0f ms, ratio %.1fx%n", LONG,
                    provider.describe(), run.rehearsalMs, run.sqlMs, run.checksMs, run.plainMs, run.ratio(), run.parts,
                    onePart.rehearsalMs, onePart.rehearsalMs / run.plainMs));
            ObjectNode figures = new ObjectMapper().createObjectNode();
            figures.put("long_history_server_rehearsal_ms", Math.round(run.rehearsalMs));
            figures.put("long_history_server_plain_jdbc_ms", Math.round(run.plainMs));
            figures.put("long_history_server_ratio", round(run.ratio()));
            figures.put("long_history_server_one_part_ratio", round(onePart.rehearsalMs / run.plainMs));
            writeJson(figures);
        }
    }

    /** Skips the test where no PostgreSQL server answers at {@link #SERVER} ({@code .ci/setup.sh} starts one). */
    static void assumeServer() {
        DriverManager.setLoginTimeout(5);
        try (Connection ignored = DriverManager.getConnection(SERVER, "postgres", null)) {
            // reachable
        } catch (SQLException e) {
            assumeTrue(false, "no PostgreSQL server at " + SERVER + " (" + e.getMessage() + "): bash .ci/setup.sh starts it");
        }
    }

    /** Drops {@code name} (a database a benchmark made, such as a kept base) from {@link #SERVER}; null: nothing. */
    static void dropDatabase(String name) throws SQLException {
        if (name != null) {
            try (Connection c = DriverManager.getConnection(SERVER, "postgres", null);
                 Statement st = c.createStatement()) {
                st.execute("drop database if exists " + name + " with (force)");
            }
        }
    }

    /**
     * JDBC statements per migration of a round trip with tracing and probes off (their polling is timed, so it would
     * make the count move with the machine): the tool's scripts and version table, snapshots, data checks. The speed
     * work wants it small and the same for a short and a long history.
     */
    @Test
    void statementsPerMigration(@TempDir Path dir) throws Exception {
        CountingProvider provider = new CountingProvider(DatabaseProviders.embeddedPostgres());
        double[] perMigration = new double[2];
        double[] connectionsPerMigration = new double[2];
        int[] lengths = {GeneratedHistory.STEPS * 2, GeneratedHistory.STEPS * 8};
        for (int i = 0; i < lengths.length; i++) {
            RehearsalSettings settings = RehearsalSettings.of("filesystem:"
                    + GeneratedHistory.write(dir.resolve("h" + i), lengths[i])).withFormat("golang-migrate");
            settings = settings.withLocks(settings.locks().withObservation(false, false)).withParallel(1);
            long before = provider.statements();
            long connectionsBefore = provider.connections();
            try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, getClass().getClassLoader())) {
                RoundTripReport report = r.runRoundTrips();
                assertThat(report.failed()).as(report.toText()).isFalse();
            }
            perMigration[i] = (double) (provider.statements() - before) / lengths[i];
            connectionsPerMigration[i] = (double) (provider.connections() - connectionsBefore) / lengths[i];
            assertThat(perMigration[i]).as("statements were counted").isPositive();
        }
        // a count, not a time: the same on a busy machine, so it can hold CI to the linear goal
        assertThat(perMigration[1]).as("JDBC statements per migration at %d migrations against %d at %d: a phase"
                        + " must not cost more round trips as the history grows", lengths[1], Math.round(perMigration[0]),
                lengths[0]).isLessThanOrEqualTo(perMigration[0] * 1.05);
        assertThat(connectionsPerMigration[1]).as("pooled connections per migration at %d migrations against %d at %d",
                lengths[1], Math.round(connectionsPerMigration[0]), lengths[0])
                .isLessThanOrEqualTo(connectionsPerMigration[0] * 1.05);
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "JDBC statements per migration of a round trip"
                        + " (tracing and probes off): %.1f at %d migrations, %.1f at %d (target: small, the same at"
                        + " both); connections taken from the pool per migration (each one handed back is reset, a"
                        + " round trip): %.1f and %.1f%n", perMigration[0], lengths[0], perMigration[1], lengths[1],
                connectionsPerMigration[0], connectionsPerMigration[1]));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("statements_per_migration_" + lengths[0], round(perMigration[0]));
        figures.put("statements_per_migration_" + lengths[1], round(perMigration[1]));
        figures.put("connections_per_migration_" + lengths[0], round(connectionsPerMigration[0]));
        figures.put("connections_per_migration_" + lengths[1], round(connectionsPerMigration[1]));
        writeJson(figures);
    }

    /**
     * One rehearsal of the history with the default settings, then the same SQL through one plain session, on
     * databases of {@code provider}.
     */
    private static Figures measure(String where, DatabaseProvider provider, Path history) throws SQLException {
        return measure(where, provider, history, true, RehearsalSettings.PARALLEL_AUTO);
    }

    /**
     * As above; {@code observed} false turns lock tracing and probes off, to show their share; {@code parallel} is
     * {@code rehearsal.parallel} (1: one part, whose profile is the cost per phase).
     */
    static Figures measure(String where, DatabaseProvider provider, Path history, boolean observed,
                                   int parallel) throws SQLException {
        return measure(where, provider, RehearsalSettings.of("filesystem:" + history).withFormat("golang-migrate"),
                observed, parallel);
    }

    /** As above, for the history {@code base} names (its location and layout). */
    private static Figures measure(String where, DatabaseProvider provider, RehearsalSettings base, boolean observed,
                                   int parallel) throws SQLException {
        RehearsalSettings settings = base.withParallel(parallel);
        settings = settings.withLocks(settings.locks().withObservation(observed, observed));
        ComponentRecording recording = ComponentRecording.start();
        long t0 = System.nanoTime();
        RoundTripReport report;
        List<Migration> migrations;
        int parts;
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, LongHistoryBenchmark.class.getClassLoader())) {
            migrations = r.history().versioned();
            report = r.runRoundTrips();
            parts = r.parallelParts();
        }
        double rehearsalMs = (System.nanoTime() - t0) / 1e6;
        Map<String, ComponentRecording.Total> profile = recording.stop();
        assertThat(report.failed()).as(where + ": " + report.toText()).isFalse();

        t0 = System.nanoTime();
        RoundTripOverheadBenchmark.plainRoundTrips(provider, migrations);
        double plainMs = (System.nanoTime() - t0) / 1e6;
        return new Figures(migrations.size(), rehearsalMs, report.sqlTime().toMillis(), report.checkTime().toMillis(),
                plainMs, profile, report, migrations, parts);
    }

    /** The milliseconds {@code component} took in a profile, 0 where it did not run. */
    static double millis(Map<String, ComponentRecording.Total> profile, String component) {
        ComponentRecording.Total total = profile.get(component);
        return total == null ? 0 : total.nanos() / 1e6;
    }

    record Figures(int migrations, double rehearsalMs, long sqlMs, long checksMs, double plainMs,
                           Map<String, ComponentRecording.Total> profile, RoundTripReport report, List<Migration> history,
                           int parts) {
        double ratio() {
            return rehearsalMs / plainMs;
        }

        double perMigrationMs() {
            return rehearsalMs / migrations;
        }

        /** Milliseconds per phase (three per migration) by component, and what no component accounts for. */
        String perPhase() {
            double phases = 3.0 * migrations;
            StringBuilder sb = new StringBuilder();
            long accounted = 0;
            for (Map.Entry<String, ComponentRecording.Total> e : profile.entrySet()) {
                if (!e.getKey().contains("(in ")) {
                    accounted += e.getValue().nanos();
                }
                sb.append(String.format(Locale.ROOT, "%s %.2f (%.1f calls), ", e.getKey(), e.getValue().nanos() / 1e6 / phases, e.getValue().calls() / phases));
            }
            double plainPerPhase = plainMs / phases;
            return sb.append(String.format(Locale.ROOT, "other %.2f; one plain session %.2f ms per phase",
                    (rehearsalMs - accounted / 1e6) / phases, plainPerPhase)).toString();
        }
    }

    /**
     * Issue 16's goals for the HTML report of the traced 300-migration run: under 5 MB, and open in Chromium in under
     * 2 s (from navigation start to the end of the load event, measured by the page itself in headless Chromium).
     */
    private static void htmlReport(Figures run) throws Exception {
        long t0 = System.nanoTime();
        String html = ReportWriter.of(run.report(),
                new MigrationHistory("generated", run.history(), List.of()), Path.of(""))
                .render(ReportFormat.HTML);
        double renderMs = (System.nanoTime() - t0) / 1e6;
        Path page = Path.of("target", "long-history.html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        double megabytes = Files.size(page) / (1024.0 * 1024.0);
        String dom = HeadlessChromium.measure(page, "svg.timeline");
        Matcher load = Pattern.compile("data-load-ms=\"(\\d+)\"").matcher(dom);
        assertThat(load.find()).as("the page measured its load").isTrue();
        long loadMs = Long.parseLong(load.group(1));
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "HTML report of the %d-migration run: %.2f MB"
                + " (target < 5 MB), rendered in %.0f ms, loaded in headless Chromium in %d ms (target < 2000 ms)%n",
                run.migrations(), megabytes, renderMs, loadMs));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("html_report_" + run.migrations() + "_migrations_mb", round(megabytes));
        figures.put("html_report_" + run.migrations() + "_migrations_load_ms", loadMs);
        figures.put("html_report_" + run.migrations() + "_migrations_render_ms", Math.round(renderMs));
        writeJson(figures);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** Merges named figures into target/benchmarks.json (one object; a later run of a figure replaces it). */
    static synchronized void writeJson(ObjectNode figures) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        Path out = Path.of("target", "benchmarks.json");
        ObjectNode all = Files.exists(out) ? (ObjectNode) mapper.readTree(out.toFile()) : mapper.createObjectNode();
        all.setAll(figures);
        Files.createDirectories(out.getParent());
        mapper.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), all);
    }
}
