package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Flyway on the class path is read as Flyway reads its own version, and one outside 10 to 13 fails in one line. */
class FlywayVersionTest {

    @Test
    void theFlywayOfThisBuildIsSupportedAndGetsTheApiOfItsRange() {
        FlywayApi api = FlywayApi.of(getClass().getClassLoader());
        assertThat(api.version().major()).isBetween(FlywayVersion.OLDEST_MAJOR, FlywayVersion.NEWEST_MAJOR);
        assertThat(api).isInstanceOf(api.version().atLeast(11, 14) ? FlywayApi.ConfigurationExtensionApi.class
                : FlywayApi.PluginRegisterApi.class);
    }

    @Test
    void eachRangeHasItsAdapter() {
        assertThat(FlywayVersion.parse("10.20.1").atLeast(11, 14)).isFalse();
        assertThat(FlywayVersion.parse("11.7.2").atLeast(11, 14)).isFalse();
        assertThat(FlywayVersion.parse("11.14.1").atLeast(11, 14)).isTrue();
        assertThat(FlywayVersion.parse("13.12.0").atLeast(11, 14)).isTrue();
    }

    /** A class path whose Flyway says it is 9.22.3 (Spring Boot 3.1's): one line, no NoSuchMethodError later. */
    @Test
    void anOlderFlywayIsNamedWithTheRangeAndWhatToChange(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("org/flywaydb/core/internal/version.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "9.22.3\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, null)) {
            assertThatThrownBy(() -> FlywayApi.of(loader))
                    .isInstanceOf(RehearsalException.class)
                    .hasMessage("Flyway 9.22.3 is on the class path; Rehearsal supports Flyway 10.0 to 13.x. Use Flyway"
                            + " 10 or later (Spring Boot 3.3 and later manage one).");
        }
        assertThatThrownBy(() -> FlywayVersion.parse("14.0.0")).hasMessageContaining("Use Flyway 13.x until");
    }
}
