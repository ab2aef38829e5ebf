package dev.rehearsal.junit.internal;

import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.MigrationVersion;
import dev.rehearsal.core.RehearsalException;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.CommandSettings;
import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.flyway.FlywayCustomizer;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.locks.LockLimits;
import dev.rehearsal.core.locks.LockSettings;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Seed;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * Builds the immutable {@link RehearsalSettings} of a test from its annotations ({@link MigrationTest}, {@link Seed},
 * {@link dev.rehearsal.junit.LockBudget}), then its validated {@link Configuration}, then defaults.
 */
final class SettingsResolver {

    private SettingsResolver() {
    }

    /** The rehearsal's settings: the annotation's values first, then {@code configuration}'s, then defaults. */
    static RehearsalSettings resolve(MigrationTest annotation, ExtensionContext context, Configuration configuration) {
        ToolSettings tool = tool(annotation, configuration);
        String migrations = configuration.text(annotation.migrations(), Setting.MIGRATIONS)
                .orElseGet(() -> MigrationSources.defaultLocation(tool, context.getRequiredTestClass().getClassLoader()));
        Set<MigrationVersion> irreversible = new TreeSet<>();
        for (String v : annotation.irreversible()) {
            irreversible.add(version(v, "@MigrationTest(irreversible)"));
        }
        irreversible.addAll(configuration.versions(Setting.IRREVERSIBLE));
        MigrationVersion minimum = annotation.minimumDowngradeVersion().isBlank()
                ? configuration.versions(Setting.MINIMUM_DOWNGRADE_VERSION).stream().findFirst().orElse(null)
                : version(annotation.minimumDowngradeVersion(), "@MigrationTest(minimumDowngradeVersion)");
        Map<String, String> placeholders = new LinkedHashMap<>(configuration.placeholders());
        for (String pair : annotation.placeholders()) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new RehearsalException("@MigrationTest(placeholders = \"" + pair + "\") is not name=value");
            }
            placeholders.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        String format = configuration.text(annotation.format(), Setting.FORMAT).orElse(null);
        return new RehearsalSettings(migrations, placeholders, irreversible, minimum,
                data(annotation, context, configuration), locks(annotation, context, configuration), format,
                configuration.shard(Setting.SHARD), configuration.bool(Setting.PATCHED_SCHEMA_READS, true), tool,
                configuration.text(Setting.MISSING_DOWN).orElse("restore").equals("fail")
                        ? RehearsalSettings.MissingDown.FAIL : RehearsalSettings.MissingDown.RESTORE);
    }

    private static ToolSettings tool(MigrationTest annotation, Configuration configuration) {
        ToolSettings tool = ToolSettings.DEFAULTS.withLog(configuration.text(Setting.LOG_TOOL).orElse("warn"))
                .withFlywayConfig(configuration.list(Setting.FLYWAY_CONFIG));
        String customizer = annotation.flywayCustomizer() != FlywayCustomizer.None.class
                ? annotation.flywayCustomizer().getName()
                : configuration.text(Setting.FLYWAY_CUSTOMIZER).orElse(null);
        return tool.withFlywayCustomizer(customizer).withWriteUndo(configuration.bool(Setting.UNDO_WRITE, false))
                .withLiquibaseFilter(configuration.text(Setting.LIQUIBASE_CONTEXTS).orElse(""),
                        configuration.text(Setting.LIQUIBASE_LABELS).orElse(""))
                .withCommand(command(configuration));
    }

    /** The commands of a migration tool driven through its own command line; checked when a source opens them. */
    private static CommandSettings command(Configuration configuration) {
        try {
            return new CommandSettings(configuration.text(Setting.COMMAND_UP).orElse(""),
                    configuration.text(Setting.COMMAND_DOWN).orElse(""),
                    configuration.text(Setting.COMMAND_CURRENT).orElse(""),
                    configuration.text(Setting.COMMAND_CURRENT_PATTERN).orElse(null),
                    configuration.list(Setting.COMMAND_TABLES), configuration.text(Setting.COMMAND_DIRECTORY).orElse(""),
                    configuration.text(Setting.COMMAND_BASE).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new RehearsalException(e.getMessage(), e);
        }
    }

    private static DataSettings data(MigrationTest annotation, ExtensionContext context, Configuration configuration) {
        DataSettings data = DataSettings.DEFAULTS;
        Optional<Seed> seed = context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, Seed.class))
                .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), Seed.class));
        Optional<Long> randomSeed = seed.filter(s -> s.randomSeed() >= 0).map(Seed::randomSeed)
                .or(() -> configuration.longValue(Setting.RANDOM_SEED));
        if (randomSeed.isPresent()) {
            data = data.withRandomSeed(randomSeed.get());
        }
        if (seed.isPresent() && seed.get().rows() < 0) {
            throw new RehearsalException("@Seed(rows = " + seed.get().rows() + ") on " + context.getDisplayName()
                    + " is negative: give the rows per table, 0 or more.");
        }
        Optional<Long> rows = seed.map(Seed::rows).or(() -> configuration.longValue(Setting.SEED_ROWS));
        if (rows.isPresent()) {
            data = data.withRoundTripSeeding(rows.get());
        }
        Optional<java.util.Locale> locale = configuration.locale(Setting.SEED_LOCALE);
        if (locale.isPresent()) {
            data = data.withLocale(locale.get());
        }
        Optional<Double> nulls = configuration.ratio(Setting.NULL_RATIO);
        if (nulls.isPresent()) {
            data = data.withNullRatio(nulls.get());
        }
        data = data.withDataChecks(configuration.bool(Setting.DATA_CHECKS, data.dataChecks()));
        data = data.declareLossy(versions(annotation.lossy(), configuration.versions(Setting.LOSSY), "lossy"));
        return data.declareDataChanges(versions(annotation.dataChanges(), configuration.versions(Setting.DATA_CHANGES),
                "dataChanges"));
    }

    private static LockSettings locks(MigrationTest annotation, ExtensionContext context, Configuration configuration) {
        LockSettings locks = LockSettings.DEFAULTS;
        locks = locks.withObservation(configuration.bool(Setting.TRACE_LOCKS, locks.trace()),
                configuration.bool(Setting.PROBES, locks.probes()));
        Optional<java.time.Duration> timeout = configuration.duration(Setting.MIGRATION_TIMEOUT);
        if (timeout.isPresent()) {
            locks = locks.withMigrationTimeout(timeout.get());
        }
        Optional<dev.rehearsal.junit.LockBudget> budget = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, dev.rehearsal.junit.LockBudget.class))
                .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), dev.rehearsal.junit.LockBudget.class));
        if (budget.isPresent()) {
            dev.rehearsal.junit.LockBudget b = budget.get();
            locks = locks.withBudget(new LockLimits(optionalDuration(b.reads(), "reads"),
                    optionalDuration(b.writes(), "writes"), optionalDuration(b.accessExclusive(), "accessExclusive"),
                    b.noRisks()));
        }
        List<String> allowances = new ArrayList<>(Arrays.asList(annotation.allowRisks()));
        allowances.addAll(configuration.riskAllowances(Setting.ALLOW_RISKS));
        for (String allowance : allowances) {
            if (allowance.isBlank()) {
                continue;
            }
            Matcher m = Configuration.RISK_ALLOWANCE.matcher(allowance);
            if (!m.matches()) {
                throw new RehearsalException("allowRisks = \"" + allowance + "\" is not \"<version> <rule>: <reason>\","
                        + " such as \"5 non-concurrent-index: the table holds 20 rows in production\"");
            }
            locks = locks.allowRisk(version(m.group(1), "allowRisks").toString(), m.group(2), m.group(3).trim());
        }
        return locks;
    }

    private static java.time.Duration optionalDuration(String text, String what) {
        return text == null || text.isBlank() ? null : Configuration.parseDuration(text, "@LockBudget(" + what + ")");
    }

    private static String[] versions(String[] fromAnnotation, List<MigrationVersion> fromParameter, String what) {
        List<String> all = new ArrayList<>();
        for (String v : fromAnnotation) {
            all.add(version(v, "@MigrationTest(" + what + ")").toString());
        }
        fromParameter.forEach(v -> all.add(v.toString()));
        return all.toArray(String[]::new);
    }

    private static MigrationVersion version(String text, String where) {
        try {
            return MigrationVersion.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RehearsalException(where + ": " + e.getMessage(), e);
        }
    }
}
