package dev.rehearsal.junit.internal;

import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.config.Configuration;
import dev.rehearsal.core.config.ConfiguredSettings;
import dev.rehearsal.core.flyway.FlywayCustomizer;
import dev.rehearsal.core.locks.LockLimits;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.junit.LockBudget;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Seed;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the immutable {@link RehearsalSettings} of a test from its annotations ({@link MigrationTest}, {@link Seed},
 * {@link LockBudget}), then its validated {@link Configuration}, then defaults; the mapping of the configuration's
 * keys is {@link ConfiguredSettings}', shared with the command line.
 */
final class SettingsResolver {

    private SettingsResolver() {
    }

    /** The rehearsal's settings: the annotation's values first, then {@code configuration}'s, then defaults. */
    static RehearsalSettings resolve(MigrationTest annotation, ExtensionContext context, Configuration configuration) {
        Set<MigrationVersion> irreversible = new TreeSet<>();
        for (String v : annotation.irreversible()) {
            irreversible.add(ConfiguredSettings.version(v, "@MigrationTest(irreversible)"));
        }
        MigrationVersion minimum = annotation.minimumDowngradeVersion().isBlank() ? null
                : ConfiguredSettings.version(annotation.minimumDowngradeVersion(), "@MigrationTest(minimumDowngradeVersion)");
        Map<String, String> placeholders = new LinkedHashMap<>();
        for (String pair : annotation.placeholders()) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new RehearsalException("@MigrationTest(placeholders = \"" + pair + "\") is not name=value");
            }
            placeholders.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        Optional<Seed> seed = context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, Seed.class))
                .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), Seed.class));
        if (seed.isPresent() && seed.get().rows() < 0) {
            throw new RehearsalException("@Seed(rows = " + seed.get().rows() + ") on " + context.getDisplayName()
                    + " is negative: give the rows per table, 0 or more.");
        }
        String customizer = annotation.flywayCustomizer() != FlywayCustomizer.None.class
                ? annotation.flywayCustomizer().getName() : null;
        ConfiguredSettings.Overrides overrides = new ConfiguredSettings.Overrides(annotation.migrations(),
                annotation.format(), customizer,
                seed.map(Seed::rows).orElse(null), seed.filter(s -> s.randomSeed() >= 0).map(Seed::randomSeed).orElse(null),
                budget(context), irreversible, versions(annotation.lossy(), "lossy"),
                versions(annotation.dataChanges(), "dataChanges"), minimum,
                new ArrayList<>(Arrays.asList(annotation.allowRisks())), placeholders);
        return ConfiguredSettings.resolve(configuration, overrides, () -> MigrationSources.defaultLocation(
                ConfiguredSettings.tool(configuration, customizer), context.getRequiredTestClass().getClassLoader()));
    }

    private static LockLimits budget(ExtensionContext context) {
        return context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, LockBudget.class))
                .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), LockBudget.class))
                .map(b -> new LockLimits(optionalDuration(b.reads(), "reads"), optionalDuration(b.writes(), "writes"),
                        optionalDuration(b.accessExclusive(), "accessExclusive"), b.noRisks()))
                .orElse(null);
    }

    private static Duration optionalDuration(String text, String what) {
        return text == null || text.isBlank() ? null : Configuration.parseDuration(text, "@LockBudget(" + what + ")");
    }

    private static List<MigrationVersion> versions(String[] fromAnnotation, String what) {
        List<MigrationVersion> all = new ArrayList<>();
        for (String v : fromAnnotation) {
            all.add(ConfiguredSettings.version(v, "@MigrationTest(" + what + ")"));
        }
        return all;
    }
}
