package dev.rehearsal.junit.internal;

import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.config.Configuration;
import dev.rehearsal.core.config.ConfiguredSettings;
import dev.rehearsal.core.config.Setting;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings are read in one place, in the documented order, and checked; docs/configuration.md's table is this table. */
class ConfigurationTest {

    /** A configuration whose parameters are exactly {@code values} (as if set as system properties). */
    private static Configuration with(Map<String, String> values, Map<String, String> environment) {
        Map<String, String> keys = new LinkedHashMap<>();
        values.keySet().forEach(k -> keys.put(k, "system property"));
        return Configuration.of(keys, k -> Optional.ofNullable(values.get(k)), environment::get);
    }

    private static Configuration with(String... keysAndValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return with(values, Map.of());
    }

    @Test
    void aMisspeltKeyFailsWithTheClosestKnownOne() {
        assertThatThrownBy(() -> with("rehearsal.seed.rowz", "200"))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("Unknown setting rehearsal.seed.rowz (system property)")
                .hasMessageContaining("did you mean rehearsal.seed.rows?");
        assertThatThrownBy(() -> with("rehearsal.lock.trace", "false"))
                .hasMessageContaining("did you mean rehearsal.locks.trace?");
        assertThatThrownBy(() -> with("rehearsal.something-else-entirely", "1"))
                .hasMessageContaining("Unknown setting rehearsal.something-else-entirely")
                .hasMessageNotContaining("did you mean")
                .hasMessageContaining("rehearsal.migrations");
    }

    @Test
    void keysOutsideRehearsalPlaceholdersAndTheMavenVersionPropertyAreLetThrough() {
        Configuration configuration = with("java.version", "17", "rehearsal.version", "0.1.0",
                "rehearsal.placeholders.schema", "shop");
        assertThat(configuration.placeholders()).containsExactly(Map.entry("schema", "shop"));
    }

    @Test
    void alembicSettingsReachTheToolSettingsWithOneKeyPerEnvironmentVariable() {
        Configuration configuration = with("rehearsal.alembic.python", ".venv/bin/python", "rehearsal.alembic.name", "shop",
                "rehearsal.alembic.x", "tenant=acme, dry=false", "rehearsal.alembic.env.DATABASE_URL", "${url}",
                "rehearsal.liquibase.search-path", "src/main/resources, ../shared");
        ToolSettings tool = ConfiguredSettings.tool(configuration, null);
        assertThat(tool.alembic().python()).isEqualTo(".venv/bin/python");
        assertThat(tool.alembic().name()).isEqualTo("shop");
        assertThat(tool.alembic().x()).containsExactly("tenant=acme", "dry=false");
        assertThat(tool.alembic().environment()).containsExactly(Map.entry("DATABASE_URL", "${url}"));
        assertThat(tool.liquibaseSearchPath()).containsExactly("src/main/resources", "../shared");
    }

    @Test
    void booleansAreTrueOrFalseAndNothingElse() {
        assertThat(with("rehearsal.locks.trace", "FALSE").bool(Setting.TRACE_LOCKS, true)).isFalse();
        assertThat(with().bool(Setting.TRACE_LOCKS, true)).isTrue();
        assertThatThrownBy(() -> with("rehearsal.locks.trace", "yes"))
                .hasMessage("rehearsal.locks.trace = \"yes\" is not valid: use true or false.");
    }

    @Test
    void malformedValuesNameTheKeyTheValueAndWhatIsAccepted() {
        assertThatThrownBy(() -> with("rehearsal.seed.rows", "-5"))
                .hasMessageContaining("rehearsal.seed.rows = \"-5\"").hasMessageContaining("a whole number, 0 or more");
        assertThatThrownBy(() -> with("rehearsal.seed.rows", "lots"))
                .hasMessageContaining("rehearsal.seed.rows = \"lots\"");
        assertThatThrownBy(() -> with("rehearsal.seed.null-ratio", "1.5"))
                .hasMessageContaining("a number from 0 to 1");
        assertThatThrownBy(() -> with("rehearsal.migration-timeout", "soon"))
                .hasMessageContaining("rehearsal.migration-timeout = \"soon\"").hasMessageContaining("250ms");
        assertThatThrownBy(() -> with("rehearsal.seed.locale", "not a locale"))
                .hasMessageContaining("a language tag");
        assertThatThrownBy(() -> with("rehearsal.provider", "kubernetes"))
                .hasMessageContaining("auto, embedded, server, testcontainers");
        assertThatThrownBy(() -> with("rehearsal.format", "goose"))
                .hasMessageContaining("flyway, golang-migrate, dbmate, prisma, alembic, liquibase, atlas, drizzle, sqitch");
        assertThatThrownBy(() -> with("rehearsal.jdbc.url", "postgres://localhost/db"))
                .hasMessageContaining("a JDBC URL such as");
        assertThatThrownBy(() -> with("rehearsal.lossy", "3, x..y"))
                .hasMessageContaining("rehearsal.lossy = \"3, x..y\"");
        assertThatThrownBy(() -> with("rehearsal.allow-risks", "5 because"))
                .hasMessageContaining("\"<version> <rule>: <reason>\"");
        assertThatThrownBy(() -> with("rehearsal.parallel", "0"))
                .hasMessageContaining("rehearsal.parallel = \"0\"").hasMessageContaining("auto, or how many parts");
        assertThatThrownBy(() -> with("rehearsal.parallel", "many"))
                .hasMessageContaining("rehearsal.parallel = \"many\"");
        assertThat(with("rehearsal.parallel", "auto").parallel(Setting.PARALLEL)).isZero();
        assertThat(with("rehearsal.parallel", "3").parallel(Setting.PARALLEL)).isEqualTo(3);
    }

    @Test
    void aPasswordIsNeverShownInAMessage() {
        // passwords take any text, so only a key typo can fail; the value never appears
        assertThatThrownBy(() -> with("rehearsal.jdbc.pasword", "s3cret"))
                .hasMessageContaining("did you mean rehearsal.jdbc.password?").hasMessageNotContaining("s3cret");
    }

    @Test
    void valuesAreReadInTheirForm() {
        Configuration configuration = with("rehearsal.seed.rows", "200", "rehearsal.migration-timeout", "1.5s",
                "rehearsal.seed.locale", "pt-BR", "rehearsal.seed.null-ratio", "0.25",
                "rehearsal.irreversible", "1, 2.1", "rehearsal.matrix", "embedded, mariadb");
        assertThat(configuration.longValue(Setting.SEED_ROWS)).contains(200L);
        assertThat(configuration.duration(Setting.MIGRATION_TIMEOUT)).contains(Duration.ofMillis(1500));
        assertThat(configuration.locale(Setting.SEED_LOCALE)).contains(Locale.forLanguageTag("pt-BR"));
        assertThat(configuration.ratio(Setting.NULL_RATIO)).contains(0.25);
        assertThat(configuration.versions(Setting.IRREVERSIBLE))
                .containsExactly(MigrationVersion.parse("1"), MigrationVersion.parse("2.1"));
        assertThat(configuration.list(Setting.MATRIX)).containsExactly("embedded", "mariadb");
    }

    @Test
    void theAnnotationWinsThenTheParameterThenTheEnvironmentThenNothing() {
        Configuration both = with(Map.of("rehearsal.jdbc.user", "from-parameter"),
                Map.of("REHEARSAL_JDBC_USER", "from-environment"));
        assertThat(both.text(Setting.JDBC_USER)).contains("from-parameter");
        assertThat(both.text("from-annotation", Setting.JDBC_USER)).contains("from-annotation");
        assertThat(both.text("  ", Setting.JDBC_USER)).contains("from-parameter");

        Configuration environmentOnly = with(Map.of(), Map.of("REHEARSAL_JDBC_USER", "from-environment"));
        assertThat(environmentOnly.text(Setting.JDBC_USER)).contains("from-environment");
        assertThat(with().text(Setting.JDBC_USER)).isEmpty();
        // settings without an environment variable never read one
        assertThat(with(Map.of(), Map.of("REHEARSAL_MIGRATIONS", "x")).text(Setting.MIGRATIONS)).isEmpty();
    }

    @Test
    void closestFindsNearKeysOnly() {
        assertThat(Configuration.closest("rehearsal.mariadb.urll")).isEqualTo("rehearsal.mariadb.url");
        assertThat(Configuration.closest("rehearsal.data-check")).isEqualTo("rehearsal.data-checks");
        assertThat(Configuration.closest("rehearsal.totally.different.thing.here")).isNull();
    }

    /** Every row of docs/configuration.md's table names known keys with this table's defaults, and every key is there. */
    @Test
    void theReadmeConfigurationTableIsTheSettingsTable() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "configuration.md"));
        int start = lines.indexOf("| annotation attribute | parameter | default | meaning |");
        assertThat(start).as("the configuration table of docs/configuration.md").isNotNegative();
        Pattern key = Pattern.compile("rehearsal\\.[a-z][a-z0-9.-]*[a-z0-9]");
        List<String> documented = new ArrayList<>();
        boolean volumes = false;
        boolean queryWaits = false;
        for (String line : lines.subList(start + 2, lines.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            String[] cells = line.split(" \\| ");
            String parameter = cells[1];
            String defaults = cells[2];
            if (parameter.contains(Setting.QUERY_WAIT_PREFIX + "<table>")) {
                queryWaits = true; // rehearsal.queries.max-wait.<table>, one key per table
                continue;
            }
            Matcher m = key.matcher(parameter);
            while (m.find()) {
                String name = m.group();
                if (name.equals(Setting.PLACEHOLDER_PREFIX.substring(0, Setting.PLACEHOLDER_PREFIX.length() - 1))
                        || (name + ".").equals(Setting.ALEMBIC_ENV_PREFIX)
                        || (name + ".").equals(Setting.TOOL_ENV_PREFIX)) {
                    continue; // rehearsal.placeholders.<name>, rehearsal.alembic.env.<NAME>, rehearsal.env.<NAME>
                }
                if ((name + ".").equals(Setting.VOLUME_PREFIX) || name.startsWith(Setting.VOLUME_PREFIX)) {
                    volumes = true; // rehearsal.volume.<table>, one key per table, and its example
                    continue;
                }
                Setting setting = Setting.byKey(name).orElseThrow(() -> new AssertionError(
                        "docs/configuration.md documents " + name + ", which Rehearsal does not read"));
                assertThat(defaults).as("documented default of " + name).contains(setting.documentedDefault());
                documented.add(name);
            }
        }
        assertThat(volumes).as("docs/configuration.md documents rehearsal.volume.<table>").isTrue();
        assertThat(queryWaits).as("docs/configuration.md documents rehearsal.queries.max-wait.<table>").isTrue();
        assertThat(documented).as("settings in docs/configuration.md")
                .containsExactlyInAnyOrder(Arrays.stream(Setting.values()).map(Setting::key).toArray(String[]::new));
    }
}
