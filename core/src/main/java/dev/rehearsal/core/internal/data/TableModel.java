package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One table as the seeder sees it, built from the same {@link SchemaSnapshot} the schema diff uses: its columns,
 * unique keys, foreign keys and CHECK constraints, and whether some rule can only be enforced by the database
 * (an expression or partial unique index, an exclusion constraint, a CHECK over several columns).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record TableModel(String name, List<ColumnModel> columns, List<List<String>> uniqueKeys,
                         List<ForeignKey> foreignKeys, Map<String, String> checks, Map<String, List<String>> checkColumns,
                         boolean databaseRules) {

    private static final Pattern NEXTVAL = Pattern.compile("^nextval\\(");

    /** A foreign key: {@code columns} of this table reference {@code referencedColumns} of {@code referencedTable}. */
    public record ForeignKey(String name, String table, List<String> columns, String referencedTable,
                             List<String> referencedColumns) {
        /** {@code orders.customer_id -> customers.id}. */
        public String describe() {
            return table + "(" + String.join(", ", columns) + ") -> " + referencedTable + "("
                    + String.join(", ", referencedColumns) + ")";
        }
    }

    /** The tables of a snapshot that hold their own rows (not partitions, not foreign tables), by name. */
    public static Map<String, TableModel> all(SchemaSnapshot schema) {
        return all(schema, (type, checks) -> type);
    }

    /**
     * As {@link #all(SchemaSnapshot)}, with column types put in the seeder's vocabulary by the engine's
     * {@link dev.rehearsal.core.db.Dialect#seedType}.
     */
    public static Map<String, TableModel> all(SchemaSnapshot schema, BiFunction<String, List<String>, String> seedTypes) {
        Map<String, SchemaObject> types = new LinkedHashMap<>();
        for (SchemaObject t : schema.objects(ObjectKind.TYPE)) {
            types.put(t.name(), t);
        }
        Map<String, TableModel> tables = new LinkedHashMap<>();
        for (SchemaObject table : schema.objects(ObjectKind.TABLE)) {
            if ("foreign table".equals(table.fact(SchemaFact.KIND).orElse("")) || table.fact(SchemaFact.PARTITION_OF).isPresent()) {
                continue;
            }
            tables.put(table.name(), of(schema, table.name(), types, seedTypes));
        }
        return tables;
    }

    private static TableModel of(SchemaSnapshot schema, String table, Map<String, SchemaObject> types,
                                 BiFunction<String, List<String>, String> seedTypes) {
        List<List<String>> unique = new ArrayList<>();
        List<ForeignKey> fks = new ArrayList<>();
        Map<String, String> checks = new LinkedHashMap<>();
        Map<String, List<String>> checkColumns = new LinkedHashMap<>();
        boolean databaseRules = false;
        for (SchemaObject c : schema.on(table, ObjectKind.CONSTRAINT)) {
            String type = c.fact(SchemaFact.TYPE).orElse("");
            List<String> cols = c.list(SchemaFact.COLUMNS);
            switch (type) {
                case "primary key", "unique" -> unique.add(cols);
                case "foreign key" -> fks.add(new ForeignKey(c.simpleName(), table, cols,
                        c.requireFact(SchemaFact.REFERENCED_TABLE),
                        c.list(SchemaFact.REFERENCED_COLUMNS)));
                case "check" -> {
                    checks.put(c.simpleName(), CheckConstraints.expression(c.requireFact(SchemaFact.DEFINITION)));
                    checkColumns.put(c.simpleName(), cols);
                }
                case "exclusion" -> databaseRules = true;
                default -> {
                }
            }
        }
        for (SchemaObject index : schema.on(table, ObjectKind.INDEX)) {
            String def = index.fact(SchemaFact.DEFINITION).orElse("");
            // PostgreSQL's definitions read CREATE UNIQUE INDEX, MariaDB's (from information_schema) UNIQUE INDEX
            if (def.startsWith("CREATE UNIQUE INDEX") || def.startsWith("UNIQUE INDEX")) {
                List<String> key = index.list(SchemaFact.UNIQUE_COLUMNS);
                if (!key.isEmpty()) {
                    if (!unique.contains(key)) {
                        unique.add(key);
                    }
                } else {
                    databaseRules = true;
                }
            }
        }
        List<ColumnModel> columns = new ArrayList<>();
        for (SchemaObject col : schema.columns(table)) {
            String type = col.requireFact(SchemaFact.TYPE);
            boolean made = col.fact(SchemaFact.IDENTITY).isPresent() || col.fact(SchemaFact.GENERATED).isPresent()
                    || NEXTVAL.matcher(col.fact(SchemaFact.DEFAULT).orElse("")).find();
            boolean nullable = col.flag(SchemaFact.NULLABLE, true);
            String base = type;
            List<String> labels = null;
            List<String> colChecks = new ArrayList<>();
            String element = type.endsWith("[]") ? type.substring(0, type.length() - 2) : type;
            SchemaObject udt = types.get(unquote(element));
            if (udt != null && "enum".equals(udt.fact(SchemaFact.KIND).orElse(""))) {
                labels = parseLabels(udt.fact(SchemaFact.LABELS).orElse(""));
            } else if (udt != null && "domain".equals(udt.fact(SchemaFact.KIND).orElse(""))) {
                base = udt.fact(SchemaFact.BASE).orElse(type) + (type.endsWith("[]") ? "[]" : "");
                if (udt.flag(SchemaFact.NOT_NULL, false)) {
                    nullable = false;
                }
                udt.fact(SchemaFact.CHECKS).ifPresent(all -> {
                    for (String one : all.split("; ")) {
                        int space = one.indexOf(' ');
                        colChecks.add(CheckConstraints.expression(one.substring(space + 1)).replace("VALUE", col.simpleName()));
                    }
                });
            }
            if (labels != null && type.endsWith("[]")) {
                base = "text[]";
            }
            for (Map.Entry<String, List<String>> e : checkColumns.entrySet()) {
                if (e.getValue().equals(List.of(col.simpleName()))) {
                    colChecks.add(checks.get(e.getKey()));
                }
            }
            base = seedTypes.apply(base, List.copyOf(colChecks));
            if (labels == null && base.startsWith("enum(")) {
                labels = parseLabels(base);
            }
            columns.add(new ColumnModel(table, col.simpleName(), type, base, nullable, made, labels, colChecks));
        }
        return new TableModel(table, columns, unique, fks, checks, checkColumns, databaseRules);
    }

    /** A column by name. */
    public Optional<ColumnModel> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private static String unquote(String type) {
        return type.replace("\"", "");
    }

    private static List<String> parseLabels(String quoted) {
        List<String> labels = new ArrayList<>();
        Matcher m = Pattern.compile("'((?:[^']|'')*)'").matcher(quoted);
        while (m.find()) {
            labels.add(m.group(1).replace("''", "'"));
        }
        return labels;
    }
}
