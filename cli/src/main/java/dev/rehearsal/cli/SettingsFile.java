package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.rehearsal.core.model.RehearsalException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A project's settings for the command line: {@code rehearsal.properties} (the keys of the README's configuration
 * table, as in {@code junit-platform.properties}) or {@code rehearsal.toml} (the same keys without {@code rehearsal.},
 * dotted keys and tables allowed: {@code [budget] writes = "200ms"}), found in the migrations' folder or the nearest
 * folder above it that has one, as squawk finds {@code .squawk.toml}. Read with {@link Properties} and Jackson's TOML
 * parser, so quoting and escapes are theirs.
 *
 * @param file   where it was read
 * @param values the settings, by their full {@code rehearsal.*} key
 */
record SettingsFile(Path file, Map<String, String> values) {

    static final String PROPERTIES = "rehearsal.properties";
    static final String TOML = "rehearsal.toml";

    SettingsFile {
        values = Map.copyOf(values);
    }

    /** The file nearest to {@code start} (a folder, or a file whose folder counts), going up; empty when none. */
    static Optional<SettingsFile> find(Path start) {
        Path dir = start.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            dir = dir.getParent();
        }
        for (; dir != null; dir = dir.getParent()) {
            Path properties = dir.resolve(PROPERTIES);
            Path toml = dir.resolve(TOML);
            boolean hasProperties = Files.isRegularFile(properties);
            boolean hasToml = Files.isRegularFile(toml);
            if (hasProperties && hasToml) {
                throw new RehearsalException("Both " + properties + " and " + TOML + " are there: keep one of them");
            }
            if (hasProperties || hasToml) {
                return Optional.of(read(hasProperties ? properties : toml));
            }
        }
        return Optional.empty();
    }

    /** Reads a {@code .properties} or {@code .toml} file. */
    static SettingsFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RehearsalException("The settings file " + file + " does not exist");
        }
        Map<String, String> values = new LinkedHashMap<>();
        try {
            if (file.getFileName().toString().endsWith(".toml")) {
                JsonNode root = new TomlMapper().readTree(file.toFile());
                flatten("", root, values);
            } else {
                Properties properties = new Properties();
                try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    properties.load(in);
                }
                properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
            }
        } catch (IOException e) {
            throw new RehearsalException("Could not read the settings file " + file + ": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        return new SettingsFile(file, values);
    }

    /** {@code [budget] writes = "200ms"} becomes {@code rehearsal.budget.writes=200ms}; arrays become lists. */
    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix.isEmpty() && !field.getKey().startsWith("rehearsal")
                    ? "rehearsal." + field.getKey() : prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key, value, into);
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(v -> items.add(v.asText()));
                into.put(key, String.join(key.equals("rehearsal.allow-risks") ? "; " : ", ", items));
            } else {
                into.put(key, value.asText());
            }
        }
    }
}
