package dev.rehearsal.junit.internal;

import dev.rehearsal.core.MigrationVersion;
import dev.rehearsal.core.RehearsalException;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.junit.MigrationTest;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds {@link RehearsalSettings} from the annotation, then the {@code rehearsal.*} configuration parameters
 * (junit-platform.properties, system properties), then defaults.
 */
final class SettingsResolver {

    static final String MIGRATIONS = "rehearsal.migrations";
    static final String IRREVERSIBLE = "rehearsal.irreversible";
    static final String MINIMUM_DOWNGRADE = "rehearsal.minimum-downgrade-version";
    static final String PLACEHOLDER_PREFIX = "rehearsal.placeholders.";
    static final String REPORT_DIR = "rehearsal.report.dir";
    static final String DEFAULT_MIGRATIONS = "classpath:db/migration";
    static final String DEFAULT_REPORT_DIR = "target/rehearsal";

    private SettingsResolver() {
    }

    static RehearsalSettings resolve(MigrationTest annotation, ExtensionContext context) {
        String migrations = first(annotation.migrations(), context.getConfigurationParameter(MIGRATIONS))
                .orElse(DEFAULT_MIGRATIONS);
        Set<MigrationVersion> irreversible = new TreeSet<>();
        for (String v : annotation.irreversible()) {
            irreversible.add(version(v, "@MigrationTest(irreversible)"));
        }
        context.getConfigurationParameter(IRREVERSIBLE).ifPresent(list -> Arrays.stream(list.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).forEach(v -> irreversible.add(version(v, IRREVERSIBLE))));
        MigrationVersion minimum = first(annotation.minimumDowngradeVersion(), context.getConfigurationParameter(MINIMUM_DOWNGRADE))
                .map(v -> version(v, "minimumDowngradeVersion")).orElse(null);
        Map<String, String> placeholders = new LinkedHashMap<>();
        for (String pair : annotation.placeholders()) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new RehearsalException("@MigrationTest(placeholders = \"" + pair + "\") is not name=value");
            }
            placeholders.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        return new RehearsalSettings(migrations, placeholders, irreversible, minimum, dev.rehearsal.core.data.DataSettings.DEFAULTS);
    }

    /** Placeholder parameters cannot be enumerated through JUnit's API; system properties can. */
    static Map<String, String> placeholderProperties() {
        Map<String, String> values = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> {
            String key = String.valueOf(k);
            if (key.startsWith(PLACEHOLDER_PREFIX)) {
                values.put(key.substring(PLACEHOLDER_PREFIX.length()), String.valueOf(v));
            }
        });
        return values;
    }

    static String reportDir(ExtensionContext context) {
        return context.getConfigurationParameter(REPORT_DIR).orElse(DEFAULT_REPORT_DIR);
    }

    private static Optional<String> first(String annotationValue, Optional<String> parameter) {
        if (annotationValue != null && !annotationValue.isBlank()) {
            return Optional.of(annotationValue.trim());
        }
        return parameter.map(String::trim).filter(s -> !s.isEmpty());
    }

    private static MigrationVersion version(String text, String where) {
        try {
            return MigrationVersion.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RehearsalException(where + ": " + e.getMessage(), e);
        }
    }
}
