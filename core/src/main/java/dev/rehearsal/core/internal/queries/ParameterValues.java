package dev.rehearsal.core.internal.queries;

import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.data.ColumnModel;
import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.internal.data.ValueGenerator;
import dev.rehearsal.core.internal.data.ValueGenerators;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import net.datafaker.Faker;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Values for the parameters of a statement the running application writes with, as its own values would be: a key
 * of a row the statement reaches where the parameter stands in its WHERE clause, a key of a referenced row for a
 * foreign-key column, a fresh value for a unique column, and otherwise a value of the column's type, text at its
 * declared length (so a column narrowed later fails as the application's longest values would). Parameters the
 * statement does not relate to a column are typed from what the server says of them.
 */
final class ParameterValues {

    /** Thrown when a parameter can be given no value: the query is then not checkable, with this reason. */
    static final class Untypable extends Exception {
        private static final long serialVersionUID = 1L;

        Untypable(String message) {
            super(message);
        }
    }

    private static final Pattern LENGTH = Pattern.compile("^(?:character varying|varchar|character|char)\\((\\d+)\\)$");

    private final Connection connection;
    private final Dialect dialect;
    private final Map<String, TableModel> tables;
    private final ValueGenerators generators;
    private final Random random = new Random(42);
    /** What one observation read of the rows, per {@code table.column}: the writes of a corpus share their keys. */
    private final Map<String, Optional<Object>> firstValues = new HashMap<>();
    private final Map<String, Long> nextKeys = new HashMap<>();
    private final Map<String, ValueGenerator> generated = new HashMap<>();

    ParameterValues(Connection connection, Dialect dialect, Map<String, TableModel> tables) {
        this.connection = connection;
        this.dialect = dialect;
        this.tables = tables;
        this.generators = new ValueGenerators(new Faker(Locale.ENGLISH, random));
    }

    /**
     * One value per {@code ?} of {@code text}, {@code padded} to the declared length of text columns or as drawn.
     *
     * @throws Untypable naming the parameter when one cannot be given a value
     */
    List<Object> of(QueryText text, PreparedStatement prepared, boolean padded) throws Untypable, SQLException {
        return of(text, prepared, padded, null);
    }

    /**
     * As {@link #of(QueryText, PreparedStatement, boolean)}, a parameter compared with a column of {@code table} (the
     * one a read names, where the text alone does not say) taking a value that column holds.
     */
    List<Object> of(QueryText text, PreparedStatement prepared, boolean padded, String table)
            throws Untypable, SQLException {
        try (ComponentTiming ignored = ComponentTiming.time("queries.values")) {
            return drawn(text, prepared, padded, table);
        }
    }

    private List<Object> drawn(QueryText text, PreparedStatement prepared, boolean padded, String named)
            throws Untypable, SQLException {
        List<Object> values = new ArrayList<>();
        TableModel table = text.table() != null ? tables.get(text.table()) : named == null ? null : tables.get(named);
        ParameterMetaData meta = null;
        for (int i = 0; i < text.numbers().size(); i++) {
            String name = text.columns().get(i);
            Optional<ColumnModel> column = table == null || name == null ? Optional.empty() : table.column(name);
            Object value;
            if (column.isPresent()) {
                value = forColumn(table, column.get(), text.inWhere().get(i), text.kind(), padded);
            } else {
                if (meta == null) {
                    meta = prepared.getParameterMetaData();
                }
                value = typed(meta.getParameterTypeName(i + 1), "$" + text.numbers().get(i));
            }
            values.add(value);
        }
        return values;
    }

    private Object forColumn(TableModel table, ColumnModel column, boolean inWhere, QueryText.Kind kind, boolean padded)
            throws SQLException, Untypable {
        for (TableModel.ForeignKey fk : table.foreignKeys()) {
            int k = fk.columns().indexOf(column.name());
            if (k >= 0) {
                Object referenced = first(fk.referencedTable(), fk.referencedColumns().get(k));
                if (referenced != null) {
                    return referenced;
                }
            }
        }
        boolean unique = table.uniqueKeys().stream().anyMatch(key -> key.contains(column.name()));
        if (inWhere || kind != QueryText.Kind.INSERT) {
            Object existing = first(table.name(), column.name());
            if (existing != null && (inWhere || !unique)) {
                return padded ? pad(column, existing) : existing;
            }
        }
        Object generated;
        try {
            generated = generator(table, column, unique).next(random);
        } catch (ValueGenerators.UnsupportedTypeException e) {
            throw new Untypable("no value of the type " + column.type() + " of " + column.qualified());
        }
        if (unique && generated instanceof String s) {
            generated = s + "-" + UUID.randomUUID().toString().substring(0, 8);
        }
        return padded ? pad(column, generated) : generated;
    }

    /** The column's generator, made once per observation (making one builds its pools of text). */
    private ValueGenerator generator(TableModel table, ColumnModel column, boolean unique)
            throws SQLException, ValueGenerators.UnsupportedTypeException {
        String key = column.qualified();
        ValueGenerator known = generated.get(key);
        if (known == null) {
            known = generators.forColumn(column, List.of(), unique ? nextKey(table, column) : null);
            generated.put(key, known);
        }
        return known;
    }

    /** A value the column holds in some row, or null. */
    private Object first(String table, String column) throws SQLException {
        String key = table + "." + column;
        Optional<Object> known = firstValues.get(key);
        if (known == null) {
            known = Optional.ofNullable(read(table, column));
            firstValues.put(key, known);
        }
        return known.orElse(null);
    }

    private Object read(String table, String column) throws SQLException {
        String sql = "SELECT " + dialect.quote(column) + " FROM " + quoteTable(table) + " WHERE " + dialect.quote(column)
                + " IS NOT NULL LIMIT 1";
        try (PreparedStatement s = connection.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    private Long nextKey(TableModel table, ColumnModel column) throws SQLException {
        if (!column.baseType().matches("(?i)(smallint|integer|bigint|int|int[248]?|tinyint|mediumint)( unsigned)?")) {
            return null;
        }
        String key = table.name() + "." + column.name();
        Long known = nextKeys.get(key);
        if (known != null) {
            return known;
        }
        String sql = "SELECT max(" + dialect.quote(column.name()) + ") FROM " + quoteTable(table.name());
        try (PreparedStatement s = connection.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            long next = (rs.next() ? rs.getLong(1) : 0) + 1_000; // each write is rolled back: one key serves all
            nextKeys.put(key, next);
            return next;
        }
    }

    private String quoteTable(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? dialect.quote(table) : dialect.quote(table.substring(0, dot)) + "." + dialect.quote(table.substring(dot + 1));
    }

    /** Text as long as the column allows, as the application's longest values are. */
    private static Object pad(ColumnModel column, Object value) {
        Matcher m = LENGTH.matcher(column.baseType());
        if (value instanceof String s && m.matches()) {
            int length = Integer.parseInt(m.group(1));
            StringBuilder sb = new StringBuilder(s.length() > length ? s.substring(0, length) : s);
            while (sb.length() < length) {
                sb.append('x');
            }
            return sb.toString();
        }
        return value;
    }

    /** A value of a type the server named for a parameter. */
    private static Object typed(String type, String parameter) throws Untypable {
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        return switch (t) {
            case "int2", "int4", "smallint", "integer", "int", "tinyint", "mediumint" -> 1;
            case "int8", "bigint" -> 1L;
            case "numeric", "decimal", "float4", "float8", "real", "double", "double precision", "float" -> BigDecimal.ONE;
            case "bool", "boolean", "bit" -> true;
            case "text", "varchar", "bpchar", "char", "name", "citext", "character varying", "character" -> "x";
            case "date" -> LocalDate.of(2026, 1, 1);
            case "time" -> LocalTime.NOON;
            case "timestamp", "datetime" -> LocalDateTime.of(2026, 1, 1, 12, 0);
            case "timestamptz" -> OffsetDateTime.of(2026, 1, 1, 12, 0, 0, 0, ZoneOffset.UTC);
            case "uuid" -> UUID.nameUUIDFromBytes(parameter.getBytes(StandardCharsets.UTF_8));
            case "json", "jsonb" -> "{}";
            default -> throw new Untypable("the parameter " + parameter + " has a type the check cannot give a value of ("
                    + (type == null || type.isBlank() ? "unknown" : type) + ")");
        };
    }
}
