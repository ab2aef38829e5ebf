package dev.rehearsal.snapshots.internal;

import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import dev.rehearsal.snapshots.SnapshotManifest;
import org.apache.commons.csv.CSVPrinter;
import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The table work of a data snapshot's capture: which rule masks each column (refusing personal columns without one),
 * the order tables load in (parents first), each table's rows written masked into the archive, and the file's
 * atomic move into place.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CaptureTables {

    /** Rows fetched from the server at a time while a table is written. */
    private static final int BATCH = 10_000;

    private CaptureTables() {
    }

    /**
     * The rule of every column to mask, by table; fails listing every column that looks personal and has none,
     * and every rule of the file that names a column the database does not have.
     */
    public static Map<String, Map<String, Masking.Rule>> maskingPlan(Connection c, Dialect dialect, SchemaSnapshot schema,
                                                                     Masking masking, String describe) throws SQLException {
        Map<String, Map<String, Masking.Rule>> plan = new LinkedHashMap<>();
        List<String> unruled = new ArrayList<>();
        Set<String> all = new LinkedHashSet<>();
        for (SchemaObject table : schema.objects(ObjectKind.TABLE)) {
            for (SchemaObject column : schema.columns(table.name())) {
                String name = column.simpleName();
                all.add(table.name() + "." + name);
                Optional<Masking.Rule> rule = masking.ruleFor(table.name(), name);
                if (rule.isPresent()) {
                    if (rule.get() == Masking.Rule.NULL && "NO".equals(column.fact(SchemaFact.NULLABLE).orElse("YES"))) {
                        throw new RehearsalException("The masking rule null for " + table.name() + "." + name
                                + " cannot apply: the column is NOT NULL. Choose another rule for it.");
                    }
                    if (rule.get() != Masking.Rule.KEEP) {
                        plan.computeIfAbsent(table.name(), t -> new LinkedHashMap<>()).put(name, rule.get());
                    }
                    continue;
                }
                List<String> sample = new ArrayList<>();
                if (textual(column.fact(SchemaFact.TYPE).orElse(""))) {
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select "
                            + dialect.quote(name) + " from " + dialect.quote(table.name()) + " where "
                            + dialect.quote(name) + " is not null limit 50")) {
                        while (rs.next()) {
                            sample.add(rs.getString(1));
                        }
                    }
                }
                Masking.looksPersonal(name, column.fact(SchemaFact.TYPE).orElse(""), sample).ifPresent(why -> unruled.add(table.name() + "." + name + " ("
                        + why + ")"));
            }
        }
        List<String> unknown = masking.unknownColumns(all);
        if (!unknown.isEmpty()) {
            throw new RehearsalException("The masking rules name columns " + describe + " does not have: " + unknown
                    + ". Fix the names (table.column), or a column would go unmasked.");
        }
        if (!unruled.isEmpty()) {
            throw new RehearsalException("These columns of " + describe + " look personal and no masking rule covers"
                    + " them, so nothing was captured:\n  " + Masking.list(unruled) + "\nGive each a rule in the"
                    + " masking rules file (columns: {table.column: rule}; rules: email, first-name, last-name, name,"
                    + " phone, address, city, digits, text, date, hash, null), or keep for a column that is not"
                    + " personal.");
        }
        return plan;
    }

    private static boolean textual(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        return t.contains("char") || t.contains("text") || t.equals("citext") || t.contains("json");
    }

    public static SnapshotManifest.Table writeTable(Connection c, Dialect dialect, SchemaSnapshot schema, String table,
                                                     String entry, Map<String, Masking.Rule> rules, Masking masking,
                                                     Set<List<Object>> keys, SnapshotArchive.Writer writer)
            throws SQLException, IOException {
        List<String> columns = schema.columns(table).stream()
                .filter(col -> col.fact(SchemaFact.GENERATED).isEmpty())
                .map(SchemaObject::simpleName).toList();
        String select = "select " + String.join(", ", columns.stream().map(dialect::quote).toList()) + " from "
                + dialect.quote(table);
        List<String> binary = new ArrayList<>();
        long rows = 0;
        CSVPrinter printer = writer.table(entry, columns);
        Masking.Rule[] rule = new Masking.Rule[columns.size()];
        for (int i = 0; i < rule.length; i++) {
            rule[i] = rules.get(columns.get(i));
        }
        if (keys == null) {
            try (Statement st = c.createStatement()) {
                st.setFetchSize(BATCH);
                try (ResultSet rs = st.executeQuery(select)) {
                    rows += print(rs, rule, masking, printer, binary, columns);
                }
            }
        } else if (!keys.isEmpty()) {
            List<String> pk = schema.objects(ObjectKind.CONSTRAINT).stream()
                    .filter(x -> table.equals(x.table()) && "primary key".equals(x.fact(SchemaFact.TYPE).orElse("")))
                    .findFirst().orElseThrow().list(SchemaFact.COLUMNS);
            List<List<Object>> all = new ArrayList<>(keys);
            String tuple = pk.size() == 1 ? "?" : "(" + String.join(", ", Collections.nCopies(pk.size(), "?")) + ")";
            String by = pk.size() == 1 ? dialect.quote(pk.get(0))
                    : "(" + String.join(", ", pk.stream().map(dialect::quote).toList()) + ")";
            for (int from = 0; from < all.size(); from += 500) {
                List<List<Object>> batch = all.subList(from, Math.min(all.size(), from + 500));
                try (PreparedStatement ps = c.prepareStatement(select + " where " + by + " in ("
                        + String.join(", ", Collections.nCopies(batch.size(), tuple)) + ")")) {
                    int p = 1;
                    for (List<Object> key : batch) {
                        for (Object o : key) {
                            ps.setObject(p++, o);
                        }
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rows += print(rs, rule, masking, printer, binary, columns);
                    }
                }
            }
        }
        writer.endTable(printer);
        return new SnapshotManifest.Table(table, entry, columns, binary.isEmpty() ? List.of()
                : List.copyOf(new LinkedHashSet<>(binary)), rows);
    }

    private static long print(ResultSet rs, Masking.Rule[] rule, Masking masking, CSVPrinter printer,
                              List<String> binary, List<String> columns) throws SQLException, IOException {
        ResultSetMetaData meta = rs.getMetaData();
        int n = rule.length;
        boolean[] bytes = new boolean[n];
        for (int i = 0; i < n; i++) {
            int type = meta.getColumnType(i + 1);
            bytes[i] = type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY || type == Types.BLOB;
            if (bytes[i]) {
                binary.add(columns.get(i));
            }
        }
        Object[] values = new Object[n];
        long rows = 0;
        while (rs.next()) {
            for (int i = 0; i < n; i++) {
                if (bytes[i]) {
                    byte[] b = rs.getBytes(i + 1);
                    values[i] = b == null ? null : HexFormat.of().formatHex(b);
                } else {
                    String v = rs.getString(i + 1);
                    values[i] = rule[i] == null ? v : masking.mask(rule[i], v);
                }
            }
            printer.printRecord(values);
            rows++;
        }
        return rows;
    }

    /** Tables with the ones they reference first, so that a load with checks on can go in order; cycles as found. */
    public static List<String> loadOrder(SchemaSnapshot schema) {
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        for (SchemaObject t : schema.objects(ObjectKind.TABLE)) {
            if (!t.fact(SchemaFact.PARTITION_KEY).isPresent()) {
                parents.put(t.name(), new LinkedHashSet<>());
            }
        }
        for (SchemaObject c : schema.objects(ObjectKind.CONSTRAINT)) {
            if ("foreign key".equals(c.fact(SchemaFact.TYPE).orElse(""))
                    && parents.containsKey(c.table())) {
                String parent = c.fact(SchemaFact.REFERENCED_TABLE).orElse("");
                if (!parent.equals(c.table())) {
                    parents.get(c.table()).add(parent);
                }
            }
        }
        List<String> order = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (order.size() < parents.size()) {
            boolean progress = false;
            for (Map.Entry<String, Set<String>> e : parents.entrySet()) {
                if (!done.contains(e.getKey()) && e.getValue().stream().allMatch(p -> done.contains(p)
                        || !parents.containsKey(p))) {
                    order.add(e.getKey());
                    done.add(e.getKey());
                    progress = true;
                }
            }
            if (!progress) { // a cycle: take the first table left, the rest follows
                String next = parents.keySet().stream().filter(t -> !done.contains(t)).findFirst().orElseThrow();
                order.add(next);
                done.add(next);
            }
        }
        return order;
    }

    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
