package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.config.Configuration;
import dev.rehearsal.core.config.ConfiguredSettings;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The seed file ({@code rehearsal.seed.file}): per-table rows and per-column lengths, NULLs and values, read as the
 * JUnit extension and the command line read settings; a malformed file or a table no migration names is refused
 * with the setting, the entry and what is accepted.
 */
class SeedFileTest {

    private static RehearsalSettings settings(String history, Path seedFile) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("rehearsal.migrations", "classpath:histories/" + history);
        values.put("rehearsal.seed.rows", "30");
        values.put("rehearsal.seed.file", seedFile.toString());
        Map<String, String> where = new LinkedHashMap<>();
        values.keySet().forEach(k -> where.put(k, "the test"));
        Configuration configuration = Configuration.of(where, k -> Optional.ofNullable(values.get(k)), k -> null);
        return ConfiguredSettings.resolve(configuration, ConfiguredSettings.Overrides.NONE, () -> "x");
    }

    private static RoundTripReport rehearse(RehearsalSettings settings) {
        try (MigrationRehearsal rehearsal = Histories.rehearse(settings)) {
            return rehearsal.runRoundTrips();
        }
    }

    @Test
    void valuesAtTheDeclaredLengthFindTheNarrowingCopyProductionFails(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("seed.toml"), """
                [users]
                rows = 40
                handle = { length = 128 }
                """);
        RoundTripReport report = rehearse(settings("narrowing-copy", file));
        PhaseResult up = report.steps().get(1).phases().stream().filter(p -> p.phase() == Phase.UP).findFirst().orElseThrow();
        assertThat(up.status()).isEqualTo(Status.FAILED);
        assertThat(up.message()).contains("22001").contains("UPDATE users SET short_handle = handle");
        assertThat(report.steps().get(0).note()).contains("seeded 40 rows");
    }

    @Test
    void malformedFilesAndUnknownTablesAreRefusedWithTheEntryAndWhatIsAccepted(@TempDir Path dir) throws IOException {
        Path badRatio = Files.writeString(dir.resolve("ratio.toml"), "[users]\nhandle = { null-ratio = 2 }\n");
        assertThatThrownBy(() -> settings("narrowing-copy", badRatio)).isInstanceOf(RehearsalException.class)
                .hasMessage("rehearsal.seed.file " + badRatio + ": users.handle.null-ratio is 2; give a number from 0 to 1,"
                        + " such as 0.1");
        Path badKey = Files.writeString(dir.resolve("key.toml"), "[users]\nhandle = { size = 2 }\n");
        assertThatThrownBy(() -> settings("narrowing-copy", badKey)).hasMessageContaining("users.handle has the key \"size\";"
                + " keys: null-ratio, values, value, length, duplicates");
        Path notToml = Files.writeString(dir.resolve("broken.toml"), "[users\nrows = 1\n");
        assertThatThrownBy(() -> settings("narrowing-copy", notToml)).hasMessageContaining("is not valid TOML");
        assertThatThrownBy(() -> settings("narrowing-copy", dir.resolve("missing.toml")))
                .hasMessageContaining("Could not read rehearsal.seed.file");

        Path typo = Files.writeString(dir.resolve("typo.toml"), "[usres]\nrows = 5\n");
        assertThatThrownBy(() -> rehearse(settings("narrowing-copy", typo))).isInstanceOf(RehearsalException.class)
                .hasMessageContaining("The seed settings name the table \"usres\", which no migration of")
                .hasMessageContaining("did you mean \"users\"?")
                .hasMessageContaining("Check its spelling");
        Path column = Files.writeString(dir.resolve("column.toml"), "[users]\nhandel = { length = 3 }\n");
        assertThat(rehearse(settings("narrowing-copy", column)).toText()).contains("names column handel, which users does not have (did you mean handle?). Columns: id, handle");
    }
}
