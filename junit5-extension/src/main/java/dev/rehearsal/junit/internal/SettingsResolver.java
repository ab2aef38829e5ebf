package dev.rehearsal.junit.internal;

import dev.rehearsal.core.MigrationVersion;
import dev.rehearsal.core.RehearsalException;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.locks.LockSettings;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Seed;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
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
    static final String FORMAT = "rehearsal.format";
    static final String JDBC_URL = "rehearsal.jdbc.url";
    static final String IMAGE = "rehearsal.image";
    static final String PROVIDER = "rehearsal.provider";
    static final String MARIADB_URL = "rehearsal.mariadb.url";
    static final String MARIADB_IMAGE = "rehearsal.mariadb.image";
    static final String MARIADB_USER = "rehearsal.mariadb.user";
    static final String MARIADB_PASSWORD = "rehearsal.mariadb.password";
    static final String JDBC_USER = "rehearsal.jdbc.user";
    static final String JDBC_PASSWORD = "rehearsal.jdbc.password";
    static final String IRREVERSIBLE = "rehearsal.irreversible";
    static final String MINIMUM_DOWNGRADE = "rehearsal.minimum-downgrade-version";
    static final String PLACEHOLDER_PREFIX = "rehearsal.placeholders.";
    static final String REPORT_DIR = "rehearsal.report.dir";
    static final String LOSSY = "rehearsal.lossy";
    static final String DATA_CHANGES = "rehearsal.data-changes";
    static final String RANDOM_SEED = "rehearsal.seed";
    static final String SEED_ROWS = "rehearsal.seed.rows";
    static final String SEED_LOCALE = "rehearsal.seed.locale";
    static final String NULL_RATIO = "rehearsal.seed.null-ratio";
    static final String DATA_CHECKS = "rehearsal.data-checks";
    static final String TRACE_LOCKS = "rehearsal.locks.trace";
    static final String PROBES = "rehearsal.locks.probes";
    static final String MIGRATION_TIMEOUT = "rehearsal.migration-timeout";
    static final String ALLOW_RISKS = "rehearsal.allow-risks";
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
        String format = first(annotation.format(), context.getConfigurationParameter(FORMAT)).orElse(null);
        return new RehearsalSettings(migrations, placeholders, irreversible, minimum, data(annotation, context),
                locks(annotation, context), format);
    }

    private static DataSettings data(MigrationTest annotation, ExtensionContext context) {
        DataSettings data = DataSettings.DEFAULTS;
        Optional<Seed> seed = context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, Seed.class))
                .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), Seed.class));
        Optional<String> randomSeed = seed.filter(s -> s.randomSeed() >= 0).map(s -> String.valueOf(s.randomSeed()))
                .or(() -> context.getConfigurationParameter(RANDOM_SEED));
        if (randomSeed.isPresent()) {
            data = data.withRandomSeed(number(randomSeed.get(), RANDOM_SEED).longValue());
        }
        Optional<String> rows = seed.map(s -> String.valueOf(s.rows())).or(() -> context.getConfigurationParameter(SEED_ROWS));
        if (rows.isPresent()) {
            data = data.withRoundTripSeeding(number(rows.get(), SEED_ROWS).longValue());
        }
        Optional<String> locale = context.getConfigurationParameter(SEED_LOCALE);
        if (locale.isPresent()) {
            data = data.withLocale(Locale.forLanguageTag(locale.get().trim()));
        }
        Optional<String> nulls = context.getConfigurationParameter(NULL_RATIO);
        if (nulls.isPresent()) {
            data = data.withNullRatio(number(nulls.get(), NULL_RATIO).doubleValue());
        }
        Optional<String> checks = context.getConfigurationParameter(DATA_CHECKS);
        if (checks.isPresent()) {
            data = data.withDataChecks(Boolean.parseBoolean(checks.get().trim()));
        }
        data = data.declareLossy(versions(annotation.lossy(), context.getConfigurationParameter(LOSSY), "lossy"));
        return data.declareDataChanges(versions(annotation.dataChanges(), context.getConfigurationParameter(DATA_CHANGES),
                "dataChanges"));
    }

    private static LockSettings locks(MigrationTest annotation, ExtensionContext context) {
        LockSettings locks = LockSettings.DEFAULTS;
        boolean trace = context.getConfigurationParameter(TRACE_LOCKS).map(v -> Boolean.parseBoolean(v.trim())).orElse(true);
        boolean probes = context.getConfigurationParameter(PROBES).map(v -> Boolean.parseBoolean(v.trim())).orElse(true);
        locks = locks.withObservation(trace, probes);
        Optional<String> timeout = context.getConfigurationParameter(MIGRATION_TIMEOUT);
        if (timeout.isPresent()) {
            locks = locks.withMigrationTimeout(duration(timeout.get(), MIGRATION_TIMEOUT));
        }
        Optional<dev.rehearsal.junit.LockBudget> budget = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, dev.rehearsal.junit.LockBudget.class))
                .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), dev.rehearsal.junit.LockBudget.class));
        if (budget.isPresent()) {
            dev.rehearsal.junit.LockBudget b = budget.get();
            locks = locks.withBudget(new dev.rehearsal.core.locks.LockBudget(optionalDuration(b.reads(), "reads"),
                    optionalDuration(b.writes(), "writes"), optionalDuration(b.accessExclusive(), "accessExclusive"),
                    b.noRisks()));
        }
        java.util.List<String> allowances = new java.util.ArrayList<>(Arrays.asList(annotation.allowRisks()));
        context.getConfigurationParameter(ALLOW_RISKS).ifPresent(list -> allowances.addAll(Arrays.asList(list.split(";"))));
        for (String allowance : allowances) {
            if (allowance.isBlank()) {
                continue;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(\\S+)\\s+([\\w-]+)\\s*:\\s*(.+)$")
                    .matcher(allowance);
            if (!m.matches()) {
                throw new RehearsalException("allowRisks = \"" + allowance + "\" is not \"<version> <rule>: <reason>\","
                        + " such as \"5 non-concurrent-index: the table holds 20 rows in production\"");
            }
            locks = locks.allowRisk(version(m.group(1), "allowRisks").toString(), m.group(2), m.group(3).trim());
        }
        return locks;
    }

    private static java.time.Duration optionalDuration(String text, String what) {
        return text == null || text.isBlank() ? null : duration(text, "@LockBudget(" + what + ")");
    }

    /** {@code 100ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 250} (milliseconds). */
    static java.time.Duration duration(String text, String where) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?\\s*$")
                .matcher(text);
        if (!m.matches()) {
            throw new RehearsalException(where + " = \"" + text + "\" is not a duration such as 100ms, 2s or 1m");
        }
        java.math.BigDecimal value = new java.math.BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        java.math.BigDecimal millis = switch (unit) {
            case "s" -> value.multiply(java.math.BigDecimal.valueOf(1000));
            case "m" -> value.multiply(java.math.BigDecimal.valueOf(60_000));
            default -> value;
        };
        return java.time.Duration.ofNanos(millis.multiply(java.math.BigDecimal.valueOf(1_000_000)).longValue());
    }

    private static String[] versions(String[] fromAnnotation, Optional<String> fromParameter, String what) {
        java.util.List<String> all = new java.util.ArrayList<>();
        for (String v : fromAnnotation) {
            all.add(version(v, "@MigrationTest(" + what + ")").toString());
        }
        fromParameter.ifPresent(list -> Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .forEach(v -> all.add(version(v, what).toString())));
        return all.toArray(String[]::new);
    }

    private static java.math.BigDecimal number(String text, String where) {
        try {
            return new java.math.BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new RehearsalException(where + " = \"" + text + "\" is not a number");
        }
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
