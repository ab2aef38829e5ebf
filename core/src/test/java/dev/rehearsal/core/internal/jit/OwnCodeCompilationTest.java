package dev.rehearsal.core.internal.jit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rehearsal's own code is kept on C1 where that helps and works: checked in JVMs of their own (the test JVMs here run
 * C1 only), from what the JVM says it compiled, and on the decision's own inputs.
 */
class OwnCodeCompilationTest {

    private static final String CORE_METHOD = "dev.rehearsal.core.MigrationVersion::compareTo";
    private static final String DATA_METHOD = "dev.rehearsal.core.internal.data.DataChecks::mentions";

    @Test
    void keepsRehearsalsCodeOffC2AndTheDataGeneratorOnIt(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        List<String> out = probe(dir, List.of());
        assertThat(out).contains("outcome INSTALLED");
        assertThat(out).anyMatch(l -> l.startsWith("directives") && l.contains("dev/rehearsal/core/*.*")
                && l.contains("dev/rehearsal/core/internal/data/*.*"));
        assertThat(out).as("%s was kept off C2", CORE_METHOD)
                .anyMatch(l -> l.contains("made not compilable on level 4") && l.contains(CORE_METHOD));
        assertThat(compiledAt(out, CORE_METHOD)).as("levels %s was compiled at", CORE_METHOD).contains(1).doesNotContain(4);
        assertThat(compiledAt(out, DATA_METHOD)).as("levels %s was compiled at", DATA_METHOD).contains(4);
    }

    @Test
    void leavesTheJvmAloneWhenAskedTo(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        List<String> out = probe(dir, List.of("-D" + OwnCodeCompilation.PROPERTY + "=true"));
        assertThat(out).contains("outcome LEFT_TO_THE_JVM");
        assertThat(out).noneMatch(l -> l.startsWith("directives") && l.contains("dev/rehearsal"));
        assertThat(compiledAt(out, CORE_METHOD)).contains(4);
    }

    @Test
    void addsNothingWhereTheJvmCompilesWithC1Only(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        List<String> out = probe(dir, List.of("-XX:TieredStopAtLevel=1"));
        assertThat(out).contains("outcome C1_ONLY_ALREADY");
        assertThat(out).noneMatch(l -> l.startsWith("directives") && l.contains("dev/rehearsal"));
    }

    @Test
    void addsNothingWhereExcludedMethodsWouldStayInterpretedOrGraalCompiles() {
        assertThat(OwnCodeCompilation.decide(flags(Map.of("TieredCompilation", "true", "TieredStopAtLevel", "4"))))
                .isEqualTo(OwnCodeCompilation.Outcome.INSTALLED);
        // C2 alone: there is no C1 to fall back on
        assertThat(OwnCodeCompilation.decide(flags(Map.of("TieredCompilation", "false", "TieredStopAtLevel", "4"))))
                .isEqualTo(OwnCodeCompilation.Outcome.NOT_APPLICABLE);
        assertThat(OwnCodeCompilation.decide(flags(Map.of("TieredCompilation", "true", "TieredStopAtLevel", "1"))))
                .isEqualTo(OwnCodeCompilation.Outcome.C1_ONLY_ALREADY);
        assertThat(OwnCodeCompilation.decide(flags(Map.of("TieredCompilation", "true", "TieredStopAtLevel", "4",
                "UseJVMCICompiler", "true")))).isEqualTo(OwnCodeCompilation.Outcome.NOT_APPLICABLE);
        // a JVM without these flags is not HotSpot
        assertThat(OwnCodeCompilation.decide(flags(Map.of()))).isEqualTo(OwnCodeCompilation.Outcome.NOT_APPLICABLE);
    }

    @Test
    void theSystemPropertyWinsOverTheEnvironmentVariable() {
        UnaryOperator<String> none = k -> null;
        assertThat(OwnCodeCompilation.c2WantedBy(none, none)).isFalse();
        assertThat(OwnCodeCompilation.c2WantedBy(none, k -> "TRUE")).isTrue();
        assertThat(OwnCodeCompilation.c2WantedBy(k -> "false", k -> "true")).isFalse();
        assertThat(OwnCodeCompilation.c2WantedBy(k -> " true ", none)).isTrue();
    }

    private static UnaryOperator<String> flags(Map<String, String> values) {
        return values::get;
    }

    /** The levels the JVM's -XX:+PrintCompilation lines say {@code method} was compiled at. */
    private static List<Integer> compiledAt(List<String> out, String method) {
        List<Integer> levels = new ArrayList<>();
        for (String line : out) {
            String[] words = line.trim().split("\\s+");
            int at = List.of(words).indexOf(method);
            if (at >= 2 && !line.contains("made not") && words[at - 1].matches("[0-4]")) {
                levels.add(Integer.parseInt(words[at - 1]));
            }
        }
        return levels;
    }

    /** {@link OwnCodeCompilationProbe}'s output in a new JVM with {@code options}. */
    private static List<String> probe(Path dir, List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+PrintCompilation"));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), OwnCodeCompilationProbe.class.getName()));
        Path output = dir.resolve("probe.txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the probe JVM ended").isTrue();
        List<String> lines = Files.readAllLines(output);
        assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
        return lines;
    }
}
