package dev.rehearsal.snapshots.internal;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows a subset keeps, by primary key, closed over foreign keys: from the start tables' rows (a condition and a
 * limit), down to the rows that reference kept rows (an order of a kept customer) and up to every row a kept row
 * references (the product of a kept order line), until nothing changes, so cycles end too. Rows pulled in only
 * because something references them do not pull their own children, or one customer would bring the whole
 * database. Keys are held in memory. The SQL is the standard row-value {@code IN} both engines read, names quoted by
 * the dialect.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Subset {

    private static final int BATCH = 500;

    /** A start table: rows matching {@code where} (SQL), at most {@code limit} of them (0 for all). */
    public record Start(String table, String where, long limit) {
    }

    private record ForeignKey(String table, List<String> columns, String parent, List<String> parentColumns) {
    }

    private final Connection connection;
    private final Dialect dialect;
    private final Map<String, List<String>> primaryKeys = new LinkedHashMap<>();
    private final List<ForeignKey> foreignKeys = new ArrayList<>();
    private final Map<String, Set<List<Object>>> kept = new LinkedHashMap<>();
    /** Rows whose children were followed. */
    private final Map<String, Set<List<Object>>> expanded = new LinkedHashMap<>();

    private Subset(Connection connection, Dialect dialect, SchemaSnapshot schema) {
        this.connection = connection;
        this.dialect = dialect;
        for (SchemaObject c : schema.objects(ObjectKind.CONSTRAINT)) {
            String type = c.fact(SchemaFact.TYPE).orElse("");
            if (type.equals("primary key")) {
                primaryKeys.put(c.table(), c.list(SchemaFact.COLUMNS));
            } else if (type.equals("foreign key")) {
                foreignKeys.add(new ForeignKey(c.table(), c.list(SchemaFact.COLUMNS),
                        c.requireFact(SchemaFact.REFERENCED_TABLE), c.list(SchemaFact.REFERENCED_COLUMNS)));
            }
        }
    }

    /**
     * The keys to keep per table: every table the closure reached (possibly with no rows); tables it did not reach
     * are not in the map.
     *
     * @throws RehearsalException when a start table has no primary key or its condition is not valid SQL
     */
    public static Map<String, Set<List<Object>>> of(Connection connection, Dialect dialect, SchemaSnapshot schema,
                                                    List<Start> starts) throws SQLException {
        Subset s = new Subset(connection, dialect, schema);
        Deque<Step> work = new ArrayDeque<>();
        for (Start start : starts) {
            List<String> pk = s.primaryKeys.get(start.table());
            if (pk == null) {
                throw new RehearsalException("The subset starts at " + start.table() + ", which "
                        + (schema.table(start.table()).isPresent() ? "has no primary key; start at a table that has one"
                        : "the database does not have"));
            }
            String sql = "select " + s.columns(pk) + " from " + dialect.quote(start.table())
                    + (start.where() == null || start.where().isBlank() ? "" : " where " + start.where())
                    + " order by " + s.columns(pk) + (start.limit() > 0 ? " limit " + start.limit() : "");
            Set<List<Object>> rows = new LinkedHashSet<>();
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    rows.add(row(rs, pk.size()));
                }
            } catch (SQLException e) {
                throw new RehearsalException("The subset's start condition on " + start.table() + " failed: "
                        + e.getMessage() + " (" + sql + ")", e);
            }
            s.add(start.table(), rows, true, work);
        }
        while (!work.isEmpty()) {
            Step step = work.poll();
            s.follow(step, work);
        }
        return s.kept;
    }

    private record Step(String table, Set<List<Object>> rows, boolean children) {
    }

    /**
     * Keeps rows and queues what is new about them: a row not kept before, or a kept row that may now bring its
     * children (kept first because something referenced it, then reached from a parent).
     */
    private void add(String table, Collection<List<Object>> rows, boolean children, Deque<Step> work) {
        Set<List<Object>> have = kept.computeIfAbsent(table, t -> new LinkedHashSet<>());
        Set<List<Object>> withChildren = expanded.computeIfAbsent(table, t -> new LinkedHashSet<>());
        Set<List<Object>> added = new LinkedHashSet<>();
        for (List<Object> r : rows) {
            boolean isNew = have.add(r);
            boolean nowWithChildren = children && withChildren.add(r);
            if (isNew || nowWithChildren) {
                added.add(r);
            }
        }
        if (!added.isEmpty()) {
            work.add(new Step(table, added, children));
        }
    }

    private void follow(Step step, Deque<Step> work) throws SQLException {
        List<String> pk = primaryKeys.get(step.table());
        for (ForeignKey fk : foreignKeys) {
            // up: what the new rows reference must come along
            if (fk.table().equals(step.table()) && primaryKeys.containsKey(fk.parent())) {
                Set<List<Object>> values = select(step.table(), fk.columns(), pk, step.rows());
                values.removeIf(v -> v.contains(null));
                add(fk.parent(), keysOf(fk.parent(), fk.parentColumns(), values), false, work);
            }
            // down: rows that reference the new rows, when those rows may bring their children
            if (step.children() && fk.parent().equals(step.table()) && primaryKeys.containsKey(fk.table())) {
                Set<List<Object>> referenced = fk.parentColumns().equals(pk) ? step.rows()
                        : select(step.table(), fk.parentColumns(), pk, step.rows());
                add(fk.table(), select(fk.table(), primaryKeys.get(fk.table()), fk.columns(), referenced), true, work);
            }
        }
    }

    /** The primary keys of {@code table}'s rows whose {@code columns} take one of {@code values}. */
    private Set<List<Object>> keysOf(String table, List<String> columns, Set<List<Object>> values) throws SQLException {
        List<String> pk = primaryKeys.get(table);
        return columns.equals(pk) ? values : select(table, pk, columns, values);
    }

    /** The distinct {@code wanted} tuples of the rows of {@code table} whose {@code by} tuple is one of {@code values}. */
    private Set<List<Object>> select(String table, List<String> wanted, List<String> by, Set<List<Object>> values)
            throws SQLException {
        Set<List<Object>> out = new LinkedHashSet<>();
        List<List<Object>> all = new ArrayList<>(values);
        for (int from = 0; from < all.size(); from += BATCH) {
            List<List<Object>> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            String tuple = by.size() == 1 ? "?" : "(" + String.join(", ", Collections.nCopies(by.size(), "?")) + ")";
            String sql = "select distinct " + columns(wanted) + " from " + dialect.quote(table) + " where "
                    + (by.size() == 1 ? columns(by) : "(" + columns(by) + ")") + " in ("
                    + String.join(", ", Collections.nCopies(batch.size(), tuple)) + ")";
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                int i = 1;
                for (List<Object> v : batch) {
                    for (Object o : v) {
                        ps.setObject(i++, o);
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs, wanted.size()));
                    }
                }
            }
        }
        return out;
    }

    private String columns(List<String> names) {
        return String.join(", ", names.stream().map(dialect::quote).toList());
    }

    private static List<Object> row(ResultSet rs, int n) throws SQLException {
        List<Object> r = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            r.add(rs.getObject(i));
        }
        return r;
    }
}
