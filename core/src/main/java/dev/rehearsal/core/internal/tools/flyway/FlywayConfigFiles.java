package dev.rehearsal.core.internal.tools.flyway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.config.Setting;
import dev.rehearsal.core.internal.spring.SpringBoot;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The team's Flyway configuration, read where teams keep it and turned into Flyway's own property names
 * ({@code flyway.table}, {@code flyway.placeholders.x}): {@code flyway.conf} and {@code flyway.toml} in the project
 * directory (or its {@code conf/}), Spring Boot's {@code spring.flyway.*} in {@code application.properties} or
 * {@code application.yml} on the test class path, or the files {@code rehearsal.flyway.config} names; then the
 * command line's {@code -D flyway.*} over them. Connection settings are left out: Rehearsal brings its own database.
 * Flyway itself then checks every key and value.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FlywayConfigFiles {

    /** Properties Rehearsal sets itself: the database it rehearses on, and what it must never do there. */
    static final Set<String> CONNECTION = Set.of("url", "user", "password", "driver", "connectRetries",
            "connectRetriesInterval", "environment", "target", "cleanDisabled", "loggers");

    /** Spring Boot's own keys that are not Flyway's. */
    private static final Set<String> SPRING_ONLY = Set.of("enabled", "failOnMissingLocations", "checkLocation",
            "driverClassName");

    private static final List<String> SPRING_FILES = List.of("application.properties", "application.yml",
            "application.yaml");

    /**
     * What was read: Flyway's properties, the files they came from, and the {@code locations} they name (empty when
     * none does).
     */
    public record Loaded(Map<String, String> properties, List<String> files, List<String> locations,
                         Map<String, String> origins) {
        public static final Loaded NONE = new Loaded(Map.of(), List.of(), List.of());

        public Loaded {
            properties = Map.copyOf(properties);
            files = List.copyOf(files);
            locations = List.copyOf(locations);
            origins = Map.copyOf(origins);
        }

        /** Settings whose origin is the file they were read from. */
        public Loaded(Map<String, String> properties, List<String> files, List<String> locations) {
            this(properties, files, locations, Map.of());
        }

        /** Where the migrations' naming (prefix, separator, suffixes) was set, for messages; empty when it was not. */
        public String namingOrigins() {
            return String.join("; ", Stream.of("flyway.sqlMigrationPrefix",
                    "flyway.sqlMigrationSeparator", "flyway.sqlMigrationSuffixes").filter(properties::containsKey)
                    .map(k -> k.substring("flyway.".length()) + " " + properties.get(k) + ": " + origin(k)).toList());
        }

        /** Where a Flyway property was set ({@code spring.flyway.table from class path resource [...] - 3:22}). */
        public String origin(String property) {
            return origins.getOrDefault(property, String.join(", ", files));
        }

        /** {@code flyway.conf, application.yml}, for messages. */
        public String describe() {
            return String.join(", ", files);
        }
    }

    private FlywayConfigFiles() {
    }

    /**
     * The configuration the settings name, or the one found in {@code projectDir} and on the class path; Spring Boot's
     * {@code application.properties} also in {@code springFolders} (where the command line finds the project's).
     */
    public static Loaded load(ToolSettings tool, ClassLoader classLoader, Path projectDir,
                              Collection<Path> springFolders) {
        Map<String, String> all = new LinkedHashMap<>();
        List<String> files = new ArrayList<>();
        Map<String, String> origins = new LinkedHashMap<>();
        if (!tool.flywayConfig().isEmpty()) {
            for (String name : tool.flywayConfig()) {
                String trimmed = name.trim();
                String text = trimmed.startsWith("classpath:") ? classpathText(classLoader, trimmed.substring(10))
                        : fileText(projectDir.resolve(trimmed));
                if (text == null) {
                    throw new RehearsalException("The Flyway configuration file " + trimmed + " named by"
                            + " rehearsal.flyway.config does not exist (looked in " + (trimmed.startsWith("classpath:")
                            ? "the test class path" : projectDir.resolve(trimmed).toAbsolutePath().normalize())
                            + "). Fix the path, or leave the setting out to find flyway.conf, flyway.toml and"
                            + " application.properties/yml where teams keep them.");
                }
                all.putAll(parse(trimmed, text));
                files.add(trimmed);
            }
        } else {
            for (String candidate : List.of("flyway.conf", "flyway.toml", "conf/flyway.conf", "conf/flyway.toml")) {
                String text = fileText(projectDir.resolve(candidate));
                if (text != null) {
                    all.putAll(parse(candidate, text));
                    files.add(candidate);
                }
            }
            Loaded spring = spring(classLoader, springFolders);
            if (!spring.properties().isEmpty() || !spring.locations().isEmpty()) {
                all.putAll(spring.properties());
                spring.locations().forEach(l -> all.merge("flyway.locations", l, (a, b) -> a + "," + b));
                files.addAll(spring.files());
                origins.putAll(spring.origins());
            }
        }
        // the command line's -D flyway.*, over the files, as Flyway's own command line and Maven plugin take them;
        // only where the command line says so: in a test JVM, flyway.* system properties are the build's (a Maven
        // -Dflyway.version picks Flyway's version), and the application's Flyway does not read them either
        if (!Boolean.getBoolean(Setting.FLYWAY_SYSTEM_PROPERTIES)) {
            return finish(all, files, origins);
        }
        System.getProperties().forEach((k, v) -> {
            if (k instanceof String key && key.startsWith("flyway.") && v instanceof String value) {
                if (!files.contains("system properties")) {
                    files.add("system properties");
                }
                all.put(key, value);
                origins.put(key, "system property");
            }
        });
        return finish(all, files, origins);
    }

    private static Loaded finish(Map<String, String> all, List<String> files, Map<String, String> origins) {
        if (files.isEmpty()) {
            return Loaded.NONE;
        }
        String locations = all.remove("flyway.locations");
        List<String> locationList = locations == null ? List.of() : List.of(locations.split("\\s*,\\s*"));
        all.keySet().removeIf(k -> CONNECTION.contains(k.substring("flyway.".length()))
                || k.startsWith("flyway.jdbcProperties."));
        return new Loaded(all, files, locationList, origins);
    }

    /**
     * {@code spring.flyway.*}: as Spring Boot reads it where Spring Boot and Flyway are on the class path
     * ({@link SpringFlyway}); otherwise from {@code application.properties} and {@code application.yml} on the class
     * path alone (no profiles), with {@code ${...}} resolved within the files read.
     */
    private static Loaded spring(ClassLoader classLoader, Collection<Path> springFolders) {
        if (SpringBoot.available(classLoader) && FlywaySource.flywayAvailable(classLoader)) {
            return SpringFlyway.read(classLoader, springFolders);
        }
        Map<String, String> all = new LinkedHashMap<>();
        Map<String, String> every = new LinkedHashMap<>();
        List<String> files = new ArrayList<>();
        for (String candidate : SPRING_FILES) {
            String text = classpathText(classLoader, candidate);
            if (text != null) {
                Map<String, String> spring = parse("classpath:" + candidate, text);
                every.putAll(SpringPlaceholders.keys(candidate, text));
                if (!spring.isEmpty()) {
                    all.putAll(spring);
                    files.add("classpath:" + candidate);
                }
            }
        }
        all.replaceAll((key, value) -> SpringPlaceholders.resolve(value, every));
        String locations = all.remove("flyway.locations");
        return new Loaded(all, files, locations == null ? List.of() : List.of(locations.split("\\s*,\\s*")));
    }

    /** Flyway's properties in one file, by its name: TOML, YAML, or properties ({@code flyway.*} or {@code spring.flyway.*}). */
    static Map<String, String> parse(String name, String text) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".toml")) {
            return toml(name, text);
        }
        if (lower.endsWith(".yml") || lower.endsWith(".yaml")) {
            return yaml(name, text);
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw malformed(name, e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames().stream().sorted().toList()) {
            String value = p.getProperty(key).trim();
            if (key.startsWith("flyway.")) {
                out.put(key, value);
            } else if (key.startsWith("spring.flyway.")) {
                spring(key.substring("spring.flyway.".length()), value, out);
            }
        }
        return out;
    }

    private static Map<String, String> toml(String name, String text) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (IOException e) {
            throw malformed(name, e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode flyway = root.get("flyway");
        if (flyway != null) {
            flatten("flyway", flyway, out);
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + "." + e.getKey();
            JsonNode value = e.getValue();
            if (value.isObject()) {
                flatten(key, value, out);
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(v -> items.add(v.asText()));
                out.put(key, String.join(",", items));
            } else {
                out.put(key, value.asText());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> yaml(String name, String text) {
        List<Object> documents = new ArrayList<>();
        try {
            new Yaml().loadAll(text).forEach(documents::add);
        } catch (YAMLException e) {
            throw malformed(name, e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        // Spring Boot's multi-document files: the documents without a profile condition apply, in order
        for (Object doc : documents) {
            if (doc instanceof Map<?, ?> top && top.get("spring") instanceof Map<?, ?> spring
                    && !(spring.get("config") instanceof Map<?, ?> config && config.get("activate") != null)
                    && spring.get("flyway") instanceof Map<?, ?> flyway) {
                Map<String, String> flat = new LinkedHashMap<>();
                SpringPlaceholders.flatten("", (Map<String, Object>) flyway, flat);
                flat.forEach((k, v) -> spring(k, v, out));
            }
        }
        return out;
    }

    /**
     * One {@code spring.flyway.*} key as Flyway's: Spring's relaxed names ({@code sql-migration-suffixes},
     * {@code sqlMigrationSuffixes}, indexed lists {@code locations[0]}) to Flyway's camel case; placeholder names kept.
     */
    private static void spring(String key, String value, Map<String, String> out) {
        if (key.startsWith("placeholders.")) {
            out.put("flyway." + key, value);
            return;
        }
        String base = key.replaceFirst("\\[\\d+]$", "");
        String camel = camel(base);
        if (SPRING_ONLY.contains(camel)) {
            return;
        }
        if (camel.equals("initSqls")) {
            camel = "initSql";
        }
        String flywayKey = "flyway." + camel;
        out.merge(flywayKey, value, (a, b) -> a + "," + b);
    }

    private static String camel(String key) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char c : key.toCharArray()) {
            if (c == '-' || c == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    private static RehearsalException malformed(String file, String why) {
        return new RehearsalException("The Flyway configuration in " + file + " cannot be read: " + why
                + "\nFix the file, or point rehearsal.flyway.config at the one Flyway uses.");
    }

    private static String fileText(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new RehearsalException("Could not read the Flyway configuration file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String classpathText(ClassLoader classLoader, String resource) {
        URL url = classLoader.getResource(resource);
        if (url == null) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RehearsalException("Could not read the Flyway configuration " + url + ": " + e.getMessage(), e);
        }
    }
}
