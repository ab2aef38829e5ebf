package dev.rehearsal.core.estimate;

import dev.rehearsal.core.model.ClosestName;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How many rows the tables have in production, so that a rehearsal on thousands of rows can say how long a migration
 * will run and lock on millions. Tables without a volume are not estimated. Declared in settings
 * ({@code rehearsal.volume.orders=50000000}), in code, or in a statistics file exported from production with the
 * query in {@code docs/estimates.md}.
 *
 * @param rows   production row count by table name ({@code orders}, or {@code audit.log} outside {@code public})
 * @param source where the volumes were declared, for messages
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record ProductionVolumes(Map<String, Long> rows, String source) {

    /** The prefix of settings keys that declare a volume: {@code rehearsal.volume.<table>}. */
    public static final String PREFIX = "rehearsal.volume.";

    public ProductionVolumes {
        rows = Map.copyOf(new LinkedHashMap<>(rows));
        for (Map.Entry<String, Long> e : rows.entrySet()) {
            if (e.getValue() == null || e.getValue() <= 0) {
                throw new RehearsalException("The production volume of " + e.getKey() + " in " + source + " is "
                        + e.getValue() + ": give a positive number of rows");
            }
        }
    }

    /** Volumes declared in code. */
    public static ProductionVolumes of(Map<String, Long> rows) {
        return new ProductionVolumes(rows, "code");
    }

    /**
     * The {@code rehearsal.volume.<table>} entries of {@code settings} (system properties, a properties file);
     * other keys are ignored. Values may use {@code _} or {@code ,} between digits ({@code 50_000_000}).
     *
     * @throws RehearsalException naming the key whose value is not a positive whole number
     */
    public static ProductionVolumes fromSettings(Map<String, String> settings, String source) {
        Map<String, Long> rows = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                String table = key.substring(PREFIX.length()).strip();
                if (table.isEmpty()) {
                    throw new RehearsalException(key + " in " + source + " names no table: write " + PREFIX + "orders=50000000");
                }
                rows.put(table, positive(value, key + " in " + source));
            }
        });
        return new ProductionVolumes(rows, source);
    }

    /**
     * A statistics file exported from production: CSV (or tab-separated) with a header naming at least
     * {@code table_name} and {@code rows} ({@code schema_name} and {@code bytes} are read when present), as the
     * queries in {@code docs/estimates.md} write it.
     *
     * @throws RehearsalException naming the file and line that cannot be read
     */
    public static ProductionVolumes fromStatistics(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new RehearsalException("Could not read the statistics file " + file + ": " + e.getMessage(), e);
        }
        String header = text.lines().findFirst().orElse("");
        char separator = header.contains("\t") ? '\t' : ',';
        CSVFormat format = CSVFormat.Builder.create(CSVFormat.RFC4180).setDelimiter(separator).setHeader()
                .setSkipHeaderRecord(true).setIgnoreEmptyLines(true).get();
        Map<String, Long> rows = new LinkedHashMap<>();
        try (CSVParser lines = CSVParser.parse(text, format)) {
            Map<String, String> first = null;
            int line = 1;
            for (CSVRecord record : lines) {
                Map<String, String> row = lowerKeys(record.toMap());
                line++;
                if (first == null) {
                    first = row;
                    if (!row.containsKey("table_name") || !row.containsKey("rows")) {
                        throw new RehearsalException("The statistics file " + file + " has the columns " + row.keySet()
                                + "; it needs table_name and rows (schema_name and bytes are optional): export it with"
                                + " the query in docs/estimates.md");
                    }
                }
                String schemaName = row.getOrDefault("schema_name", "");
                String table = row.get("table_name");
                if (table == null || table.isBlank()) {
                    throw new RehearsalException("Line " + line + " of the statistics file " + file + " names no table");
                }
                String name = schemaName.isBlank() || schemaName.equals("public") ? table : schemaName + "." + table;
                long count = Math.round(number(row.get("rows"), "line " + line + " of " + file + " (rows of " + name + ")"));
                if (count > 0) {
                    rows.put(name, count); // PostgreSQL says -1 (or 0) for a table never analyzed: no estimate
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof RehearsalException r) {
                throw r;
            }
            throw new RehearsalException("The statistics file " + file + " is not CSV with a header line: "
                    + e.getMessage() + ". Export it with the query in docs/estimates.md", e);
        }
        return new ProductionVolumes(rows, file.toString());
    }

    private static Map<String, String> lowerKeys(Map<String, String> row) {
        Map<String, String> lower = new LinkedHashMap<>();
        row.forEach((k, v) -> lower.put(k.strip().toLowerCase(Locale.ROOT), v == null ? null : v.strip()));
        return lower;
    }

    private static double number(String value, String where) {
        try {
            return Double.parseDouble(value.replace("_", "").replace(",", ""));
        } catch (RuntimeException e) {
            throw new RehearsalException(where + " is \"" + value + "\", not a number of rows");
        }
    }

    private static long positive(String value, String where) {
        String digits = value == null ? "" : value.strip().replace("_", "").replace(",", "");
        if (!digits.matches("[0-9]{1,18}") || Long.parseLong(digits) == 0) {
            throw new RehearsalException(where + " = \"" + value + "\" is not a positive whole number of rows: write,"
                    + " for example, 50000000 or 50_000_000");
        }
        return Long.parseLong(digits);
    }

    /** These volumes and {@code other}'s, {@code other} winning where both name a table. */
    public ProductionVolumes and(ProductionVolumes other) {
        Map<String, Long> merged = new LinkedHashMap<>(rows);
        merged.putAll(other.rows);
        return new ProductionVolumes(merged, source + " and " + other.source);
    }

    /**
     * One warning line for each table these volumes name that {@code schema} (the history's schema at its last
     * version) lacks, with the closest table it has: a volume for it is never used, most often a typo.
     */
    public List<String> unknownTables(SchemaSnapshot schema) {
        List<String> tables = schema.objects(ObjectKind.TABLE).stream()
                .map(SchemaObject::name).toList();
        return rows.keySet().stream().filter(t -> schema.table(t).isEmpty() && !KEPT_ELSEWHERE.matcher(t).matches())
                .map(t -> "the production volume of "
                + t + " (" + source + ") names a table no migration creates, so it is not used"
                + ClosestName.among(t, tables).map(c -> ": did you mean " + c + "?")
                .orElse("")).toList();
    }

    /**
     * Tables a statistics export of a whole database holds that no migration creates: the tools' own bookkeeping,
     * extensions' tables and the catalogs. A volume for one of them is no typo, and draws no warning.
     */
    private static final Pattern KEPT_ELSEWHERE = Pattern.compile(
            "(?i)(?:.*\\.)?(?:flyway_schema_history|databasechangelog(?:lock)?|alembic_version|schema_migrations"
                    + "|knex_migrations(?:_lock)?|django_migrations|typeorm_migrations|migrations|_prisma_migrations"
                    + "|__drizzle_migrations|atlas_schema_revisions|gorp_migrations|spatial_ref_sys)"
                    + "|(?:pg_catalog|information_schema|sqitch|topology|tiger|cron)\\..*|pg_.*");

    /** Whether no table has a volume. */
    public boolean isEmpty() {
        return rows.isEmpty();
    }
}
