package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged command line, {@code target/rehearsal}, run as a user's CI runs it: a separate process with only a
 * JDK, on the Alembic sample (embedded PostgreSQL, its {@code rehearsal.toml}) and the golang-migrate sample (the
 * machine's MariaDB, named with {@code --jdbc-url}), interrupted with Ctrl-C or SIGTERM in the middle of a migration,
 * and on a terminal.
 * The samples' reports stay in {@code target/cli-samples}.
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("target", "rehearsal");
    private static final Path REPORTS = Path.of("target", "cli-samples");
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final Path CACHE = Path.of("target", "launcher-cache");

    /** A finished process: its exit code and what it printed. */
    record Result(int exit, String out, String err) {
    }

    @Test
    void theAlembicSampleRunsThroughTheLauncherWithItsSettingsFile() throws Exception {
        Path dir = REPORTS.resolve("alembic");
        Result run = launch("check", "../samples/alembic-postgres/src/main/resources/alembic/versions",
                "-f", "text", "-f", "html", "-f", "json", "-o", dir.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("settings: ").contains("samples/alembic-postgres/rehearsal.toml")
                .contains("[5/5] 5b7c9d1e2f3a order totals: ok");
        assertThat(run.out()).contains("Rehearsal of Alembic revisions").contains("5 steps: 5 passed, 0 failed");
        assertThat(dir.resolve("rehearsal.html")).content().contains("<svg class=\"timeline\"")
                .contains("data-migration=\"27c6a30d7c24 add email\"");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("rehearsal.json").toFile());
        assertThat(json.get("failed").asBoolean()).isFalse();
        assertThat(json.get("steps")).hasSize(5);
    }

    @Test
    void theGolangMigrateSampleRunsOnTheMachinesMariaDbWithoutSettingUpTheFlightRecorder() throws Exception {
        Path html = REPORTS.resolve("golang-migrate").resolve("rehearsal.html");
        Path classes = REPORTS.resolve("golang-migrate").resolve("classes.log");
        Files.createDirectories(classes.getParent());
        Result run = launch(Map.of("REHEARSAL_JAVA_OPTS", "-Xlog:class+load:file=" + classes),
                "check", "../samples/golang-migrate-mariadb/src/main/resources/db/migrations",
                "--jdbc-url", "jdbc:mariadb://127.0.0.1:3306/test", "--jdbc-user", "root", "--format", "html",
                "--output", html.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("on MariaDB").contains("4 steps: 4 passed, 0 failed");
        assertThat(run.err()).contains("html: " + html);
        assertThat(html).content().contains("data-migration=\"000004_add_user_phone\"");
        // no recording runs, so the component timings stay off: loading their event class would set up the
        // recorder's metadata, a tenth of a second counted in the first migration's up
        assertThat(classes).content().contains("dev.rehearsal.core.internal.roundtrip.UpPhase ")
                .doesNotContain("dev.rehearsal.core.internal.timing.ComponentEvent ")
                .doesNotContain("jdk.jfr.internal.MetadataLoader ");
    }

    @Test
    void anImageRunsTheHistoryInAContainerFromTheSelfContainedJar() throws Exception {
        // Testcontainers inside the shaded jar, on the image .ci/build-images.sh builds (no registry here)
        Result run = launch("check", "src/test/resources/histories/project/db/migrations", "--image",
                "rehearsal/postgres:15-debian", "-q");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("on PostgreSQL 15\\.\\d+ in container rehearsal/postgres:15-debian")
                .contains("2 steps: 2 passed, 0 failed");
    }

    @Test
    void theLaunchersJvmCompilesWithC1OnlyUnlessTheUsersOptionsSayOtherwise() throws Exception {
        // -XX:+PrintFlagsFinal makes the JVM print every flag's final value before the help text
        Result standard = launch(Map.of("REHEARSAL_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "--help");
        assertThat(standard.exit()).as(standard.err()).isZero();
        assertThat(tieredStopAtLevel(standard.out())).isEqualTo(1);
        assertThat(standard.out()).contains("check");

        // the user's options come after the launcher's, so they win
        Result withC2 = launch(Map.of("REHEARSAL_JAVA_OPTS", "-XX:TieredStopAtLevel=4 -XX:+PrintFlagsFinal"), "--help");
        assertThat(withC2.exit()).as(withC2.err()).isZero();
        assertThat(tieredStopAtLevel(withC2.out())).isEqualTo(4);
    }

    @Test
    void laterRunsMapTheClassesOfTheFirstCheckThatReachedItsReport(@TempDir Path home) throws Exception {
        Path cache = home.resolve("the cache"); // a space: no option the launcher builds may be split at it
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        // what users run first after installing, and help: no archive, as it would lack a check's classes
        Result version = launch(env, "--version");
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("rehearsal ").doesNotContain("cds");
        assertThat(launch(env, "check", "--help").exit()).isZero();
        assertThat(archives(cache)).isEmpty();

        // a check that stops before its report writes one at exit, without the file that keeps it; the next run
        // removes it
        Result stopped = launch(env, "check", home.resolve("no-such-folder").toString());
        assertThat(stopped.exit()).as(stopped.err()).isEqualTo(2);
        assertThat(archives(cache)).singleElement(Assertions.as(InstanceOfAssertFactories.STRING))
                .matches("classes-\\d+\\.jsa\\.\\d+");
        assertThat(launch(env, "--version").exit()).isZero();
        assertThat(archives(cache)).isEmpty();

        // a check that reaches its report (findings or not) writes the one later runs map
        Result check = launch(env, "check", "src/test/resources/histories/broken-down", "--jdbc-url", SERVER,
                "--jdbc-user", "postgres", "-q");
        assertThat(check.exit()).as(check.err()).isEqualTo(1);
        Path log = home.resolve("classes.log");
        Result second = launch(Map.of("XDG_CACHE_HOME", cache.toString(),
                "REHEARSAL_JAVA_OPTS", "-Xlog:class+load:file=" + log), "check",
                "src/test/resources/histories/broken-down", "--jdbc-url", SERVER, "--jdbc-user", "postgres", "-q");
        assertThat(second.exit()).as(second.err()).isEqualTo(1);
        // "top": the archive the launcher wrote, above the JDK's own; the class that runs an up is in it, and so is
        // picocli, whose own jar's Java 5 classes the JVM cannot archive
        assertThat(log).content().contains("dev.rehearsal.cli.RehearsalCli source: shared objects file (top)")
                .contains("dev.rehearsal.core.internal.roundtrip.UpPhase source: shared objects file (top)")
                .contains("picocli.CommandLine source: shared objects file (top)")
                .doesNotContainPattern("picocli\\.\\S+ source: file:");
        assertThat(archives(cache)).singleElement(Assertions.as(InstanceOfAssertFactories.STRING))
                .matches("classes-\\d+\\.jsa");

        // a flight recording from the start runs without the archive: HotSpot 17 crashes loading archived classes
        // while the recorder's class-file hook is on
        Path recording = home.resolve("check.jfr");
        Path recordedLog = home.resolve("recorded-classes.log");
        Result recorded = launch(Map.of("XDG_CACHE_HOME", cache.toString(), "REHEARSAL_JAVA_OPTS",
                        "-XX:StartFlightRecording=filename=" + recording + " -Xlog:class+load:file=" + recordedLog),
                "check", "src/test/resources/histories/broken-down", "--jdbc-url", SERVER, "--jdbc-user", "postgres",
                "-q");
        assertThat(recorded.exit()).as(recorded.out() + recorded.err()).isEqualTo(1);
        assertThat(recording).isNotEmptyFile();
        assertThat(recordedLog).content().contains("dev.rehearsal.cli.RehearsalCli source: file:")
                .doesNotContain("shared objects file (top)");

        Path off = home.resolve("off");
        Result without = launch(Map.of("XDG_CACHE_HOME", off.toString(), "REHEARSAL_CDS", "off"), "check",
                "src/test/resources/histories/broken-down", "--jdbc-url", SERVER, "--jdbc-user", "postgres", "-q");
        assertThat(without.exit()).as(without.err()).isEqualTo(1);
        assertThat(archives(off)).isEmpty();
    }

    /**
     * A CI job usually starts with an empty cache and loses it: there a first check writes no archive (the dump at exit
     * took longer than the check), unless REHEARSAL_CDS=on says the job keeps its cache; one already there is mapped.
     */
    @Test
    void onACiServiceAFirstCheckWritesNoArchiveUnlessTheCacheIsKept(@TempDir Path home) throws Exception {
        Path cache = home.resolve("cache");
        List<String> args = List.of("check", "src/test/resources/histories/broken-down", "--jdbc-url", SERVER,
                "--jdbc-user", "postgres", "-q");
        for (String ci : List.of("true", "1")) {
            Result first = launch(Map.of("XDG_CACHE_HOME", cache.toString(), "CI", ci), args.toArray(String[]::new));
            assertThat(first.exit()).as(first.err()).isEqualTo(1);
            assertThat(archives(cache)).as("CI=" + ci).isEmpty();
        }
        Result notCi = launch(Map.of("XDG_CACHE_HOME", home.resolve("not-ci").toString(), "CI", "False"),
                args.toArray(String[]::new));
        assertThat(notCi.exit()).as(notCi.err()).isEqualTo(1);
        assertThat(archives(home.resolve("not-ci"))).as("CI=False")
                .anyMatch(n -> n.matches("classes-\\d+\\.jsa\\.\\d+"));

        Result kept = launch(Map.of("XDG_CACHE_HOME", cache.toString(), "CI", "true", "REHEARSAL_CDS", "on"),
                args.toArray(String[]::new));
        assertThat(kept.exit()).as(kept.err()).isEqualTo(1);
        assertThat(archives(cache)).anyMatch(n -> n.matches("classes-\\d+\\.jsa\\.\\d+\\.done"));
        Path log = home.resolve("classes.log");
        Result mapped = launch(Map.of("XDG_CACHE_HOME", cache.toString(), "CI", "true",
                "REHEARSAL_JAVA_OPTS", "-Xlog:class+load:file=" + log), args.toArray(String[]::new));
        assertThat(mapped.exit()).as(mapped.err()).isEqualTo(1);
        assertThat(log).content().contains("dev.rehearsal.core.internal.roundtrip.UpPhase source: shared objects file"
                + " (top)");
        assertThat(archives(cache)).singleElement(Assertions.as(InstanceOfAssertFactories.STRING))
                .matches("classes-\\d+\\.jsa");
    }

    @Test
    void twoFirstChecksAtOnceLeaveOneArchive(@TempDir Path home) throws Exception {
        Map<String, String> env = Map.of("XDG_CACHE_HOME", home.resolve("cache").toString());
        List<String> args = List.of("check", "src/test/resources/histories/broken-down", "--jdbc-url", SERVER,
                "--jdbc-user", "postgres", "-q");
        Process first = start(args, env, home.resolve("first.out"), home.resolve("first.err"));
        Process second = start(args, env, home.resolve("second.out"), home.resolve("second.err"));
        assertThat(first.waitFor(5, TimeUnit.MINUTES) && second.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(List.of(first.exitValue(), second.exitValue())).containsOnly(1);
        // each wrote under its own name
        assertThat(archives(home.resolve("cache"))).hasSize(4)
                .allMatch(name -> name.matches("classes-\\d+\\.jsa\\.\\d+(\\.done)?"));

        // the next run takes one of them, maps it, and removes the other
        Path log = home.resolve("classes.log");
        Result next = launch(Map.of("XDG_CACHE_HOME", home.resolve("cache").toString(),
                "REHEARSAL_JAVA_OPTS", "-Xlog:class+load:file=" + log), "--version");
        assertThat(next.exit()).as(next.err()).isZero();
        assertThat(log).content().contains("dev.rehearsal.cli.RehearsalCli source: shared objects file (top)");
        List<String> kept = archives(home.resolve("cache"));
        assertThat(kept).singleElement(Assertions.as(InstanceOfAssertFactories.STRING)).matches("classes-\\d+\\.jsa");

        // what a run still writing leaves (this JVM stands for its process) is not touched
        Path writing = home.resolve("cache").resolve("rehearsal")
                .resolve(kept.get(0) + "." + ProcessHandle.current().pid());
        Files.writeString(writing, "being written");
        Files.writeString(writing.resolveSibling(writing.getFileName() + ".done"), "");
        assertThat(launch(env, "--version").exit()).isZero();
        assertThat(writing).hasContent("being written");
        assertThat(writing.resolveSibling(writing.getFileName() + ".done")).exists();
    }

    /** The files the launcher keeps in the cache folder besides the embedded PostgreSQL's binaries. */
    private static List<String> archives(Path cache) throws IOException {
        Path folder = cache.resolve("rehearsal");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("postgres")).sorted().toList();
        }
    }

    private static int tieredStopAtLevel(String flags) {
        Matcher m = Pattern.compile("\\bTieredStopAtLevel\\s+=\\s+(\\d+)").matcher(flags);
        assertThat(m.find()).as("TieredStopAtLevel among the JVM's flags:%n%s", flags).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void ctrlCWritesPartialReportsDropsTheDatabasesAndStopsTheEmbeddedServer() throws Exception {
        Path dir = REPORTS.resolve("interrupted");
        Path err = Files.createTempFile("rehearsal", ".err");
        Path out = Files.createTempFile("rehearsal", ".out");
        Process process = start(List.of("check", SlowHistory.FOLDER.toString(), "-f", "json", "-f", "html",
                "-o", dir.toString()), out, err);
        try {
            SlowHistory.awaitSecondMigration(process, err);
            new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).inheritIO().start().waitFor();

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s of Ctrl-C").isTrue();
            String errors = Files.readString(err);
            assertThat(process.exitValue()).as("128 + SIGINT, as shells report Ctrl-C\n" + errors).isEqualTo(130);
            assertThat(errors).contains("rehearsal: interrupted before 2_wait finished").doesNotContain("\tat ");
            JsonNode json = new ObjectMapper().readTree(dir.resolve("rehearsal.json").toFile());
            assertThat(json.get("partial").asBoolean()).isTrue();
            assertThat(json.get("interruptedDuring").asText()).as("the step that was cut off").isEqualTo("2_wait");
            assertThat(json.at("/steps/0/status").asText()).isEqualTo("PASSED");
            assertThat(dir.resolve("rehearsal.html")).content().contains("Partial report")
                    .contains("It was interrupted during 2_wait: that step's last phase was cut off");

            SlowHistory.assertServerStopped(json); // the embedded server that ran them is gone
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(err);
            Files.deleteIfExists(out);
        }
    }

    /** A cancelled CI job signals SIGTERM: the same partial report, and 143 (128 + SIGTERM) for the runner. */
    @Test
    void sigtermWritesPartialReportsAndExits143() throws Exception {
        Path dir = REPORTS.resolve("terminated");
        Path err = Files.createTempFile("rehearsal", ".err");
        Path out = Files.createTempFile("rehearsal", ".out");
        Process process = start(List.of("check", SlowHistory.FOLDER.toString(), "-f", "json", "-f", "text",
                "-o", dir.toString()), out, err);
        try {
            SlowHistory.awaitSecondMigration(process, err);
            new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).inheritIO().start().waitFor();

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s of SIGTERM").isTrue();
            String errors = Files.readString(err);
            assertThat(process.exitValue()).as(errors).isEqualTo(143);
            JsonNode json = new ObjectMapper().readTree(dir.resolve("rehearsal.json").toFile());
            assertThat(json.get("partial").asBoolean()).isTrue();
            assertThat(json.get("interruptedDuring").asText()).isEqualTo("2_wait");
            SlowHistory.assertServerStopped(json);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(err);
            Files.deleteIfExists(out);
        }
    }

    /**
     * On a terminal (a pseudo-terminal from util-linux's {@code script}) the progress line is rewritten in place and
     * cut to the terminal's width; with {@code NO_COLOR} or {@code TERM=dumb}, or standard error in a file, plain
     * lines only.
     */
    @Test
    void theProgressLineIsShownOnlyOnATerminalAndAtItsWidth() throws Exception {
        String history = "../samples/standalone-golang-migrate/db/migrations";
        String onTerminal = onATerminal(Map.of("COLUMNS", "60"), "check", history, "--no-locks");
        assertThat(onTerminal).contains("\r[1/");
        for (String segment : onTerminal.split("[\r\n]")) {
            if (segment.startsWith("[")) { // the progress line; notes and reports wrap as the terminal wraps them
                assertThat(segment.strip().length()).as("the progress line on 60 columns: " + segment).isLessThan(60);
            }
        }
        // the terminal ends each line with \r\n: a line rewritten in place is a \r not followed by \n
        assertThat(onATerminal(Map.of("COLUMNS", "60", "NO_COLOR", "1"), "check", history, "--no-locks"))
                .contains("[1/").doesNotContain("\r[");
        assertThat(onATerminal(Map.of("COLUMNS", "60", "TERM", "dumb"), "check", history, "--no-locks"))
                .contains("[1/").doesNotContain("\r[");
        Result redirected = launch(Map.of("COLUMNS", "60"), "check", history, "--no-locks");
        assertThat(redirected.err()).contains("[1/").doesNotContain("\r");
    }

    /** What the launcher printed on a pseudo-terminal: {@code script} runs it there and copies the terminal out. */
    private static String onATerminal(Map<String, String> environment, String... args) throws Exception {
        assertThat(Path.of("/usr/bin/script")).as("util-linux's script").isExecutable();
        StringBuilder command = new StringBuilder(LAUNCHER.toAbsolutePath().toString());
        for (String a : args) {
            command.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/script", "-q", "-e", "-c", command.toString(),
                "/dev/null").redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        // a user's terminal, whatever the build's own environment says (CI sets TERM=dumb or nothing)
        builder.environment().remove("NO_COLOR");
        builder.environment().put("TERM", "xterm-256color");
        builder.environment().put("XDG_CACHE_HOME", CACHE.toAbsolutePath().toString());
        builder.environment().putAll(environment);
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(out).isTrue();
        return out;
    }

    private static Result launch(String... args) throws Exception {
        return launch(Map.of(), args);
    }

    /** Runs the launcher to its end with these environment variables added to the test's. */
    private static Result launch(Map<String, String> environment, String... args) throws Exception {
        Path err = Files.createTempFile("rehearsal", ".err");
        Path out = Files.createTempFile("rehearsal", ".out");
        try {
            Process process = start(List.of(args), environment, out, err);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("rehearsal did not finish in 5 minutes: " + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
            Files.deleteIfExists(out);
        }
    }

    /**
     * Starts the launcher. Through Python, which puts SIGINT back to its default first: a process started in the
     * background of a non-interactive shell (as CI scripts start builds) inherits SIGINT ignored, and the JVM then
     * never sees Ctrl-C, as a terminal user's process would.
     */
    private static Process start(List<String> args, Path out, Path err) throws IOException {
        return start(args, Map.of(), out, err);
    }

    private static Process start(List<String> args, Map<String, String> environment, Path out, Path err)
            throws IOException {
        assertThat(LAUNCHER).as("the launcher, built by mvn package").isExecutable();
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])",
                LAUNCHER.toAbsolutePath().toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        // as the parent pom sets for Surefire: Ryuk (Testcontainers' reaper) and the start-up checks are images from a
        // registry this machine cannot reach, and so is finding the Docker host from inside a container; the command
        // line stops its containers itself
        builder.environment().put("TESTCONTAINERS_RYUK_DISABLED", "true");
        builder.environment().put("TESTCONTAINERS_CHECKS_DISABLE", "true");
        builder.environment().put("TESTCONTAINERS_HOST_OVERRIDE", "localhost");
        // nothing of the caller's JVM options, archive setting or CI service (which stops a first check writing its
        // archive): each test says what it runs with; the launcher's cache (class-data archives, the embedded
        // PostgreSQL's binaries) in this build's folder, not the user's
        for (String name : List.of("REHEARSAL_JAVA_OPTS", "REHEARSAL_CDS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
                "_JAVA_OPTIONS", "CI")) {
            builder.environment().remove(name);
        }
        builder.environment().put("XDG_CACHE_HOME", CACHE.toAbsolutePath().toString());
        builder.environment().putAll(environment);
        return builder.start();
    }
}
