package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line's npm and pip packages ({@code cli/target/dist}, built by {@code -Pdist}, as CI builds them): each
 * platform package's compressed size (goal: under 90 MB), and its start against the jar's launcher on the system JDK
 * (goal: no slower), as the process's whole time less its round trip on the PostgreSQL server on the machine, a
 * one-migration history: the platform package's own launcher on its runtime, and the same through npm's
 * {@code rehearsal} as its install script leaves it (a sh script), through npm's JavaScript launcher (installed with
 * {@code --ignore-scripts}, as on Windows) and through pip's console script, which add Node's and Python's start. Each way's class-data sharing archive is written by a warm-up run first. Medians of 5 alternating
 * rounds.
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
        disabledReason = "a closed issue's figure: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
class DistBenchmark {

    private static final Path DIST = Path.of("..", "cli", "target", "dist").toAbsolutePath().normalize();
    private static final Path JAR_LAUNCHER = Path.of("..", "cli", "target", "rehearsal").toAbsolutePath().normalize();
    private static final Path HISTORY = Path.of("src/test/resources/histories/startup").toAbsolutePath();
    private static final long LIMIT = 90_000_000;

    @Test
    void packageSizesAndStartAgainstTheJar(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isDirectory(DIST), "cli/target/dist is built by mvn -pl cli -am package -Pdist");
        LongHistoryBenchmark.assumeServer();
        ObjectNode figures = new ObjectMapper().createObjectNode();
        List<String> sizes = new ArrayList<>();
        Path front = null;
        Path platform = null;
        Path wheel = null;
        try (Stream<Path> files = Files.list(DIST)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                long bytes = Files.size(f);
                sizes.add(String.format(Locale.ROOT, "%s %.1f MB", name, bytes / 1e6));
                boolean platformPackage = name.matches("rehearsal-migrations-[a-z0-9]+-[a-z0-9]+.*\\.tgz")
                        || name.matches(".*-py3-none-(?!any).*\\.whl");
                if (platformPackage) {
                    assertThat(bytes).as(name + ": a platform package stays under 90 MB compressed").isLessThan(LIMIT);
                    figures.put((name.endsWith(".whl") ? "dist_wheel_mb" : "dist_npm_platform_mb"),
                            Math.round(bytes / 1e5) / 10.0);
                }
                if (name.matches("rehearsal-migrations-\\d.*\\.tgz")) {
                    front = f;
                } else if (name.endsWith(".tgz") && platformPackage) {
                    platform = f;
                } else if (platformPackage) {
                    wheel = f;
                }
            }
        }
        assertThat(front).as("the npm front package in " + DIST).isNotNull();
        assertThat(platform).as("an npm platform package in " + DIST).isNotNull();
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("package.json"), "{\"name\": \"bench\", \"version\": \"1.0.0\", \"private\": true}\n");
        Path projectJs = Files.createDirectories(dir.resolve("project-js"));
        Files.copy(project.resolve("package.json"), projectJs.resolve("package.json"));
        for (Path p : List.of(project, projectJs)) {
            List<String> install = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--fetch-retries",
                    "0", "--registry", "http://127.0.0.1:9/", "--prefix", p.toString(), front.toString(),
                    platform.toString()));
            if (p == projectJs) {
                install.add("--ignore-scripts"); // the JavaScript launcher stays, as on Windows
            }
            CliFirstStatementBenchmark.run(install, dir, Map.of());
        }
        Path venv = dir.resolve("venv");
        CliFirstStatementBenchmark.run(List.of("/usr/bin/python3", "-m", "venv", venv.toString()), dir, Map.of());
        CliFirstStatementBenchmark.run(List.of(venv.resolve("bin/pip").toString(), "install", "--no-index", "--disable-pip-version-check",
                wheel.toString()), dir, Map.of());
        Map<String, Path> launchers = new LinkedHashMap<>();
        launchers.put("jar", JAR_LAUNCHER);
        launchers.put("runtime", project.resolve("node_modules/" + platform.getFileName().toString()
                .replaceFirst("-\\d.*", "") + "/bin/rehearsal"));
        launchers.put("npm", project.resolve("node_modules/.bin/rehearsal"));
        launchers.put("npm_js", projectJs.resolve("node_modules/.bin/rehearsal"));
        launchers.put("pip", venv.resolve("bin/rehearsal"));
        Path cache = dir.resolve("cache");
        Map<String, List<Double>> rounds = new LinkedHashMap<>();
        for (Map.Entry<String, Path> l : launchers.entrySet()) {
            start(l.getValue(), dir.resolve("warm-" + l.getKey()), cache); // writes its class-data archive
            rounds.put(l.getKey(), new ArrayList<>());
        }
        for (int round = 0; round < 5; round++) {
            for (Map.Entry<String, Path> l : launchers.entrySet()) {
                rounds.get(l.getKey()).add(start(l.getValue(), dir.resolve(l.getKey() + round), cache));
            }
        }
        Map<String, Double> ms = new LinkedHashMap<>();
        rounds.forEach((k, v) -> ms.put(k, CliStartupBenchmark.median(v)));
        double j = ms.get("jar");
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "command line packages: %s; start (process less"
                        + " its round trip, one migration on the server): the jar's launcher on the system JDK %.0f ms;"
                        + " the platform package's launcher on its own runtime %.0f ms (%.2fx, target <= 1x), through"
                        + " npm's rehearsal as its install script leaves it %.0f ms (%.2fx), through npm's JavaScript"
                        + " launcher %.0f ms (%.2fx), through pip's console script %.0f ms (%.2fx); rounds %s%n",
                String.join(", ", sizes), j, ms.get("runtime"), ms.get("runtime") / j, ms.get("npm"),
                ms.get("npm") / j, ms.get("npm_js"), ms.get("npm_js") / j, ms.get("pip"), ms.get("pip") / j, rounds));
        figures.put("jar_start_ms", Math.round(j));
        ms.forEach((k, v) -> {
            if (!k.equals("jar")) {
                figures.put("dist_" + k + "_start_ms", Math.round(v));
                figures.put("dist_" + k + "_vs_jar_start_ratio", Math.round(v / j * 100) / 100.0);
            }
        });
        LongHistoryBenchmark.writeJson(figures);
    }

    /** One process on the server: its milliseconds less the round trip its JSON report gives. */
    private static double start(Path launcher, Path reports, Path cache) throws Exception {
        Files.createDirectories(reports);
        double ms = CliFirstStatementBenchmark.run(List.of(launcher.toString(), "check", HISTORY.toString(), "--jdbc-url",
                LongHistoryBenchmark.SERVER, "--jdbc-user", "postgres", "-q", "-f", "json", "-o",
                reports.resolve("cli.json").toString()), reports, Map.of("XDG_CACHE_HOME", cache.toString(),
                "REHEARSAL_CDS", "on")); // kept between runs, also where CI is set
        return ms - CliStartupBenchmark.roundTripMillis(CliStartupBenchmark.report(reports));
    }
}
