package dev.rehearsal.core.config;

import dev.rehearsal.core.Shard;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.report.ReportFormat;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.IllformedLocaleException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code rehearsal.*} settings of one test or one command-line run, read in one place and validated. In a test a
 * value comes from the first of: the annotation (its caller passes it in), a JVM system property,
 * {@code junit-platform.properties} (JUnit's own precedence between those two), the setting's environment variable,
 * the default; on the command line from its flags, then {@code rehearsal.properties} or {@code rehearsal.toml}. Unknown {@code rehearsal.*} keys
 * and malformed values fail with a message that names the key, the value, what is accepted and, for a misspelt
 * key, the closest known one. Immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Configuration {


    private final Function<String, Optional<String>> parameters;
    private final Function<String, String> environment;
    private final Map<String, String> placeholders;
    private final Map<String, String> alembicEnvironment;
    private final Map<String, String> toolEnvironment;
    private final ProductionVolumes volumeSettings;
    private final Map<String, Duration> queryWaitsByTable;

    private Configuration(Function<String, Optional<String>> parameters, Function<String, String> environment,
                          Map<String, String> placeholders, Map<String, String> alembicEnvironment,
                          Map<String, String> toolEnvironment, ProductionVolumes volumeSettings,
                          Map<String, Duration> queryWaitsByTable) {
        this.parameters = parameters;
        this.environment = environment;
        this.placeholders = Map.copyOf(placeholders);
        this.alembicEnvironment = Map.copyOf(alembicEnvironment);
        this.toolEnvironment = Map.copyOf(toolEnvironment);
        this.volumeSettings = volumeSettings;
        this.queryWaitsByTable = Map.copyOf(queryWaitsByTable);
    }

    /** {@code rehearsal.queries.max-wait.<table>}: the wait budget of the application's statements on each table. */
    public Map<String, Duration> queryWaitsByTable() {
        return queryWaitsByTable;
    }

    /**
     * A configuration over explicit sources: {@code keys} are every key set anywhere, with where it was set
     * ({@code system property}, a file's URL); {@code parameters} looks a key up.
     *
     * @throws RehearsalException naming an unknown key (with the closest known one) or a malformed value
     */
    public static Configuration of(Map<String, String> keys, Function<String, Optional<String>> parameters,
                            Function<String, String> environment) {
        Map<String, String> placeholders = new LinkedHashMap<>();
        Map<String, String> alembicEnvironment = new LinkedHashMap<>();
        Map<String, String> toolEnvironment = new LinkedHashMap<>();
        Map<String, String> volumes = new LinkedHashMap<>();
        Map<String, Duration> queryWaits = new LinkedHashMap<>();
        Set<String> volumeSources = new TreeSet<>();
        for (Map.Entry<String, String> entry : keys.entrySet()) {
            String key = entry.getKey();
            if (!key.startsWith("rehearsal.") || Setting.NOT_SETTINGS.contains(key)) {
                continue;
            }
            if (key.startsWith(Setting.VOLUME_PREFIX)) {
                // JUnit's launcher answers for system properties too; a bare engine (the test kit) may not
                parameters.apply(key).or(() -> Optional.ofNullable(System.getProperty(key)))
                        .ifPresent(v -> volumes.put(key, v));
                volumeSources.add(entry.getValue());
                continue;
            }
            if (key.startsWith(Setting.QUERY_WAIT_PREFIX)) {
                String table = key.substring(Setting.QUERY_WAIT_PREFIX.length());
                parameters.apply(key).or(() -> Optional.ofNullable(System.getProperty(key)))
                        .ifPresent(v -> queryWaits.put(table, parseDuration(v, key)));
                continue;
            }
            if (key.startsWith(Setting.PLACEHOLDER_PREFIX)) {
                String name = key.substring(Setting.PLACEHOLDER_PREFIX.length());
                parameters.apply(key).ifPresent(v -> placeholders.put(name, v));
                continue;
            }
            if (key.startsWith(Setting.ALEMBIC_ENV_PREFIX)) {
                String name = key.substring(Setting.ALEMBIC_ENV_PREFIX.length());
                parameters.apply(key).ifPresent(v -> alembicEnvironment.put(name, v));
                continue;
            }
            if (key.startsWith(Setting.TOOL_ENV_PREFIX)) {
                String name = key.substring(Setting.TOOL_ENV_PREFIX.length());
                parameters.apply(key).ifPresent(v -> toolEnvironment.put(name, v));
                continue;
            }
            if (Setting.byKey(key).isEmpty()) {
                throw Setting.unknown(key, entry.getValue());
            }
        }
        // a volume that is not a positive whole number fails here, naming its key, before any database is made
        ProductionVolumes volumeSettings = ProductionVolumes.fromSettings(volumes, String.join(", ", volumeSources));
        Configuration configuration = new Configuration(parameters, environment, placeholders, alembicEnvironment,
                toolEnvironment, volumeSettings, queryWaits);
        for (Setting setting : Setting.values()) {
            configuration.validate(setting);
        }
        return configuration;
    }

    /** The known key nearest to {@code key} by edit distance, or null when none is near. */
    public static String closest(String key) {
        return Setting.closest(key);
    }

    /** The keys of every {@code file} (such as {@code junit-platform.properties}) on {@code loader}'s path, with where. */
    public static Map<String, String> propertiesFileKeys(ClassLoader loader, String file) {
        Map<String, String> keys = new TreeMap<>();
        try {
            Enumeration<URL> files = loader.getResources(file);
            while (files.hasMoreElements()) {
                URL url = files.nextElement();
                Properties properties = new Properties();
                try (InputStream in = url.openStream()) {
                    properties.load(in);
                }
                properties.stringPropertyNames().forEach(k -> keys.putIfAbsent(k, url.toString()));
            }
        } catch (IOException e) {
            throw new RehearsalException("Could not read " + file + " to check its rehearsal.* settings: "
                    + e.getMessage(), e);
        }
        return keys;
    }

    /** Reads the value once in its form, so that a malformed one fails before any database is made. */
    private void validate(Setting setting) {
        Optional<String> raw = raw(setting);
        if (raw.isEmpty()) {
            return;
        }
        switch (setting.form()) {
            case BOOLEAN -> bool(setting, true);
            case COUNT, INTEGER -> longValue(setting).orElseThrow();
            case RATIO -> ratio(setting);
            case DURATION -> duration(setting);
            case LOCALE -> locale(setting);
            case VERSION, VERSIONS -> versions(setting, raw.get());
            case JDBC_URL -> {
                if (!raw.get().startsWith("jdbc:")) {
                    throw invalid(setting, raw.get(), null);
                }
            }
            case CHOICE -> {
                if (!setting.choices().contains(raw.get().toLowerCase(Locale.ROOT))) {
                    throw invalid(setting, raw.get(), null);
                }
            }
            case RISK_ALLOWANCES -> riskAllowances(setting);
            case SHARD -> shard(setting);
            case PARALLEL -> parallel(setting);
            case TEXT, SECRET, LIST -> {
            }
        }
    }

    /** A {@link Setting.Form#PARALLEL} value: how many parts at most, or 0 for {@code auto} (also when unset). */
    public int parallel(Setting setting) {
        Optional<String> raw = raw(setting);
        if (raw.isEmpty() || raw.get().strip().equalsIgnoreCase("auto")) {
            return 0;
        }
        try {
            int parts = Integer.parseInt(raw.get().strip());
            if (parts >= 1) {
                return parts;
            }
            throw invalid(setting, raw.get(), null);
        } catch (NumberFormatException e) {
            throw invalid(setting, raw.get(), e);
        }
    }

    /** A {@link Setting.Form#SHARD} value; {@link Shard#ALL} when unset. */
    public Shard shard(Setting setting) {
        Optional<String> raw = raw(setting);
        if (raw.isEmpty()) {
            return Shard.ALL;
        }
        try {
            return Shard.parse(raw.get());
        } catch (IllegalArgumentException e) {
            throw invalid(setting, raw.get(), e);
        }
    }

    /** An environment variable ({@code CI}), as the test sees it. */
    public Optional<String> environment(String name) {
        return Optional.ofNullable(environment.apply(name));
    }

    /** The value as set, trimmed; empty when unset or blank. */
    public Optional<String> text(Setting setting) {
        return raw(setting);
    }

    private Optional<String> raw(Setting setting) {
        Optional<String> value = parameters.apply(setting.key()).map(String::trim).filter(v -> !v.isEmpty());
        if (value.isEmpty() && setting.environmentVariable().isPresent()) {
            value = Optional.ofNullable(environment.apply(setting.environmentVariable().get()))
                    .map(String::trim).filter(v -> !v.isEmpty());
        }
        return value;
    }

    /** The annotation's value when it sets one, else {@link #text}. */
    public Optional<String> text(String annotationValue, Setting setting) {
        if (annotationValue != null && !annotationValue.isBlank()) {
            return Optional.of(annotationValue.trim());
        }
        return text(setting);
    }

    /** {@code true} or {@code false}, any case; anything else fails. */
    public boolean bool(Setting setting, boolean otherwise) {
        return raw(setting).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(setting, v, null);
        }).orElse(otherwise);
    }

    public Optional<Long> longValue(Setting setting) {
        return raw(setting).map(v -> {
            try {
                long value = Long.parseLong(v);
                if (setting.form() == Setting.Form.COUNT && value < 0) {
                    throw invalid(setting, v, null);
                }
                return value;
            } catch (NumberFormatException e) {
                throw invalid(setting, v, e);
            }
        });
    }

    public Optional<Double> ratio(Setting setting) {
        return raw(setting).map(v -> {
            try {
                double value = Double.parseDouble(v);
                if (!(value >= 0 && value <= 1)) {
                    throw invalid(setting, v, null);
                }
                return value;
            } catch (NumberFormatException e) {
                throw invalid(setting, v, e);
            }
        });
    }

    public Optional<Duration> duration(Setting setting) {
        return raw(setting).map(v -> parseDuration(v, setting.key()));
    }

    public Optional<Locale> locale(Setting setting) {
        return raw(setting).map(v -> {
            try {
                Locale locale = new Locale.Builder().setLanguageTag(v).build();
                if (locale.getLanguage().isEmpty()) {
                    throw invalid(setting, v, null);
                }
                return locale;
            } catch (IllformedLocaleException e) {
                throw invalid(setting, v, e);
            }
        });
    }

    /** The comma-separated versions of a {@link Setting.Form#VERSIONS} setting (one for {@link Setting.Form#VERSION}). */
    public List<MigrationVersion> versions(Setting setting) {
        return raw(setting).map(v -> versions(setting, v)).orElse(List.of());
    }

    private List<MigrationVersion> versions(Setting setting, String value) {
        List<MigrationVersion> versions = new ArrayList<>();
        List<String> parts = setting.form() == Setting.Form.VERSION ? List.of(value) : list(value, ",");
        for (String part : parts) {
            try {
                versions.add(MigrationVersion.parse(part));
            } catch (IllegalArgumentException e) {
                throw invalid(setting, value, e);
            }
        }
        return versions;
    }

    /** The entries of a comma-separated {@link Setting.Form#LIST}. */
    public List<String> list(Setting setting) {
        return raw(setting).map(v -> list(v, ",")).orElse(List.of());
    }

    /** The {@code "<version> <rule>: <reason>"} entries of {@link Setting#ALLOW_RISKS}, checked. */
    public List<String> riskAllowances(Setting setting) {
        List<String> entries = raw(setting).map(v -> list(v, ";")).orElse(List.of());
        for (String entry : entries) {
            if (!RISK_ALLOWANCE.matcher(entry).matches()) {
                throw invalid(setting, entry, null);
            }
        }
        return entries;
    }

    /** {@code rehearsal.env.<NAME>} templates, by variable name. */
    public Map<String, String> toolEnvironment() {
        return toolEnvironment;
    }

    /** {@code rehearsal.alembic.env.<NAME>} templates, by variable name. */
    public Map<String, String> alembicEnvironment() {
        return alembicEnvironment;
    }

    /** {@code rehearsal.placeholders.<name>} values set as system properties or in {@code junit-platform.properties}. */
    public Map<String, String> placeholders() {
        return placeholders;
    }

    /**
     * The production volumes for estimates: the {@code rehearsal.volumes.file} statistics file, then the
     * {@code rehearsal.volume.<table>} settings, then {@code annotated} ({@code @ProductionVolume} on a test class),
     * each winning over the one before.
     */
    public ProductionVolumes volumes(Map<String, Long> annotated) {
        ProductionVolumes volumes = text(Setting.VOLUMES_FILE).map(f -> ProductionVolumes.fromStatistics(Path.of(f)))
                .orElse(ProductionVolumes.of(Map.of()));
        if (!volumeSettings.isEmpty()) {
            volumes = volumes.isEmpty() ? volumeSettings : volumes.and(volumeSettings);
        }
        if (!annotated.isEmpty()) {
            ProductionVolumes declared = new ProductionVolumes(new LinkedHashMap<>(annotated), "@ProductionVolume");
            volumes = volumes.isEmpty() ? declared : volumes.and(declared);
        }
        return volumes;
    }

    /** {@code rehearsal.report.formats}: text, JSON and HTML always, and any of sarif, junit, github. */
    public Set<ReportFormat> reportFormats() {
        Set<ReportFormat> formats = EnumSet.of(
                ReportFormat.TEXT, ReportFormat.JSON,
                ReportFormat.HTML);
        for (String name : list(Setting.REPORT_FORMATS)) {
            try {
                formats.add(ReportFormat.parse(name));
            } catch (RehearsalException e) {
                throw new RehearsalException(Setting.REPORT_FORMATS.key() + ": " + e.getMessage(), e);
            }
        }
        return formats;
    }

    /**
     * The sizes, repeats and time budget of volume estimates: {@code rehearsal.estimates.sizes} (rows, increasing,
     * {@code _} allowed as in {@code 160_000}), {@code .repeats} and {@code .time-budget}, each defaulting to
     * {@link dev.rehearsal.core.estimate.EstimateSettings#DEFAULTS}.
     */
    public EstimateSettings estimateSettings() {
        EstimateSettings settings = EstimateSettings.DEFAULTS;
        if (raw(Setting.ESTIMATE_SIZES).isPresent()) {
            List<Long> sizes = new ArrayList<>();
            for (String size : list(Setting.ESTIMATE_SIZES)) {
                try {
                    sizes.add(Long.parseLong(size.replace("_", "")));
                } catch (NumberFormatException e) {
                    throw invalid(Setting.ESTIMATE_SIZES, raw(Setting.ESTIMATE_SIZES).orElseThrow(), e);
                }
            }
            try {
                settings = new EstimateSettings(sizes, settings.repeats(),
                        settings.timeBudget());
            } catch (RehearsalException e) {
                throw new RehearsalException(Setting.ESTIMATE_SIZES.key() + ": " + e.getMessage(), e);
            }
        }
        Optional<Long> repeats = longValue(Setting.ESTIMATE_REPEATS);
        if (repeats.isPresent()) {
            if (repeats.get() < 1 || repeats.get() > 100) {
                throw invalid(Setting.ESTIMATE_REPEATS, String.valueOf(repeats.get()), null);
            }
            settings = settings.withRepeats(repeats.get().intValue());
        }
        Optional<Duration> budget = duration(Setting.ESTIMATE_TIME_BUDGET);
        if (budget.isPresent()) {
            settings = settings.withTimeBudget(budget.get());
        }
        return settings;
    }

    public static final Pattern RISK_ALLOWANCE = Pattern.compile("^\\s*(\\S+)\\s+([\\w-]+)\\s*:\\s*(.+)$");

    private static List<String> list(String value, String separator) {
        return Arrays.stream(value.split(Pattern.quote(separator))).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code 100ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 250} (milliseconds). */
    public static Duration parseDuration(String text, String where) {
        Matcher m = Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?\\s*$").matcher(text);
        if (!m.matches()) {
            throw new RehearsalException(where + " = \"" + text + "\" is not " + Setting.Form.DURATION.accepted() + ".");
        }
        BigDecimal value = new BigDecimal(m.group(1));
        BigDecimal millis = switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "s" -> value.multiply(BigDecimal.valueOf(1000));
            case "m" -> value.multiply(BigDecimal.valueOf(60_000));
            default -> value;
        };
        return Duration.ofNanos(millis.multiply(BigDecimal.valueOf(1_000_000)).longValue());
    }

    private static RehearsalException invalid(Setting setting, String value, Exception cause) {
        String shown = setting.form() == Setting.Form.SECRET ? "(hidden)" : "\"" + value + "\"";
        return new RehearsalException(setting.key() + " = " + shown + " is not valid: use " + setting.accepted()
                + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")") + ".", cause);
    }
}
