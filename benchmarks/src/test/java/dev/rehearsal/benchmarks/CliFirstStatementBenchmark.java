package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.Driver;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 55's start-up goal: the command line ({@code cli/target/rehearsal}) on the PostgreSQL server on the machine,
 * from process start to its first migration's up, at most 2x a plain JDBC program's process (JVM start, connect, one
 * statement, exit) on the same server. The first up is when the JVM loads the class that runs it ({@code UpPhase}),
 * read from the JVM's own class-loading log with wall-clock times; also reported, the process's whole time less the
 * round trip (the report's SQL and check times), which adds writing the report and dropping the database. The
 * launcher's class-data sharing archive is written by the first check, after a {@code --version} as a user runs it
 * first, into a cache folder of this benchmark's own; the same runs without it are measured too, and a first check
 * where CI is set, on an empty cache of its own each time, as a CI job runs it (it writes no archive). Medians of 3
 * alternating rounds (one in the README's test command: {@link MeasuredRounds}).
 */
class CliFirstStatementBenchmark {

    /** The first up's milestone, the ratio's. */
    static final String FIRST_UP = "first_up";
    /** What the command line has reached once the JVM loads each class: its main, its first connection, its first up. */
    static final Map<String, String> CLI_MILESTONES = orderedMap("main", "dev.rehearsal.cli.RehearsalCli", "connect",
            "org.postgresql.core.v3.ConnectionFactoryImpl", FIRST_UP, "dev.rehearsal.core.internal.roundtrip.UpPhase");
    /** The same for the plain JDBC program: its main and its connection. */
    static final Map<String, String> PLAIN_MILESTONES = orderedMap("main", PlainJdbcStart.class.getName(), "connect",
            "org.postgresql.core.v3.ConnectionFactoryImpl");

    private static final Path HISTORY = Path.of("src/test/resources/histories/startup").toAbsolutePath();
    private static final Path LAUNCHER = Path.of("..", "cli", "target", "rehearsal").toAbsolutePath();

    @Test
    void commandLineStartAgainstAPlainJdbcProgram(@TempDir Path dir) throws Exception {
        LongHistoryBenchmark.assumeServer();
        assertThat(LAUNCHER).as("cli/target/rehearsal, built before the benchmarks").isExecutable();
        Path cache = dir.resolve("cache");
        // what a user runs first after installing; the archive later runs map is the first check's, not this one's
        Files.createDirectories(dir.resolve("version"));
        run(List.of(LAUNCHER.toString(), "--version"), dir.resolve("version"), Map.of("XDG_CACHE_HOME", cache.toString()));
        double firstRun = commandLine(dir.resolve("first"), cache, true); // writes the archive
        if (MeasuredRounds.warmUp()) {
            commandLine(dir.resolve("warm"), cache, false);
            plain();
        }
        List<Double> toFirstUp = new ArrayList<>();
        Map<String, List<Double>> cliMilestones = new LinkedHashMap<>();
        Map<String, List<Double>> plainMilestones = new LinkedHashMap<>();
        List<Double> withArchive = new ArrayList<>();
        List<Double> withoutArchive = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        List<Double> onCi = new ArrayList<>();
        for (int round = 0; round < MeasuredRounds.of(3); round++) {
            withArchive.add(commandLine(dir.resolve("cds" + round), cache, true));
            Map<String, Double> reached = toFirstUp(dir.resolve("up" + round), cache);
            toFirstUp.add(reached.get(FIRST_UP));
            reached.forEach((milestone, ms) -> cliMilestones.computeIfAbsent(milestone, m -> new ArrayList<>()).add(ms));
            plainMilestones(dir.resolve("plain" + round)).forEach((milestone, ms) ->
                    plainMilestones.computeIfAbsent(milestone, m -> new ArrayList<>()).add(ms));
            withoutArchive.add(commandLine(dir.resolve("nocds" + round), cache, false));
            plain.add(plain());
            Path ciCache = dir.resolve("ci-cache" + round);
            onCi.add(commandLine(dir.resolve("ci" + round), Map.of("XDG_CACHE_HOME", ciCache.toString(), "CI",
                    "true", "REHEARSAL_CDS", ""))); // the launcher's own choice, whatever the caller set
            try (Stream<Path> files = Files.list(ciCache.resolve("rehearsal"))) {
                assertThat(files.map(p -> p.getFileName().toString())).as("a first check where CI is set writes no"
                        + " archive").noneMatch(n -> n.startsWith("classes-"));
            }
        }
        assertThat(Files.list(cache.resolve("rehearsal")).map(p -> p.getFileName().toString()))
                .as("the archive the first run wrote").anyMatch(n -> n.endsWith(".jsa"));
        double up = CliStartupBenchmark.median(toFirstUp);
        double cli = CliStartupBenchmark.median(withArchive);
        double noCds = CliStartupBenchmark.median(withoutArchive);
        double jdbc = CliStartupBenchmark.median(plain);
        double ci = CliStartupBenchmark.median(onCi);
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "command line on the server, from process start to"
                        + " its first migration's up: %.0f ms; a plain JDBC program's process (connect, one statement)"
                        + " %.0f ms: %.2fx (target <= 2x). The whole process less its round trip: %.0f ms with the"
                        + " class-data archive (%.2fx), %.0f ms without (%.2fx), %.0f ms for the first run, which writes"
                        + " it, %.0f ms for a first run where CI is set (an empty cache, no archive written); rounds %s,"
                        + " %s, %s, %s, %s%n", up, jdbc, up / jdbc, cli, cli / jdbc, noCds, noCds / jdbc, firstRun, ci,
                toFirstUp, withArchive, withoutArchive, plain, onCi));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("cli_first_up_ms", Math.round(up));
        figures.put("cli_first_up_ratio", Math.round(up / jdbc * 100) / 100.0);
        figures.put("cli_first_statement_ms", Math.round(cli));
        figures.put("cli_first_statement_without_cds_ms", Math.round(noCds));
        figures.put("cli_first_statement_first_run_ms", Math.round(firstRun));
        figures.put("cli_first_statement_ci_first_run_ms", Math.round(ci));
        figures.put("cli_first_statement_ci_vs_first_run_ratio", Math.round(ci / firstRun * 100) / 100.0);
        figures.put("plain_jdbc_start_ms", Math.round(jdbc));
        figures.put("cli_first_statement_ratio", Math.round(cli / jdbc * 100) / 100.0);
        figures.put("cli_first_statement_without_cds_ratio", Math.round(noCds / jdbc * 100) / 100.0);
        cliMilestones.forEach((milestone, ms) -> figures.put("cli_start_at_" + milestone + "_ms",
                Math.round(CliStartupBenchmark.median(ms))));
        plainMilestones.forEach((milestone, ms) -> figures.put("plain_jdbc_start_at_" + milestone + "_ms",
                Math.round(CliStartupBenchmark.median(ms))));
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "  milestones, ms from process start (medians):"
                + " command line %s; plain JDBC program %s%n", medians(cliMilestones), medians(plainMilestones)));
        LongHistoryBenchmark.writeJson(figures);
    }

    private static Map<String, Long> medians(Map<String, List<Double>> milestones) {
        Map<String, Long> medians = new LinkedHashMap<>();
        milestones.forEach((milestone, ms) -> medians.put(milestone, Math.round(CliStartupBenchmark.median(ms))));
        return medians;
    }

    /** One launcher process on the server: its milliseconds less the round trip the JSON report gives. */
    private static double commandLine(Path reports, Path cache, boolean cds) throws Exception {
        return commandLine(reports, Map.of("XDG_CACHE_HOME", cache.toString(), "REHEARSAL_CDS", cds ? "on" : "off"));
    }

    /** The same with these environment variables. */
    private static double commandLine(Path reports, Map<String, String> environment) throws Exception {
        Files.createDirectories(reports);
        List<String> command = List.of(LAUNCHER.toString(), "check", HISTORY.toString(), "--jdbc-url",
                LongHistoryBenchmark.SERVER, "--jdbc-user", "postgres", "-q", "-f", "json", "-o",
                reports.resolve("cli.json").toString());
        double ms = run(command, reports, environment);
        return ms - CliStartupBenchmark.roundTripMillis(CliStartupBenchmark.report(reports));
    }

    /**
     * Milliseconds from starting the launcher (with its archive) to each of its {@link #CLI_MILESTONES}, the last
     * its first migration's up, by the wall clock: the JVM logs each class it loads with the time.
     */
    private static Map<String, Double> toFirstUp(Path reports, Path cache) throws Exception {
        Files.createDirectories(reports);
        Path log = reports.resolve("classes.log");
        long start = System.currentTimeMillis();
        run(List.of(LAUNCHER.toString(), "check", HISTORY.toString(), "--jdbc-url", LongHistoryBenchmark.SERVER,
                "--jdbc-user", "postgres", "-q", "-f", "json", "-o", reports.resolve("cli.json").toString()), reports,
                Map.of("XDG_CACHE_HOME", cache.toString(), "REHEARSAL_JAVA_OPTS", "-Xlog:class+load:file=" + log + ":time"));
        return milestones(log, start, CLI_MILESTONES);
    }

    /**
     * The plain JDBC program's {@link #PLAIN_MILESTONES} in one more process, which logs its classes (the ratio's
     * own runs log nothing), and its end.
     */
    private static Map<String, Double> plainMilestones(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path log = dir.resolve("classes.log");
        long start = System.currentTimeMillis();
        plain("-Xlog:class+load:file=" + log + ":time");
        double ended = System.currentTimeMillis() - start; // on the same clock as the milestones
        Map<String, Double> reached = milestones(log, start, PLAIN_MILESTONES);
        reached.put("exit", ended);
        return reached;
    }

    /** The milliseconds from {@code start} to the first line of the log ({@code jvm}) and to each class's loading. */
    static Map<String, Double> milestones(Path log, long start, Map<String, String> classes) throws Exception {
        DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).as("the JVM's class-loading log %s", log).isNotEmpty();
        Map<String, Double> reached = new LinkedHashMap<>();
        reached.put("jvm", (double) (stamp(lines.get(0), time) - start));
        classes.forEach((milestone, name) -> {
            String line = lines.stream().filter(l -> l.contains("] " + name + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + name + " in " + log));
            reached.put(milestone, (double) (stamp(line, time) - start));
        });
        return reached;
    }

    private static long stamp(String line, DateTimeFormatter time) {
        return OffsetDateTime.parse(line.substring(1, line.indexOf(']')), time).toInstant().toEpochMilli();
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** One plain JDBC program's process, with the launcher's JIT setting, on the same JDK. */
    private static double plain(String... jvmOptions) throws Exception {
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String driver = Path.of(Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        String classes = Path.of(PlainJdbcStart.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        List<String> command = new ArrayList<>(List.of(jvm, "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", classes + File.pathSeparator + driver, PlainJdbcStart.class.getName(),
                LongHistoryBenchmark.SERVER));
        return run(command, Files.createTempDirectory("plain"), Map.of());
    }

    /** Milliseconds of one process on the JDK running the benchmarks, which must exit 0; its output in {@code dir}. */
    static double run(List<String> command, Path dir, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.txt").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home")); // the same JDK for both
        builder.environment().putAll(environment);
        long t0 = System.nanoTime();
        Process process = builder.start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        double ms = (System.nanoTime() - t0) / 1e6;
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("output.txt"))).isZero();
        return ms;
    }
}
