package dev.rehearsal.core.data;

import net.datafaker.Faker;
import org.apiguardian.api.API;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * What to seed into one table: how many rows and, per column, how to make values when the schema-driven default is
 * not what a test needs. Immutable: every method returns a copy.
 *
 * <pre>{@code
 * rehearsal.seed(TableSeed.table("orders").rows(50_000)
 *         .oneOf("status", "new", "paid", "shipped")
 *         .column("note", faker -> faker.lorem().sentence())
 *         .nulls("shipped_at", 0.4));
 * rehearsal.seed(TableSeed.table("customers").rows(1_000).duplicates("email", 0.05)); // for a unique-index migration
 * }</pre>
 *
 * Columns not named keep their default: foreign keys sample existing parent keys, enums and simple CHECKs pick
 * allowed values, column names pick realistic generators ({@code email}, {@code city}, {@code price}...),
 * everything else follows its type. Identity, serial and generated columns are always left to the database.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class TableSeed {

    /**
     * Rows of a table seeded by name when its seed names no count ({@code rehearsal.seed(table("orders"))}); also the
     * most rows given to an empty parent table such a seed needs. Round-trip seeding ({@code @Seed}) has its own.
     */
    public static final long DEFAULT_ROWS = 100;

    private final String table;
    private final long rows;
    private final Map<String, ColumnRule> columns;

    private TableSeed(String table, long rows, Map<String, ColumnRule> columns) {
        this.table = table;
        this.rows = rows;
        this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /** A seed for one table ({@code orders}, or {@code audit.log} outside the {@code public} schema). */
    public static TableSeed table(String table) {
        Objects.requireNonNull(table, "table");
        return new TableSeed(table, -1, Map.of());
    }

    /** The number of rows to add. */
    public TableSeed rows(long rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be zero or more, not " + rows);
        }
        return new TableSeed(table, rows, columns);
    }

    /** Values for a column from a Datafaker function, called once per row ({@code f -> f.name().fullName()}). */
    public TableSeed column(String column, Function<Faker, ?> generator) {
        Objects.requireNonNull(generator, "generator");
        return with(column, rule(column).withGenerator(generator, "a function"));
    }

    /** The same value in every row. */
    public TableSeed constant(String column, Object value) {
        return with(column, rule(column).withGenerator(f -> value, "the constant " + value));
    }

    /** A value picked at random from these options in every row. */
    public TableSeed oneOf(String column, Object... options) {
        return oneOf(column, Arrays.asList(options));
    }

    /** A value picked at random from these options in every row. */
    public TableSeed oneOf(String column, List<?> options) {
        if (options.isEmpty()) {
            throw new IllegalArgumentException("oneOf(\"" + column + "\") needs at least one option");
        }
        List<?> copy = List.copyOf(options);
        return with(column, rule(column).withGenerator(f -> copy.get(f.random().nextInt(copy.size())),
                "one of " + copy));
    }

    /** The share of rows (0 to 1) whose value is NULL; the column must be nullable. */
    public TableSeed nulls(String column, double ratio) {
        return with(column, rule(column).withNullRatio(ratio(ratio, "nulls")));
    }

    /**
     * The share of rows (0 to 1) that repeat a value another row already has, to rehearse a migration that adds a
     * unique constraint over existing data. The column must not be unique already.
     */
    public TableSeed duplicates(String column, double ratio) {
        return with(column, rule(column).withDuplicateRatio(ratio(ratio, "duplicates")));
    }

    /** The table this seed is for. */
    public String tableName() {
        return table;
    }

    /** The rows requested, if set. */
    public OptionalLong requestedRows() {
        return rows < 0 ? OptionalLong.empty() : OptionalLong.of(rows);
    }

    /** The column rules, by column name, in the order they were added. */
    public Map<String, ColumnRule> columnRules() {
        return columns;
    }

    private ColumnRule rule(String column) {
        Objects.requireNonNull(column, "column");
        return columns.getOrDefault(column, ColumnRule.NONE);
    }

    private TableSeed with(String column, ColumnRule rule) {
        Map<String, ColumnRule> copy = new LinkedHashMap<>(columns);
        copy.put(column, rule);
        return new TableSeed(table, rows, copy);
    }

    private static double ratio(double ratio, String what) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException(what + " ratio must be between 0 and 1, not " + ratio);
        }
        return ratio;
    }

    @Override
    public String toString() {
        return "TableSeed[" + table + (rows < 0 ? "" : ", " + rows + " rows") + (columns.isEmpty() ? "" : ", " + columns.keySet()) + "]";
    }

    /**
     * How one column's values are made.
     *
     * @param generator      a function of the seeded Faker, or null to keep the schema-driven default
     * @param description    what the generator is, for messages
     * @param nullRatio      share of NULLs, or null for the default
     * @param duplicateRatio share of repeated values, or null for none
     */
    public record ColumnRule(Function<Faker, ?> generator, String description, Double nullRatio, Double duplicateRatio) {

        static final ColumnRule NONE = new ColumnRule(null, null, null, null);

        ColumnRule withGenerator(Function<Faker, ?> g, String what) {
            return new ColumnRule(g, what, nullRatio, duplicateRatio);
        }

        ColumnRule withNullRatio(double ratio) {
            return new ColumnRule(generator, description, ratio, duplicateRatio);
        }

        ColumnRule withDuplicateRatio(double ratio) {
            return new ColumnRule(generator, description, nullRatio, ratio);
        }
    }
}
