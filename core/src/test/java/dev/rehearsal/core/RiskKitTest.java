package dev.rehearsal.core;

import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.Traffic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The risk kit (src/test/resources/risk-kit): risky scripts and their safer twins, each run as the one new migration
 * after a released part ({@code base.sql}), with no rows seeded and with rows. A risky script draws the risk its
 * {@code --kit:expect} line names on its statement; a safer one draws none. Both directions, both ways of running:
 * production's tables are judged as production has them, so seeding adds measurement, not the finding.
 */
class RiskKitTest {

    private static final Path KIT = kit();
    private static final Map<String, Boolean> FLAGGED = new ConcurrentHashMap<>();

    private static Path kit() {
        try {
            return Path.of(RiskKitTest.class.getResource("/risk-kit/base.sql").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> cases() throws IOException {
        try (Stream<Path> files = Files.list(KIT)) {
            return files.filter(f -> f.getFileName().toString().matches("\\d+-.*\\.(risky|safer)\\.sql")).sorted()
                    .flatMap(f -> Stream.of(Arguments.of(f.getFileName().toString(), false),
                            Arguments.of(f.getFileName().toString(), true)))
                    .toList().stream();
        }
    }

    private static Optional<String> expected(String script) {
        return script.lines().filter(l -> l.startsWith("--kit:expect ")).map(l -> l.substring("--kit:expect ".length()).strip())
                .findFirst();
    }

    @ParameterizedTest(name = "{0}, seeded: {1}")
    @MethodSource("cases")
    void riskyScriptsDrawTheirRiskAndSaferOnesNone(String file, boolean seeded, @TempDir Path dir) throws IOException {
        String script = Files.readString(KIT.resolve(file));
        Files.copy(KIT.resolve("base.sql"), dir.resolve("V1__base.sql"));
        Files.writeString(dir.resolve("V2__" + file.replaceAll("\\W", "_") + ".sql"), script);
        List<LockRisk> risks;
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + dir))) {
            r.migrateTo("1");
            if (seeded) {
                r.seed(100, TableSeed.table("accounts").nulls("name", 0).column("email", f -> f.internet().uuid() + "@example.org"),
                        TableSeed.table("members").nulls("id", 0));
            }
            risks = r.migrateTo("2", Traffic.none()).locks().risks();
        }
        List<String> rules = risks.stream().map(LockRisk::rule).toList();
        Optional<String> expected = expected(script);
        if (file.contains(".risky.")) {
            String rule = expected.orElseThrow(() -> new AssertionError(file + " has no --kit:expect line"));
            FLAGGED.put((seeded ? "seeded " : "unseeded ") + file, rules.contains(rule));
            assertThat(rules).as(file + ": " + risks).contains(rule);
            LockRisk risk = risks.stream().filter(x -> x.rule().equals(rule)).findFirst().orElseThrow();
            assertThat(risk.statement()).as("the risk names its statement").contains("V2__").contains("line ");
        } else {
            assertThat(rules).as(file + ": a safer script draws no risk: " + risks).isEmpty();
        }
    }

    @AfterAll
    static void figure() {
        Map<String, Boolean> sorted = new TreeMap<>(FLAGGED);
        for (String mode : List.of("unseeded", "seeded")) {
            long total = sorted.keySet().stream().filter(k -> k.startsWith(mode + " ")).count();
            long flagged = sorted.entrySet().stream().filter(e -> e.getKey().startsWith(mode + " ") && e.getValue()).count();
            System.out.println("risk kit, " + mode + ": " + flagged + " of " + total + " hazards flagged");
        }
    }
}
