package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.timing.ComponentRecording;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A helper-driven tool's rehearsal against the tool's own in-process loop over the same history on the same server
 * (each migration up, down and up again, one process, one connection), both from process start, alternating,
 * medians: the measurement the Django and Knex benchmarks share.
 */
final class HelperLoop {

    /** The peer: a command run in the project's folder, the database's details given to it. */
    interface Peer {
        List<String> command(ConnectionDetails database);
    }

    private HelperLoop() {
    }

    /**
     * Measures and writes the figures {@code <tool>_<migrations>_rehearsal_ms}, {@code _loop_ms} and
     * {@code _vs_loop_ratio}, and the profile by component; {@code loopWhat} says what the peer does.
     */
    static ObjectNode measure(String tool, String loopWhat, int migrations, int rounds, Path project,
                              RehearsalSettings settings, Peer peer, Map<String, String> environment) throws Exception {
        return measure(tool, loopWhat, migrations, rounds, project, settings, peer, null, environment);
    }

    /**
     * The same, with a second loop measured in the same alternating rounds: the tool's own loop with a new client
     * and session for each step, as a deploy that runs the tool once per migration has ({@code _fresh_loop_ms},
     * {@code _vs_fresh_loop_ratio}); none where {@code freshPeer} is null.
     */
    static ObjectNode measure(String tool, String loopWhat, int migrations, int rounds, Path project,
                              RehearsalSettings settings, Peer peer, Peer freshPeer, Map<String, String> environment)
            throws Exception {
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        if (MeasuredRounds.warmUp()) { // of each
            rehearse(provider, settings, migrations);
            run(provider, project, peer, environment);
            if (freshPeer != null) {
                run(provider, project, freshPeer, environment);
            }
        }
        List<Double> rehearsal = new ArrayList<>();
        List<Double> loop = new ArrayList<>();
        List<Double> freshLoop = new ArrayList<>();
        Map<String, ComponentRecording.Total> profile = Map.of();
        for (int round = 0; round < rounds; round++) {
            ComponentRecording recording = ComponentRecording.start();
            rehearsal.add(rehearse(provider, settings, migrations));
            profile = recording.stop();
            loop.add(run(provider, project, peer, environment));
            if (freshPeer != null) {
                freshLoop.add(run(provider, project, freshPeer, environment));
            }
        }
        double r = median(rehearsal);
        double p = median(loop);
        double phases = 3.0 * migrations;
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "generated %d-migration %s history, embedded"
                + " server: Rehearsal through the project's %s %.0f ms, %s (one process, one connection; up, down, up"
                + " per migration) %.0f ms: %.2fx, %.1f ms more per phase (medians of %d; rounds %s against %s)%n",
                migrations, tool, tool, r, loopWhat, p, r / p, (r - p) / phases, rounds, rehearsal, loop));
        if (freshPeer != null) {
            double fresh = median(freshLoop);
            RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "  the same loop with a new client and session"
                    + " for each step %.0f ms: Rehearsal %.2fx of it, %.1f ms more per phase (rounds %s)%n", fresh,
                    r / fresh, (r - fresh) / phases, freshLoop));
        }
        StringBuilder where = new StringBuilder("  where the time goes, ms per phase (last round): ");
        profile.forEach((component, total) -> where.append(String.format(Locale.ROOT, "%s %.2f, ", component,
                total.nanos() / 1e6 / phases)));
        RoundTripOverheadBenchmark.write(where.append(String.format(Locale.ROOT, "the loop's whole run %.2f%n",
                p / phases)).toString());
        ObjectNode figures = new ObjectMapper().createObjectNode();
        String key = tool.toLowerCase(Locale.ROOT) + "_" + migrations;
        figures.put(key + "_rehearsal_ms", Math.round(r));
        figures.put(key + "_loop_ms", Math.round(p));
        figures.put(key + "_vs_loop_ratio", Math.round(r / p * 100) / 100.0);
        figures.put(key + "_overhead_per_phase_ms", Math.round((r - p) / phases * 10) / 10.0);
        if (freshPeer != null) {
            figures.put(key + "_fresh_loop_ms", Math.round(median(freshLoop)));
            figures.put(key + "_vs_fresh_loop_ratio", Math.round(r / median(freshLoop) * 100) / 100.0);
        }
        profile.forEach((component, total) -> figures.put(key + "_per_phase_ms_" + component,
                Math.round(total.nanos() / 1e6 / phases * 100) / 100.0));
        LongHistoryBenchmark.writeJson(figures);
        return figures;
    }

    /**
     * What parallel parts gain on a history long enough for them (each part runs the tool in a helper of its own):
     * {@code settings} (parts, by default) against {@code rehearsal.parallel=1}, alternating, medians of 3, on the
     * embedded server; the figures {@code <tool>_<migrations>_parts_ms}, {@code _one_part_ms} and
     * {@code _parts_vs_one_part_ratio}.
     */
    static void partsAgainstOnePart(String tool, int migrations, RehearsalSettings settings) throws IOException {
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        // warm-up of both; the first shows the history does run in parts
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, HelperLoop.class.getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(r.parallelParts()).as("parts of the %d-migration %s history", migrations, tool).isGreaterThan(1);
        }
        rehearse(provider, settings.withParallel(1), migrations);
        List<Double> parts = new ArrayList<>();
        List<Double> onePart = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            parts.add(rehearse(provider, settings, migrations));
            onePart.add(rehearse(provider, settings.withParallel(1), migrations));
        }
        double p = median(parts);
        double o = median(onePart);
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "generated %d-migration %s history, embedded"
                + " server: in parallel parts (the default) %.0f ms, in one part %.0f ms, %.2fx (rounds %s against %s)%n",
                migrations, tool, p, o, p / o, parts, onePart));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        String key = tool.toLowerCase(Locale.ROOT) + "_" + migrations;
        figures.put(key + "_parts_ms", Math.round(p));
        figures.put(key + "_one_part_ms", Math.round(o));
        figures.put(key + "_parts_vs_one_part_ratio", Math.round(p / o * 100) / 100.0);
        LongHistoryBenchmark.writeJson(figures);
    }

    /** Milliseconds of one rehearsal of the history with {@code settings}, which must pass every step. */
    static double rehearse(DatabaseProvider provider, RehearsalSettings settings, int migrations) {
        long t0 = System.nanoTime();
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, HelperLoop.class.getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps()).hasSize(migrations);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double run(DatabaseProvider provider, Path project, Peer peer, Map<String, String> environment)
            throws Exception {
        try (EphemeralDatabase db = provider.createDatabase()) {
            return time(peer.command(db.connectionDetails()), project, environment);
        }
    }

    /** Milliseconds of a process from its start to its end, which must be a success. */
    static double time(List<String> command, Path directory, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        long t0 = System.nanoTime();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
        double ms = (System.nanoTime() - t0) / 1e6;
        assertThat(process.exitValue()).as(output).isZero();
        return ms;
    }

    /** Each migration of the generated history: its number, name, up and down SQL. */
    record Step(int number, String name, String up, String down) {
    }

    static List<Step> steps(Path dir, int migrations) throws IOException {
        Path sql = GeneratedHistory.write(dir, migrations);
        List<Path> ups;
        try (var files = Files.list(sql)) {
            ups = files.filter(f -> f.getFileName().toString().endsWith(".up.sql")).sorted().toList();
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < ups.size(); i++) {
            String name = ups.get(i).getFileName().toString().replace(".up.sql", "");
            steps.add(new Step(i + 1, name.replaceFirst("^\\d+_", ""), Files.readString(ups.get(i)),
                    Files.readString(ups.get(i).resolveSibling(name + ".down.sql"))));
        }
        return steps;
    }

    /** A string literal for Python or JavaScript: quotes, backslashes and line ends escaped. */
    static String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
