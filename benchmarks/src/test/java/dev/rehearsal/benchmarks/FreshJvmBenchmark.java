package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The long history as a user's CI job meets it: one rehearsal of the generated 300-migration history with default
 * settings in a JVM that has run nothing before ({@link FreshJvmRun}), with the JVM's default compilers and with
 * {@code -XX:TieredStopAtLevel=1} (C1 only, what the README recommends for the test JVM that runs rehearsals),
 * alternating, medians of 3 rounds after one warm-up (the server's binaries unpacked, the page cache warm). The warm
 * JVM of {@link LongHistoryBenchmark} hides what a fresh one pays: C2 compiling Rehearsal's, pgjdbc's and the JDK's
 * code for several seconds of CPU while the rehearsal runs on the same 2 cores. The plain session runs after the
 * rehearsal in the same JVM, so under C1 it is a little slower too: the C1 rehearsal is also compared with the
 * default JVM's plain session.
 * <p>
 * Where the machine has a tmpfs with room ({@code /dev/shm}), a third way runs C1 only with the temporary directory,
 * and so the embedded server's data directory, there. The CI machine's root filesystem is ext4 without a journal,
 * which makes every relation file created after recent deletions cost a scan; the plain session, mostly DDL, pays it
 * most, and its time moved by a third between runs. On tmpfs (as on a journaled ext4, measured alike) both times
 * are what a usual CI runner's disk gives, so that ratio is the steadier one to compare changes with.
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
        disabledReason = "a closed issue's figure: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
class FreshJvmBenchmark {

    private static final int MIGRATIONS = 300;
    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    /** One process's figures, as {@link FreshJvmRun} prints them. */
    private record Run(double rehearsalMs, double plainMs, double jitMs, double cpuMs) {
        double ratio() {
            return rehearsalMs / plainMs;
        }
    }

    @Test
    void longHistoryInAFreshJvmWithEachCompilerSetting(@TempDir Path dir) throws Exception {
        Path history = GeneratedHistory.write(dir.resolve("long"), MIGRATIONS);
        run(history, dir, "warm-up", List.of());
        Path tmpfs = tmpfs();
        List<String> onTmpfs = tmpfs == null ? null : List.of(C1_ONLY, "-Djava.io.tmpdir=" + tmpfs);
        List<Run> standard = new ArrayList<>();
        List<Run> c1 = new ArrayList<>();
        List<Run> c1Tmpfs = new ArrayList<>();
        try {
            if (onTmpfs != null) {
                run(history, dir, "warm-up-tmpfs", onTmpfs); // unpacks the binaries and makes the kept cluster there
            }
            for (int round = 0; round < 3; round++) {
                standard.add(run(history, dir, "default-" + round, List.of()));
                c1.add(run(history, dir, "c1-" + round, List.of(C1_ONLY)));
                if (onTmpfs != null) {
                    c1Tmpfs.add(run(history, dir, "c1-tmpfs-" + round, onTmpfs));
                }
            }
        } finally {
            delete(tmpfs);
        }
        Run s = median(standard);
        Run c = median(c1);
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "generated %d-migration history in a fresh JVM"
                        + " (default settings, embedded server, medians of 3 alternating rounds): Rehearsal %.0f ms"
                        + " (JIT %.0f ms, process CPU %.0f ms) against one plain session's %.0f ms, %.1fx, with the"
                        + " JVM's default compilers; with %s %.0f ms (JIT %.0f ms, process CPU %.0f ms) against %.0f ms,"
                        + " %.1fx (%.1fx against the default JVM's plain session, the faster baseline); the rehearsal"
                        + " %.2fx of the default's%n", MIGRATIONS, s.rehearsalMs, s.jitMs, s.cpuMs, s.plainMs, s.ratio(),
                C1_ONLY, c.rehearsalMs, c.jitMs, c.cpuMs, c.plainMs, c.ratio(), c.rehearsalMs / s.plainMs,
                c.rehearsalMs / s.rehearsalMs));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("fresh_jvm_migrations", MIGRATIONS);
        put(figures, "fresh_jvm_default", s);
        put(figures, "fresh_jvm_c1", c);
        figures.put("fresh_jvm_c1_vs_default", Math.round(c.rehearsalMs / s.rehearsalMs * 100) / 100.0);
        // the plain session runs slower under C1 too: against the default JVM's, the C1 ratio flatters nothing
        figures.put("fresh_jvm_c1_vs_default_plain_ratio", Math.round(c.rehearsalMs / s.plainMs * 10) / 10.0);
        if (!c1Tmpfs.isEmpty()) {
            Run t = median(c1Tmpfs);
            RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "  the same with %s and the server's data"
                            + " directory on tmpfs (%s): Rehearsal %.0f ms against one plain session's %.0f ms, %.1fx;"
                            + " plain sessions of the 3 rounds %s ms (on this machine's disk %s ms)%n", C1_ONLY, tmpfs,
                    t.rehearsalMs, t.plainMs, t.ratio(), plainTimes(c1Tmpfs), plainTimes(c1)));
            put(figures, "fresh_jvm_c1_tmpfs", t);
        }
        LongHistoryBenchmark.writeJson(figures);
    }

    private static String plainTimes(List<Run> runs) {
        return runs.stream().map(r -> String.valueOf(Math.round(r.plainMs))).collect(Collectors.joining(", "));
    }

    /** A new folder on {@code /dev/shm} where that is a tmpfs with 2 GB free; null elsewhere. */
    private static Path tmpfs() {
        Path shm = Path.of("/dev/shm");
        try {
            if (Files.isDirectory(shm) && "tmpfs".equals(Files.getFileStore(shm).type())
                    && Files.getFileStore(shm).getUsableSpace() > (2L << 30)) {
                return Files.createTempDirectory(shm, "rehearsal-benchmark-");
            }
        } catch (IOException e) {
            System.err.println("no tmpfs variant: " + e);
        }
        return null;
    }

    /** Deletes {@code folder} and what it holds (the servers have stopped with their JVMs); null does nothing. */
    private static void delete(Path folder) throws IOException {
        if (folder == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void put(ObjectNode figures, String prefix, Run run) {
        figures.put(prefix + "_rehearsal_ms", Math.round(run.rehearsalMs));
        figures.put(prefix + "_plain_jdbc_ms", Math.round(run.plainMs));
        figures.put(prefix + "_ratio", Math.round(run.ratio() * 10) / 10.0);
        figures.put(prefix + "_jit_ms", Math.round(run.jitMs));
        figures.put(prefix + "_process_cpu_ms", Math.round(run.cpuMs));
    }

    /** A fresh JVM running {@link FreshJvmRun} on the history, with the JVM options given. */
    private static Run run(Path history, Path dir, String name, List<String> jvmOptions) throws Exception {
        return run(history, dir, name, jvmOptions, 1);
    }

    /** As above, measuring the {@code nth} rehearsal of the history in that JVM. */
    private static Run run(Path history, Path dir, String name, List<String> jvmOptions, int nth) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FreshJvmRun.class.getName(),
                history.toString(), String.valueOf(nth)));
        Path output = dir.resolve(name + ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s finished within 5 minutes", name).isTrue();
        List<String> lines = Files.readAllLines(output);
        assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
        String[] figures = lines.get(lines.size() - 1).trim().split(" ");
        assertThat(figures).as("the last line of %s: %s", name, lines).hasSize(4);
        return new Run(Double.parseDouble(figures[0]), Double.parseDouble(figures[1]), Double.parseDouble(figures[2]),
                Double.parseDouble(figures[3]));
    }

    /** The round whose rehearsal took the median time (its other figures with it). */
    private static Run median(List<Run> runs) {
        List<Run> sorted = runs.stream().sorted((a, b) -> Double.compare(a.rehearsalMs, b.rehearsalMs)).toList();
        return sorted.get(sorted.size() / 2);
    }
}
