package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line against psql, each from process start, on the PostgreSQL server on the machine: the generated
 * 300-migration history rehearsed whole ({@code rehearsal check}, default settings) against one {@code psql} process
 * that creates a database, runs every migration's up, down and up again in one session, each file in a transaction of
 * its own ({@code BEGIN}, {@code \i}, {@code COMMIT}), and drops the database; and a pull request that adds one
 * migration to that history, rehearsed with {@code --only-new} (its down forgets the column its up added, and the run
 * must name it) against the same psql process over the whole history before the change (the new migration's defect
 * stops psql's up again, so its work is the released history's); and the same pull request with {@code --keep-base},
 * which copies the base a run before the rounds kept. Medians of 3 alternating rounds after a
 * warm-up (the launcher's class-data archive written, the page cache warm); one round without the warm-up in the
 * README's test command ({@link MeasuredRounds}).
 */
class CommandLinePeerBenchmark {

    private static final int RELEASED = 300;
    private static final int ROUNDS = MeasuredRounds.of(3);
    private static final Path LAUNCHER = Path.of("..", "cli", "target", "rehearsal").toAbsolutePath();
    /** How long the only-new run says its base took: the released migrations' ups, the tool's own way. */
    private static final Pattern BASE_TOOK = Pattern.compile("applied by the tool's own ups without checks \\((\\d+) ms\\)");
    /** How long the run with a kept base says its copy took. */
    private static final Pattern COPY_TOOK = Pattern.compile("copied from (rehearsal_base_[0-9a-f]+), the base an earlier"
            + " run kept of the same released migrations \\((\\d+) ms\\)");

    @Test
    void historyAndPullRequestFromTheCommandLineAgainstOnePsqlSession(@TempDir Path dir) throws Exception {
        LongHistoryBenchmark.assumeServer();
        assumeTrue(psqlInstalled(), "psql, the peer, is not installed (.ci/setup.sh installs it)");
        assertThat(LAUNCHER).as("cli/target/rehearsal, built before the benchmarks").isExecutable();
        Path released = GeneratedHistory.write(dir.resolve("released"), RELEASED);
        Path change = copy(released, dir.resolve("change"));
        Files.writeString(change.resolve("000301_e0_pr_remark.up.sql"), """
                alter table e0 add column pr_remark text;
                create index e0_pr_remark_idx on e0 (pr_remark);
                """);
        Files.writeString(change.resolve("000301_e0_pr_remark.down.sql"), "drop index e0_pr_remark_idx;\n");
        Path psqlScript = psqlScript(released, dir.resolve("psql.sql"), false);
        Path psqlUps = psqlScript(released, dir.resolve("psql-ups.sql"), true);
        // the archive kept between runs, as on a developer's machine, also where CI is set (which stops a first check
        // writing one)
        Map<String, String> cache = Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString(), "REHEARSAL_CDS", "on");

        List<Long> whole = new ArrayList<>();
        List<Long> onlyNew = new ArrayList<>();
        List<Long> psql = new ArrayList<>();
        List<Long> base = new ArrayList<>();
        List<Long> psqlUpsOnly = new ArrayList<>();
        List<Long> kept = new ArrayList<>();
        List<Long> keptCopy = new ArrayList<>();
        List<String> onlyNewKept = List.of(LAUNCHER.toString(), "check", change.toString(), "--jdbc-url",
                LongHistoryBenchmark.SERVER, "--jdbc-user", "postgres", "-q", "--only-new", "--risks-since",
                String.valueOf(RELEASED), "--keep-base");
        time(onlyNewKept, dir.resolve("keeping.txt"), cache, 1); // keeps the base (or finds one a run before kept)
        String keptBase = null;
        for (int round = MeasuredRounds.firstRound(); round <= ROUNDS; round++) { // round 0 warms up
            Path reports = Files.createDirectories(dir.resolve("round" + round));
            // released as a whole: its risks are reported, not judged, so a clean history exits 0
            long wholeMs = time(List.of(LAUNCHER.toString(), "check", released.toString(), "--jdbc-url",
                    LongHistoryBenchmark.SERVER, "--jdbc-user", "postgres", "-q", "--risks-since",
                    String.valueOf(RELEASED)), reports.resolve("whole.txt"), cache, 0);
            assertThat(Files.readString(reports.resolve("whole.txt"))).contains(RELEASED + " steps: " + RELEASED
                    + " passed");
            long psqlMs = time(List.of("psql", "-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres",
                    "-v", "ON_ERROR_STOP=1", "-f", psqlScript.toString()), reports.resolve("psql.txt"), Map.of(), 0);
            long onlyNewMs = time(List.of(LAUNCHER.toString(), "check", change.toString(), "--jdbc-url",
                    LongHistoryBenchmark.SERVER, "--jdbc-user", "postgres", "-q", "--only-new", "--risks-since",
                    String.valueOf(RELEASED)), reports.resolve("only-new.txt"), cache, 1);
            String found = Files.readString(reports.resolve("only-new.txt"));
            assertThat(found).as("the new migration's forgotten column, named").contains("000301")
                    .contains("pr_remark").contains("FAILED in down");
            Matcher baseTook = BASE_TOOK.matcher(found);
            assertThat(baseTook.find()).as("the run says how long its base took: %s", found).isTrue();
            // the base's own peer: psql applying the same released ups, in one process
            long psqlUpsMs = time(List.of("psql", "-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres",
                    "-v", "ON_ERROR_STOP=1", "-f", psqlUps.toString()), reports.resolve("psql-ups.txt"), Map.of(), 0);
            long keptMs = time(onlyNewKept, reports.resolve("only-new-kept.txt"), cache, 1);
            String copied = Files.readString(reports.resolve("only-new-kept.txt"));
            assertThat(copied).as("the new migration's forgotten column, named").contains("000301")
                    .contains("pr_remark").contains("FAILED in down");
            Matcher copyTook = COPY_TOOK.matcher(copied);
            assertThat(copyTook.find()).as("the run copies the kept base and says how long: %s", copied).isTrue();
            keptBase = copyTook.group(1);
            if (round == ROUNDS) { // the last round's outputs, to read what each run said
                copy(reports, Files.createDirectories(Path.of("target", "command-line-peer")));
            }
            if (round > 0) {
                whole.add(wholeMs);
                psql.add(psqlMs);
                onlyNew.add(onlyNewMs);
                base.add(Long.parseLong(baseTook.group(1)));
                psqlUpsOnly.add(psqlUpsMs);
                kept.add(keptMs);
                keptCopy.add(Long.parseLong(copyTook.group(2)));
            }
        }
        LongHistoryBenchmark.dropDatabase(keptBase);
        double keptMs = RoundTripOverheadBenchmark.median(kept);
        double wholeMs = RoundTripOverheadBenchmark.median(whole);
        double psqlMs = RoundTripOverheadBenchmark.median(psql);
        double onlyNewMs = RoundTripOverheadBenchmark.median(onlyNew);
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "command line from process start on the machine's"
                        + " server: the generated %d-migration history %.0f ms, one psql session up/down/up %.0f ms,"
                        + " ratio %.2fx (target <= 2x); a pull request adding 1 migration, --only-new, %.0f ms, ratio"
                        + " %.2fx (target <= 1x); rounds %s, %s, %s%n", RELEASED, wholeMs, psqlMs, wholeMs / psqlMs,
                onlyNewMs, onlyNewMs / psqlMs, whole, psql, onlyNew));
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "  of the --only-new run, its base (the %d released"
                + " migrations' ups, the tool's own way, without checks) %d ms; psql applying the same ups in one"
                + " process, from its start, %d ms; rounds %s against %s%n", RELEASED,
                Math.round(RoundTripOverheadBenchmark.median(base)),
                Math.round(RoundTripOverheadBenchmark.median(psqlUpsOnly)), base, psqlUpsOnly));
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "  the same pull request with --keep-base, copying"
                + " the base a run before kept: %.0f ms, ratio %.2fx; its copy of the base %d ms; rounds %s, copies %s%n",
                keptMs, keptMs / psqlMs, Math.round(RoundTripOverheadBenchmark.median(keptCopy)), kept, keptCopy));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("cli_history_300_ms", Math.round(wholeMs));
        figures.put("psql_history_300_ms", Math.round(psqlMs));
        figures.put("cli_history_300_vs_psql_ratio", Math.round(wholeMs / psqlMs * 100) / 100.0);
        figures.put("cli_only_new_ms", Math.round(onlyNewMs));
        figures.put("cli_only_new_vs_psql_ratio", Math.round(onlyNewMs / psqlMs * 100) / 100.0);
        figures.put("cli_only_new_base_ms", Math.round(RoundTripOverheadBenchmark.median(base)));
        figures.put("psql_ups_300_ms", Math.round(RoundTripOverheadBenchmark.median(psqlUpsOnly)));
        figures.put("cli_only_new_kept_ms", Math.round(keptMs));
        figures.put("cli_only_new_kept_vs_psql_ratio", Math.round(keptMs / psqlMs * 100) / 100.0);
        figures.put("cli_only_new_kept_copy_ms", Math.round(RoundTripOverheadBenchmark.median(keptCopy)));
        LongHistoryBenchmark.writeJson(figures);
    }

    /**
     * psql's own way through the history: one process, one session on a database it creates, every file of every
     * migration included in order (up, down, up; only the ups where {@code upsOnly}), each in its own transaction,
     * the database dropped at the end. The generated history has no statement that cannot run in a transaction
     * ({@code CREATE INDEX CONCURRENTLY}).
     */
    private static Path psqlScript(Path history, Path script, boolean upsOnly) throws IOException {
        String database = "bench_psql_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        StringBuilder sql = new StringBuilder("CREATE DATABASE " + database + ";\n\\c " + database + "\n");
        List<Path> ups;
        try (Stream<Path> files = Files.list(history)) {
            ups = files.filter(p -> p.getFileName().toString().endsWith(".up.sql")).sorted().toList();
        }
        for (Path up : ups) {
            Path down = up.resolveSibling(up.getFileName().toString().replace(".up.sql", ".down.sql"));
            for (Path file : upsOnly ? List.of(up) : List.of(up, down, up)) {
                sql.append("BEGIN;\n\\i ").append(file).append("\nCOMMIT;\n");
            }
        }
        sql.append("\\c postgres\nDROP DATABASE ").append(database).append(";\n");
        return Files.writeString(script, sql);
    }

    private static boolean psqlInstalled() throws InterruptedException {
        try {
            Process process = new ProcessBuilder("psql", "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Milliseconds of one process from its start, which must exit with {@code exit}; its output to {@code output}. */
    private static long time(List<String> command, Path output, Map<String, String> environment, int exit)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        long t0 = System.nanoTime();
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(process.exitValue()).as(Files.readString(output)).isEqualTo(exit);
        return ms;
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }
}
