package dev.rehearsal.core.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.model.RehearsalException;
import net.datafaker.Faker;
import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Per-table and per-column seed settings from a TOML file ({@code rehearsal.seed.file}, {@code --seed-file}), read the
 * same way by the JUnit extension and the command line:
 *
 * <pre>
 * [customers]
 * rows = 500
 * email = { length = 128, null-ratio = 0 }   # every value exactly 128 characters, none NULL
 * status = { values = ["new", "paid"] }
 * nickname = { length = [1, 40], duplicates = 0.05 }
 *
 * ["audit.log"]                              # a table outside the default schema
 * rows = 20
 * </pre>
 *
 * A table's section holds {@code rows} and one inline table per column with {@code null-ratio}, {@code values},
 * {@code value} (the same in every row), {@code length} (exact, or {@code [min, max]}) and {@code duplicates}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SeedFile {

    /** The keys a column's settings accept. */
    public static final List<String> COLUMN_KEYS = List.of("null-ratio", "values", "value", "length", "duplicates");

    private SeedFile() {
    }

    /**
     * The seeds the file declares.
     *
     * @param setting the setting or flag that named the file, for messages
     * @throws RehearsalException naming the file, the entry and what is accepted, when it cannot be read or is malformed
     */
    public static List<TableSeed> read(Path file, String setting) {
        String where = setting + " " + file;
        JsonNode root;
        try {
            root = new TomlMapper().readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new RehearsalException(where + " is not valid TOML: " + e.getOriginalMessage()
                    + " (a section per table, such as [customers] with rows = 500 and email = { length = 128 })", e);
        } catch (IOException e) {
            throw new RehearsalException("Could not read " + where + ": " + e.getMessage()
                    + " (give a TOML file, relative to the working directory or absolute)", e);
        }
        List<TableSeed> seeds = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> tables = root.fields(); tables.hasNext(); ) {
            Map.Entry<String, JsonNode> table = tables.next();
            String name = table.getKey();
            if (!table.getValue().isObject()) {
                throw new RehearsalException(where + ": \"" + name + "\" is a value, not a table's section; write"
                        + " [" + name + "] followed by rows = <count> and one line per column");
            }
            TableSeed seed = TableSeed.table(name);
            for (Iterator<Map.Entry<String, JsonNode>> entries = table.getValue().fields(); entries.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = entries.next();
                String key = entry.getKey();
                JsonNode value = entry.getValue();
                if (value.isObject()) {
                    seed = column(seed, key, value, where + ": " + name + "." + key);
                } else if (key.equals("rows")) {
                    if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0) {
                        throw new RehearsalException(where + ": " + name + ".rows is " + value + "; give a whole number,"
                                + " 0 or more");
                    }
                    seed = seed.rows(value.asLong());
                } else {
                    throw new RehearsalException(where + ": " + name + "." + key + " = " + value + " is neither rows nor"
                            + " a column's settings; write " + key + " = { null-ratio = 0.2 } (keys: "
                            + String.join(", ", COLUMN_KEYS) + ")");
                }
            }
            seeds.add(seed);
        }
        return seeds;
    }

    private static TableSeed column(TableSeed seed, String column, JsonNode settings, String where) {
        TableSeed result = seed;
        for (Iterator<Map.Entry<String, JsonNode>> keys = settings.fields(); keys.hasNext(); ) {
            Map.Entry<String, JsonNode> e = keys.next();
            JsonNode v = e.getValue();
            result = switch (e.getKey()) {
                case "null-ratio" -> result.nulls(column, ratio(v, where + ".null-ratio"));
                case "duplicates" -> result.duplicates(column, ratio(v, where + ".duplicates"));
                case "value" -> result.constant(column, scalar(v, where + ".value"));
                case "values" -> {
                    if (!v.isArray() || v.isEmpty()) {
                        throw new RehearsalException(where + ".values is " + v + "; give a list of at least one value,"
                                + " such as [\"new\", \"paid\"]");
                    }
                    List<Object> options = new ArrayList<>();
                    v.forEach(o -> options.add(scalar(o, where + ".values")));
                    yield result.oneOf(column, options);
                }
                case "length" -> length(result, column, v, where + ".length");
                default -> throw new RehearsalException(where + " has the key \"" + e.getKey() + "\"; keys: "
                        + String.join(", ", COLUMN_KEYS));
            };
        }
        return result;
    }

    private static TableSeed length(TableSeed seed, String column, JsonNode v, String where) {
        int min;
        int max;
        if (v.isIntegralNumber()) {
            min = v.asInt();
            max = min;
        } else if (v.isArray() && v.size() == 2 && v.get(0).isIntegralNumber() && v.get(1).isIntegralNumber()) {
            min = v.get(0).asInt();
            max = v.get(1).asInt();
        } else {
            throw new RehearsalException(where + " is " + v + "; give a length such as 128, or [min, max] such as [1, 40]");
        }
        if (min < 0 || max < min) {
            throw new RehearsalException(where + " is " + v + "; lengths are 0 or more, the first no greater than the second");
        }
        String description = min == max ? "text of exactly " + min + " characters" : "text of " + min + " to " + max + " characters";
        return seed.column(column, new LengthText(min, max, description)::next);
    }

    /** Letters and digits of a length in the range, from the seeded Faker. */
    private record LengthText(int min, int max, String description) {
        String next(Faker faker) {
            int n = min == max ? min : min + faker.random().nextInt(max - min + 1);
            return n == 0 ? "" : faker.lorem().characters(n);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private static double ratio(JsonNode v, String where) {
        if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1) {
            throw new RehearsalException(where + " is " + v + "; give a number from 0 to 1, such as 0.1");
        }
        return v.asDouble();
    }

    private static Object scalar(JsonNode v, String where) {
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        throw new RehearsalException(where + " holds " + v + "; give text, a number or true/false");
    }
}
