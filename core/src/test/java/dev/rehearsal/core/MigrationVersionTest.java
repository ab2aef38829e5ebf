package dev.rehearsal.core;

import dev.rehearsal.core.model.MigrationVersion;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationVersionTest {

    @Test
    void comparesPartsAsNumbers() {
        assertThat(MigrationVersion.parse("10")).isGreaterThan(MigrationVersion.parse("9"));
        assertThat(MigrationVersion.parse("1.10")).isGreaterThan(MigrationVersion.parse("1.9"));
        assertThat(MigrationVersion.parse("1_2")).isEqualTo(MigrationVersion.parse("1.2"));
        assertThat(MigrationVersion.parse("1.0")).isEqualTo(MigrationVersion.parse("1")).hasSameHashCodeAs(MigrationVersion.parse("1"));
        assertThat(MigrationVersion.parse("2024_01_05").toString()).isEqualTo("2024.01.05");
    }

    @Test
    void rejectsTextThatIsNotAVersion() {
        assertThatThrownBy(() -> MigrationVersion.parse("2a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'2a' is not a migration version");
        assertThatThrownBy(() -> MigrationVersion.parse("1..2")).isInstanceOf(IllegalArgumentException.class);
    }
}
