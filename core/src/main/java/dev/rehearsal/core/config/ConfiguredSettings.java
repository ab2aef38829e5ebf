package dev.rehearsal.core.config;

import dev.rehearsal.core.AlembicSettings;
import dev.rehearsal.core.ApplicationQueries;
import dev.rehearsal.core.CommandSettings;
import dev.rehearsal.core.DjangoSettings;
import dev.rehearsal.core.KnexSettings;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.locks.LockLimits;
import dev.rehearsal.core.locks.LockSettings;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;

/**
 * Builds {@link RehearsalSettings} from a validated {@link Configuration} and what the caller sets on top of it: a
 * test's annotations in the JUnit extension, the flags of the command line. One mapping of {@code rehearsal.*} keys to
 * settings, so that a key means the same in {@code junit-platform.properties} and in {@code rehearsal.properties}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ConfiguredSettings {

    /**
     * What the caller sets, winning over the configuration; null (or empty) where it sets nothing.
     *
     * @param migrations       the migrations' location
     * @param format           the layout ({@code flyway}, {@code alembic}...)
     * @param flywayCustomizer the class name of a Flyway customizer
     * @param seedRows         rows per table to seed before each round trip
     * @param randomSeed       the data generator's seed
     * @param budget           the lock budget
     * @param irreversible     versions without a down, added to the configuration's
     * @param lossy            versions whose down may lose data, added to the configuration's
     * @param dataChanges      versions that change existing data on purpose, added to the configuration's
     * @param minimumDowngrade the oldest version a down must reach
     * @param allowRisks       {@code "<version> <rule>: <reason>"} entries, added to the configuration's
     * @param placeholders     Flyway placeholders, over the configuration's
     */
    public record Overrides(String migrations, String format, String flywayCustomizer, Long seedRows, Long randomSeed,
                            LockLimits budget, Set<MigrationVersion> irreversible, List<MigrationVersion> lossy,
                            List<MigrationVersion> dataChanges, MigrationVersion minimumDowngrade,
                            List<String> allowRisks, Map<String, String> placeholders) {

        /** Nothing set on top of the configuration. */
        public static final Overrides NONE = new Overrides(null, null, null, null, null, null, Set.of(), List.of(),
                List.of(), null, List.of(), Map.of());

        public Overrides {
            irreversible = Set.copyOf(irreversible);
            lossy = List.copyOf(lossy);
            dataChanges = List.copyOf(dataChanges);
            allowRisks = List.copyOf(allowRisks);
            placeholders = Map.copyOf(placeholders);
        }

        public Overrides withMigrations(String value) {
            return new Overrides(value, format, flywayCustomizer, seedRows, randomSeed, budget, irreversible, lossy,
                    dataChanges, minimumDowngrade, allowRisks, placeholders);
        }

        public Overrides withFormat(String value) {
            return new Overrides(migrations, value, flywayCustomizer, seedRows, randomSeed, budget, irreversible, lossy,
                    dataChanges, minimumDowngrade, allowRisks, placeholders);
        }

        public Overrides withSeedRows(Long value) {
            return new Overrides(migrations, format, flywayCustomizer, value, randomSeed, budget, irreversible, lossy,
                    dataChanges, minimumDowngrade, allowRisks, placeholders);
        }

        public Overrides withBudget(LockLimits value) {
            return new Overrides(migrations, format, flywayCustomizer, seedRows, randomSeed, value, irreversible, lossy,
                    dataChanges, minimumDowngrade, allowRisks, placeholders);
        }

        public Overrides withAllowRisks(List<String> value) {
            return new Overrides(migrations, format, flywayCustomizer, seedRows, randomSeed, budget, irreversible, lossy,
                    dataChanges, minimumDowngrade, value, placeholders);
        }
    }

    private ConfiguredSettings() {
    }

    /**
     * The settings: {@code overrides} first, then {@code configuration}, then defaults; {@code defaultMigrations}
     * gives the location when neither names one.
     */
    public static RehearsalSettings resolve(Configuration configuration, Overrides overrides,
                                            Supplier<String> defaultMigrations) {
        ToolSettings tool = tool(configuration, overrides.flywayCustomizer());
        String migrations = Optional.ofNullable(overrides.migrations()).filter(m -> !m.isBlank())
                .or(() -> configuration.text(Setting.MIGRATIONS)).orElseGet(defaultMigrations);
        Set<MigrationVersion> irreversible = new TreeSet<>(overrides.irreversible());
        irreversible.addAll(configuration.versions(Setting.IRREVERSIBLE));
        MigrationVersion minimum = overrides.minimumDowngrade() != null ? overrides.minimumDowngrade()
                : configuration.versions(Setting.MINIMUM_DOWNGRADE_VERSION).stream().findFirst().orElse(null);
        Map<String, String> placeholders = new LinkedHashMap<>(configuration.placeholders());
        placeholders.putAll(overrides.placeholders());
        String format = Optional.ofNullable(overrides.format()).filter(f -> !f.isBlank())
                .or(() -> configuration.text(Setting.FORMAT)).orElse(null);
        return new RehearsalSettings(migrations, placeholders, irreversible, minimum, data(configuration, overrides),
                locks(configuration, overrides), format, configuration.shard(Setting.SHARD),
                configuration.bool(Setting.PATCHED_SCHEMA_READS, true), tool,
                configuration.text(Setting.MISSING_DOWN).orElse("restore").equals("fail")
                        ? RehearsalSettings.MissingDown.FAIL : RehearsalSettings.MissingDown.RESTORE,
                configuration.parallel(Setting.PARALLEL), configuration.bool(Setting.COLUMN_ORDER, false),
                queries(configuration));
    }

    /** The running application's query files; each must exist, checked before any database starts. */
    private static ApplicationQueries queries(Configuration configuration) {
        return new ApplicationQueries(existing(configuration, Setting.QUERIES_FILE),
                existing(configuration, Setting.QUERIES_AFTER_FILE), configuration.bool(Setting.QUERIES_TRAFFIC, true),
                configuration.duration(Setting.QUERIES_MAX_WAIT).orElse(null), configuration.queryWaitsByTable());
    }

    private static List<Path> existing(Configuration configuration, Setting setting) {
        List<Path> files = new ArrayList<>();
        for (String name : configuration.list(setting)) {
            Path file = Path.of(name);
            if (!Files.isReadable(file)) {
                throw new RehearsalException(setting.key() + " = \"" + name + "\": no such readable file ("
                        + file.toAbsolutePath() + "). Give a pg_stat_statements or MariaDB digest export (CSV) or a file"
                        + " of SQL statements separated by semicolons; see docs/running-application.md");
            }
            files.add(file);
        }
        return files;
    }

    /** The tools' settings: logging, Flyway's configuration and customizer, Liquibase's filter, a tool's commands. */
    public static ToolSettings tool(Configuration configuration, String flywayCustomizer) {
        ToolSettings tool = ToolSettings.DEFAULTS.withLog(configuration.text(Setting.LOG_TOOL).orElse("warn"))
                .withFlywayConfig(configuration.list(Setting.FLYWAY_CONFIG));
        String customizer = flywayCustomizer != null ? flywayCustomizer
                : configuration.text(Setting.FLYWAY_CUSTOMIZER).orElse(null);
        return tool.withFlywayCustomizer(customizer).withWriteUndo(configuration.bool(Setting.UNDO_WRITE, false))
                .withRetry(configuration.bool(Setting.RETRY, true))
                .withLiquibaseFilter(configuration.text(Setting.LIQUIBASE_CONTEXTS).orElse(""),
                        configuration.text(Setting.LIQUIBASE_LABELS).orElse(""))
                .withCommand(command(configuration))
                .withLiquibaseSearchPath(configuration.list(Setting.LIQUIBASE_SEARCH_PATH))
                .withContainment(configuration.text(Setting.CONTAINMENT).orElse("network"))
                .withEnvironment(configuration.toolEnvironment())
                .withAlembic(new AlembicSettings(configuration.text(Setting.ALEMBIC_PYTHON).orElse(""),
                        configuration.text(Setting.ALEMBIC_CONFIG).orElse(""),
                        configuration.text(Setting.ALEMBIC_NAME).orElse(""), configuration.list(Setting.ALEMBIC_X),
                        configuration.alembicEnvironment()))
                .withHelpers(new DjangoSettings(configuration.text(Setting.DJANGO_PYTHON).orElse(""),
                                configuration.text(Setting.DJANGO_SETTINGS).orElse("")),
                        new KnexSettings(configuration.text(Setting.KNEX_NODE).orElse(""),
                                configuration.text(Setting.KNEX_CONFIG).orElse(""),
                                configuration.text(Setting.KNEX_ENVIRONMENT).orElse("")));
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

    private static DataSettings data(Configuration configuration, Overrides overrides) {
        DataSettings data = DataSettings.DEFAULTS;
        Optional<Long> randomSeed = Optional.ofNullable(overrides.randomSeed())
                .or(() -> configuration.longValue(Setting.RANDOM_SEED));
        if (randomSeed.isPresent()) {
            data = data.withRandomSeed(randomSeed.get());
        }
        Optional<Long> rows = Optional.ofNullable(overrides.seedRows()).or(() -> configuration.longValue(Setting.SEED_ROWS));
        List<TableSeed> seeds = configuration.text(Setting.SEED_FILE)
                .map(f -> SeedFile.read(Path.of(f),
                        Setting.SEED_FILE.key()))
                .orElse(List.of());
        if (rows.isPresent() || !seeds.isEmpty()) {
            data = data.withRoundTripSeeding(rows.orElse(0L), seeds.toArray(TableSeed[]::new));
        }
        Optional<Locale> locale = configuration.locale(Setting.SEED_LOCALE);
        if (locale.isPresent()) {
            data = data.withLocale(locale.get());
        }
        Optional<Double> nulls = configuration.ratio(Setting.NULL_RATIO);
        if (nulls.isPresent()) {
            data = data.withNullRatio(nulls.get());
        }
        data = data.withDataChecks(configuration.bool(Setting.DATA_CHECKS, data.dataChecks()));
        data = data.withBoundaryValues(configuration.bool(Setting.SEED_BOUNDARIES, data.boundaryValues()));
        data = data.declareLossy(versions(overrides.lossy(), configuration.versions(Setting.LOSSY)));
        return data.declareDataChanges(versions(overrides.dataChanges(), configuration.versions(Setting.DATA_CHANGES)));
    }

    private static LockSettings locks(Configuration configuration, Overrides overrides) {
        LockSettings locks = LockSettings.DEFAULTS;
        locks = locks.withObservation(configuration.bool(Setting.TRACE_LOCKS, locks.trace()),
                configuration.bool(Setting.PROBES, locks.probes()));
        Optional<Duration> timeout = configuration.duration(Setting.MIGRATION_TIMEOUT);
        if (timeout.isPresent()) {
            locks = locks.withMigrationTimeout(timeout.get());
        }
        LockLimits budget = overrides.budget() != null ? overrides.budget() : budget(configuration);
        if (budget != null) {
            locks = locks.withBudget(budget);
        }
        List<String> allowances = new ArrayList<>(overrides.allowRisks());
        allowances.addAll(configuration.riskAllowances(Setting.ALLOW_RISKS));
        for (String allowance : allowances) {
            if (allowance.isBlank()) {
                continue;
            }
            Matcher m = Configuration.RISK_ALLOWANCE.matcher(allowance);
            if (!m.matches()) {
                throw new RehearsalException("allowRisks = \"" + allowance + "\" is not \"<version> <rule>: <reason>\","
                        + " such as \"5 non-concurrent-index: the table holds 20 rows in production\" (version * for"
                        + " every migration)");
            }
            String version = m.group(1).equals("*") ? "*" : version(m.group(1), "allowRisks").toString();
            locks = locks.allowRisk(version, m.group(2), m.group(3).trim());
        }
        return locks;
    }

    /** The budget of {@code rehearsal.budget.*}, or null when none of them is set. */
    private static LockLimits budget(Configuration configuration) {
        Optional<Duration> reads = configuration.duration(Setting.BUDGET_READS);
        Optional<Duration> writes = configuration.duration(Setting.BUDGET_WRITES);
        Optional<Duration> exclusive = configuration.duration(Setting.BUDGET_ACCESS_EXCLUSIVE);
        boolean noRisks = configuration.bool(Setting.BUDGET_NO_RISKS, false);
        if (reads.isEmpty() && writes.isEmpty() && exclusive.isEmpty() && !noRisks) {
            return null;
        }
        return new LockLimits(reads.orElse(null), writes.orElse(null), exclusive.orElse(null), noRisks);
    }

    private static String[] versions(List<MigrationVersion> overrides, List<MigrationVersion> configured) {
        List<String> all = new ArrayList<>();
        overrides.forEach(v -> all.add(v.toString()));
        configured.forEach(v -> all.add(v.toString()));
        return all.toArray(String[]::new);
    }

    /** A version, or a failure naming where it was written. */
    public static MigrationVersion version(String text, String where) {
        try {
            return MigrationVersion.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RehearsalException(where + ": " + e.getMessage(), e);
        }
    }
}
