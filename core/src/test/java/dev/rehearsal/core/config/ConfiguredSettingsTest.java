package dev.rehearsal.core.config;

import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.locks.LockLimits;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One mapping of {@code rehearsal.*} keys to settings, with what a test's annotations or the flags set on top. */
class ConfiguredSettingsTest {

    private static Configuration configuration(Map<String, String> values) {
        Map<String, String> keys = new TreeMap<>();
        values.keySet().forEach(k -> keys.put(k, "rehearsal.properties"));
        return Configuration.of(keys, k -> Optional.ofNullable(values.get(k)), k -> null);
    }

    @Test
    void theBudgetComesFromTheSettingsUnlessTheCallerSetsOne() {
        Configuration configuration = configuration(Map.of("rehearsal.budget.writes", "200ms",
                "rehearsal.budget.no-risks", "true", "rehearsal.seed.rows", "500", "rehearsal.migrations", "filesystem:db"));
        RehearsalSettings settings = ConfiguredSettings.resolve(configuration, ConfiguredSettings.Overrides.NONE, () -> "x");
        assertThat(settings.locks().budget()).isEqualTo(new LockLimits(null, Duration.ofMillis(200), null, true));
        assertThat(settings.data().roundTripRows()).isEqualTo(500);
        assertThat(settings.migrations()).isEqualTo("filesystem:db");

        LockLimits annotated = new LockLimits(Duration.ofSeconds(1), null, null, false);
        RehearsalSettings overridden = ConfiguredSettings.resolve(configuration, ConfiguredSettings.Overrides.NONE
                .withBudget(annotated).withSeedRows(7L).withMigrations("filesystem:other"), () -> "x");
        assertThat(overridden.locks().budget()).isEqualTo(annotated);
        assertThat(overridden.data().roundTripRows()).isEqualTo(7);
        assertThat(overridden.migrations()).isEqualTo("filesystem:other");
    }

    @Test
    void aRiskAllowedForEveryMigrationIsAllowedForEachOneUnderItsOwnAllowances() {
        RehearsalSettings settings = ConfiguredSettings.resolve(configuration(Map.of("rehearsal.allow-risks",
                "* no-lock-timeout: the deploy sets lock_timeout; 3 non-concurrent-index: 20 rows")),
                ConfiguredSettings.Overrides.NONE, () -> "x");
        assertThat(settings.locks().allowedFor(MigrationVersion.parse("7")))
                .containsOnly(Map.entry("no-lock-timeout", "the deploy sets lock_timeout"));
        assertThat(settings.locks().allowedFor(MigrationVersion.parse("3")))
                .containsOnly(Map.entry("no-lock-timeout", "the deploy sets lock_timeout"),
                        Map.entry("non-concurrent-index", "20 rows"));
    }

    @Test
    void noBudgetSettingMeansNoBudget() {
        RehearsalSettings settings = ConfiguredSettings.resolve(configuration(Map.of()), ConfiguredSettings.Overrides.NONE,
                () -> "classpath:db/migration");
        assertThat(settings.locks().budget()).isEqualTo(RehearsalSettings.of("x").locks().budget());
        assertThat(settings.migrations()).isEqualTo("classpath:db/migration");
    }

    @Test
    void aMalformedBudgetIsNamedBeforeAnythingRuns() {
        assertThatThrownBy(() -> configuration(Map.of("rehearsal.budget.reads", "soon")))
                .isInstanceOf(RehearsalException.class).hasMessageContaining("rehearsal.budget.reads")
                .hasMessageContaining("soon");
    }

    @Test
    void aMalformedQueryWaitBudgetNamesTheKeyTheValueAndWhatIsAccepted() {
        assertThatThrownBy(() -> configuration(Map.of("rehearsal.queries.max-wait", "fast")))
                .isInstanceOf(RehearsalException.class).hasMessageContaining("rehearsal.queries.max-wait = \"fast\"")
                .hasMessageContaining(Setting.Form.DURATION.accepted());
        assertThatThrownBy(() -> configuration(Map.of("rehearsal.queries.max-wait.orders", "later")))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("rehearsal.queries.max-wait.orders = \"later\"");
        RehearsalSettings settings = ConfiguredSettings.resolve(configuration(Map.of("rehearsal.queries.max-wait",
                "100ms", "rehearsal.queries.max-wait.orders", "2s", "rehearsal.queries.traffic", "false")),
                ConfiguredSettings.Overrides.NONE, () -> "x");
        assertThat(settings.queries().maxWait()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.queries().maxWaitOn("orders")).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.queries().maxWaitOn("public.orders")).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.queries().maxWaitOn("customers")).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.queries().traffic()).isFalse();
    }
}
