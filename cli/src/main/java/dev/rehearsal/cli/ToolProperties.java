package dev.rehearsal.cli;

import dev.rehearsal.core.config.Setting;
import dev.rehearsal.core.model.RehearsalException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line's {@code -D} keys, sorted: Rehearsal's settings ({@code rehearsal.<key>}, or {@code <key>} where
 * {@code rehearsal.<key>} is one, which wins: {@code liquibase.search-path} is Rehearsal's), and the tools' own
 * properties, which reach the tool as a {@code -D} on its JVM would:
 * {@code spring.*} (Spring Boot's environment, which Rehearsal reads {@code spring.flyway.*} and
 * {@code spring.liquibase.*} from), {@code flyway.*} (Flyway's configuration, over its files, as Flyway's own command
 * line takes them) and {@code liquibase.*} (Liquibase's configuration). Any other key is refused in one line naming
 * the closest known one, before anything runs.
 *
 * @param settings Rehearsal's settings, by their full keys
 * @param tool     the tools' properties
 */
record ToolProperties(Map<String, String> settings, Map<String, String> tool) {

    /** The properties set; closing puts back what was there. */
    interface Applied extends AutoCloseable {
        @Override
        void close();
    }

    static final List<String> TOOL_PREFIXES = List.of("spring.", "flyway.", "liquibase.");

    static ToolProperties of(Map<String, String> defines) {
        Map<String, String> settings = new LinkedHashMap<>();
        Map<String, String> tool = new LinkedHashMap<>();
        defines.forEach((key, value) -> {
            String asSetting = key.startsWith("rehearsal.") ? key : "rehearsal." + key;
            if (isSetting(asSetting)) { // liquibase.search-path is Rehearsal's rehearsal.liquibase.search-path
                settings.put(asSetting, value);
            } else if (TOOL_PREFIXES.stream().anyMatch(key::startsWith)) {
                tool.put(key, value);
            } else {
                String closest = Setting.closest(asSetting);
                throw new RehearsalException("Unknown setting " + asSetting + " (-D)"
                        + (closest == null ? "" : ": did you mean " + closest + "?") + " -D takes Rehearsal's"
                        + " settings (docs/configuration.md) and the tool's own properties (spring.*, flyway.*,"
                        + " liquibase.*).");
            }
        });
        return new ToolProperties(Map.copyOf(settings), Map.copyOf(tool));
    }

    private static boolean isSetting(String key) {
        return Setting.byKey(key).isPresent() || key.startsWith(Setting.PLACEHOLDER_PREFIX)
                || key.startsWith(Setting.ALEMBIC_ENV_PREFIX) || key.startsWith(Setting.TOOL_ENV_PREFIX)
                || key.startsWith(Setting.VOLUME_PREFIX) || key.startsWith(Setting.QUERY_WAIT_PREFIX);
    }

    /**
     * Sets the tools' properties as this process's system properties, where Spring Boot, Flyway and Liquibase read a
     * {@code -D}; closing puts back what was there, for a command line run inside another program (the tests).
     */
    Applied apply() {
        Map<String, String> previous = new LinkedHashMap<>();
        tool.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        if (tool.keySet().stream().anyMatch(k -> k.startsWith("flyway."))) {
            previous.put(Setting.FLYWAY_SYSTEM_PROPERTIES, System.setProperty(Setting.FLYWAY_SYSTEM_PROPERTIES, "true"));
        }
        return () -> previous.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }
}
