package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads fixture files: rows to insert at a version. YAML and JSON hold a map from table name to a list of rows
 * ({@code customers: [{id: 1, email: a@example.com}]}); a CSV file holds one table, named by the file
 * ({@code customers.csv}), with a header row. Dates stay text, and only {@code true}/{@code false} are booleans,
 * so {@code 2024-01-05} and {@code no} reach the database as written.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FixtureFiles {

    private static final Pattern BOOL = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");

    private FixtureFiles() {
    }

    /** One fixture: where it came from and its rows by table, in file order. */
    public record Fixture(String location, Map<String, List<Map<String, Object>>> tables) {
    }

    /**
     * Reads {@code location}: {@code classpath:fixtures/v3.yaml}, {@code filesystem:src/test/fixtures/v3.json}, or a
     * plain path tried on the classpath, then on the filesystem.
     */
    public static Fixture read(String location, ClassLoader classLoader) {
        String name = location.replaceFirst("^(classpath|filesystem):", "");
        String text = load(location, name, classLoader);
        String lower = name.toLowerCase(Locale.ROOT);
        try {
            if (lower.endsWith(".csv")) {
                String file = Path.of(name).getFileName().toString();
                return new Fixture(location, Map.of(file.substring(0, file.length() - 4), csv(text, location)));
            }
            if (lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json")) {
                return new Fixture(location, tables(yaml().load(text), location));
            }
        } catch (YAMLException e) {
            throw new RehearsalException("Fixture " + location + " is not valid YAML/JSON: " + e.getMessage(), e);
        }
        throw new RehearsalException("Fixture " + location + ": unknown format; use .yaml, .yml, .json or .csv");
    }

    private static String load(String location, String name, ClassLoader classLoader) {
        boolean filesystem = location.startsWith("filesystem:");
        if (!filesystem) {
            try (InputStream in = classLoader.getResourceAsStream(name.replaceFirst("^/", ""))) {
                if (in != null) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new RehearsalException("Could not read fixture " + location + ": " + e.getMessage(), e);
            }
        }
        Path path = Path.of(name);
        if (!location.startsWith("classpath:") && Files.isRegularFile(path)) {
            try {
                return Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new RehearsalException("Could not read fixture " + location + ": " + e.getMessage(), e);
            }
        }
        throw new RehearsalException("Fixture " + location + " not found"
                + (location.startsWith("filesystem:") ? " (looked at " + path.toAbsolutePath() + ")"
                : location.startsWith("classpath:") ? " on the classpath" : " on the classpath nor at " + path.toAbsolutePath()));
    }

    private static Yaml yaml() {
        Resolver resolver = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                addImplicitResolver(Tag.BOOL, BOOL, "tTfF", 10);
                addImplicitResolver(Tag.INT, INT, "-+0123456789");
                addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
                addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
                addImplicitResolver(Tag.NULL, EMPTY, null, 10);
            }
        };
        LoaderOptions options = new LoaderOptions();
        DumperOptions dump = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dump), dump, options, resolver);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<Map<String, Object>>> tables(Object parsed, String location) {
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new RehearsalException("Fixture " + location + " must map table names to lists of rows, such as\n"
                    + "  customers:\n    - {id: 1, email: ada@example.com}");
        }
        Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String table = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof List<?> rows)) {
                throw new RehearsalException("Fixture " + location + ", table " + table + ": expected a list of rows");
            }
            List<Map<String, Object>> list = new ArrayList<>();
            int i = 0;
            for (Object row : rows) {
                i++;
                if (!(row instanceof Map<?, ?>)) {
                    throw new RehearsalException("Fixture " + location + ", table " + table + ", row " + i
                            + ": expected column: value pairs, got " + row);
                }
                list.add(new LinkedHashMap<>((Map<String, Object>) row));
            }
            tables.put(table, list);
        }
        return tables;
    }

    /** RFC 4180 CSV: an empty unquoted field is NULL, {@code ""} is the empty string. */
    static List<Map<String, Object>> csv(String text, String location) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                record.add(wasQuoted || field.length() > 0 ? field.toString() : null);
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(wasQuoted || field.length() > 0 ? field.toString() : null);
                field.setLength(0);
                wasQuoted = false;
                if (!(record.size() == 1 && record.get(0) == null)) {
                    records.add(record);
                }
                record = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new RehearsalException("Fixture " + location + ": a quoted field is not closed");
        }
        if (field.length() > 0 || wasQuoted || !record.isEmpty()) {
            record.add(wasQuoted || field.length() > 0 ? field.toString() : null);
            records.add(record);
        }
        if (records.isEmpty()) {
            throw new RehearsalException("Fixture " + location + " is empty: expected a header row with column names");
        }
        List<String> header = records.get(0);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> values = records.get(r);
            if (values.size() != header.size()) {
                throw new RehearsalException("Fixture " + location + ", line " + (r + 1) + ": " + values.size()
                        + " fields, but the header has " + header.size() + " (" + String.join(", ", header) + ")");
            }
            Map<String, Object> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                row.put(header.get(c), values.get(c));
            }
            rows.add(row);
        }
        return rows;
    }
}
