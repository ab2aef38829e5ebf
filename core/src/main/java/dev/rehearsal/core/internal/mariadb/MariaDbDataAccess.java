package dev.rehearsal.core.internal.mariadb;

import dev.rehearsal.core.data.DataFingerprint.ColumnFingerprint;
import dev.rehearsal.core.data.DataFingerprint.TableFingerprint;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.internal.data.CheckRejections;
import dev.rehearsal.core.internal.data.ForeignKeyOrphans;
import dev.rehearsal.core.internal.data.Json;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * MariaDB data work: bulk loads as multi-row {@code INSERT}s (through a temporary staging table when rows must pass
 * checks), fingerprints as sums of {@code CRC32} per column, foreign-key orphans.
 */
final class MariaDbDataAccess implements DataAccess {

    private final Connection connection;
    private final MariaDbDialect dialect;

    MariaDbDataAccess(Connection connection, MariaDbDialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /** Bind values per statement stay under the protocol's limit of 65,535 placeholders. */
    private static final int MAX_PLACEHOLDERS = 30_000;
    private static final int MAX_ROWS_PER_INSERT = 1_000;
    private static final AtomicLong STAGING = new AtomicLong();

    /** Per table, the primary keys that were there before this connection's first load into it. */
    private final Map<String, Set<String>> keysBeforeLoad = new HashMap<>();

    /** Multi-row {@code INSERT ... VALUES (...), (...)} statements of up to 1,000 rows. */
    @Override
    public long insertDefaults(String table, long rows) throws SQLException {
        long done = 0;
        try (Statement st = connection.createStatement()) {
            while (done < rows) {
                int n = (int) Math.min(1_000, rows - done);
                done += st.executeLargeUpdate("insert into " + dialect.quote(table) + " () values "
                        + String.join(", ", Collections.nCopies(n, "()")));
            }
        }
        return done;
    }

    @Override
    public void load(String table, List<String> columns, List<Object[]> rows) throws SQLException {
        rememberKeys(table);
        insertMultiRow("insert into " + dialect.quote(table), columns, rows);
    }

    private void insertMultiRow(String insertInto, List<String> columns, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        int perStatement = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, MAX_PLACEHOLDERS / Math.max(1, columns.size())));
        String tuple = "(" + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
        String head = insertInto + " (" + columns.stream().map(dialect::quote).collect(Collectors.joining(", ")) + ") values ";
        PreparedStatement full = null;
        try {
            for (int from = 0; from < rows.size(); from += perStatement) {
                int n = Math.min(perStatement, rows.size() - from);
                PreparedStatement ps;
                if (n == perStatement) {
                    if (full == null) {
                        full = connection.prepareStatement(head + String.join(", ", Collections.nCopies(n, tuple)));
                    }
                    ps = full;
                } else {
                    ps = connection.prepareStatement(head + String.join(", ", Collections.nCopies(n, tuple)));
                }
                try {
                    int p = 1;
                    for (int r = from; r < from + n; r++) {
                        for (Object v : rows.get(r)) {
                            ps.setObject(p++, bindable(v));
                        }
                    }
                    ps.executeUpdate();
                } catch (SQLException e) {
                    throw new SQLException("rows " + (from + 1) + " to " + (from + n) + ": " + e.getMessage(),
                            e.getSQLState(), e);
                } finally {
                    if (ps != full) {
                        ps.close();
                    }
                }
            }
        } finally {
            if (full != null) {
                full.close();
            }
        }
    }

    /** What the MariaDB driver binds: JSON text for maps and lists, text for UUIDs, local times for zoned ones. */
    private static Object bindable(Object v) {
        if (v instanceof Map<?, ?> || v instanceof Collection<?>) {
            return Json.write(v);
        }
        if (v instanceof UUID u) {
            return u.toString();
        }
        if (v instanceof OffsetDateTime o) {
            return o.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        return v;
    }

    /**
     * Loads into a temporary staging table, then copies the rows that pass every check with {@code INSERT IGNORE}
     * (which skips rows whose unique key is taken), at most {@code limit}.
     */
    @Override
    public FilteredLoad loadFiltered(String table, List<String> columns, List<Object[]> rows, Map<String, String> checks,
                                     long limit) throws SQLException {
        if (rows.isEmpty()) {
            return new FilteredLoad(0, Map.of(), 0);
        }
        rememberKeys(table);
        String staging = "rehearsal_staging_" + STAGING.incrementAndGet();
        String cols = columns.stream().map(dialect::quote).collect(Collectors.joining(", "));
        try (Statement st = connection.createStatement()) {
            st.execute("create temporary table " + staging + " as select " + cols + " from " + dialect.quote(table)
                    + " limit 0");
            try {
                insertMultiRow("insert into " + staging, columns, rows);
                String passes = checks.values().stream().map(c -> "(" + c + ") is not false")
                        .collect(Collectors.joining(" and "));
                long accepted = st.executeUpdate("insert ignore into " + dialect.quote(table) + " (" + cols + ") select "
                        + cols + " from " + staging + (checks.isEmpty() ? "" : " where " + passes) + " limit " + limit);
                List<String> names = new ArrayList<>(checks.keySet());
                String counts = accepted == rows.size() || checks.isEmpty() ? null : "select " + names.stream()
                        .map(n -> "coalesce(sum((" + checks.get(n) + ") is false), 0)")
                        .collect(Collectors.joining(", ")) + ", coalesce(sum(" + passes + "), 0) from " + staging;
                return CheckRejections.load(st, counts, names, rows.size(), accepted, limit);
            } finally {
                st.execute("drop temporary table if exists " + staging);
            }
        }
    }

    @Override
    public AutoCloseableChecks foreignKeyChecksOff() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("set foreign_key_checks = 0");
        }
        return () -> {
            try (Statement st = connection.createStatement()) {
                st.execute("set foreign_key_checks = 1");
            }
        };
    }

    @Override
    public void insert(String table, List<String> columns, List<Object[]> rows) throws SQLException {
        String sql = "insert into " + dialect.quote(table) + " (" + columns.stream().map(dialect::quote)
                .collect(Collectors.joining(", ")) + ") values (" + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int r = 0; r < rows.size(); r++) {
                Object[] row = rows.get(r);
                for (int i = 0; i < row.length; i++) {
                    ps.setObject(i + 1, bindable(row[i]));
                }
                try {
                    ps.executeUpdate();
                } catch (SQLException e) {
                    throw new SQLException("row " + (r + 1) + ": " + e.getMessage(), e.getSQLState(), e);
                }
            }
        }
    }

    /**
     * MariaDB has no transaction id on rows: the rows added are those whose primary key was not there before this
     * connection's first load into the table. Needs a single-column primary key.
     */
    @Override
    public List<String> rowsAddedInTransaction(String table) throws SQLException {
        Set<String> before = keysBeforeLoad.getOrDefault(table, Set.of());
        List<String> added = new ArrayList<>();
        for (String key : primaryKeys(table)) {
            if (!before.contains(key)) {
                added.add(key);
            }
        }
        return added;
    }

    @Override
    public void updateRows(String table, List<String> rowIds, List<String> columns, List<Object[]> values) throws SQLException {
        if (rowIds.isEmpty()) {
            return;
        }
        String sql = "update " + dialect.quote(table) + " set " + columns.stream().map(c -> dialect.quote(c) + " = ?")
                .collect(Collectors.joining(", ")) + " where " + dialect.quote(primaryKeyColumn(table)) + " = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int r = 0; r < rowIds.size(); r++) {
                Object[] row = values.get(r);
                for (int i = 0; i < row.length; i++) {
                    ps.setObject(i + 1, bindable(row[i]));
                }
                ps.setString(row.length + 1, rowIds.get(r));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void rememberKeys(String table) throws SQLException {
        if (!keysBeforeLoad.containsKey(table)) {
            keysBeforeLoad.put(table, primaryKeyColumnOrNull(table) == null ? Set.of() : new HashSet<>(primaryKeys(table)));
        }
    }

    private List<String> primaryKeys(String table) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("select cast("
                + dialect.quote(primaryKeyColumn(table)) + " as char) from " + dialect.quote(table))) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    private String primaryKeyColumn(String table) throws SQLException {
        String column = primaryKeyColumnOrNull(table);
        if (column == null) {
            throw new SQLFeatureNotSupportedException("Seeding " + table + ", whose foreign key points at its own table"
                    + " (or closes a cycle), needs a single-column primary key on MariaDB to link the rows after"
                    + " loading; give the table one, or insert its rows with rehearsal.insert(...)");
        }
        return column;
    }

    private String primaryKeyColumnOrNull(String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select column_name from information_schema.key_column_usage"
                + " where table_schema = database() and table_name = ? and constraint_name = 'PRIMARY'")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> cols = new ArrayList<>();
                while (rs.next()) {
                    cols.add(rs.getString(1));
                }
                return cols.size() == 1 ? cols.get(0) : null;
            }
        }
    }

    /**
     * Per table with an AUTO_INCREMENT column, its next value: InnoDB does not take back the values a rolled-back
     * INSERT drew.
     */
    @Override
    public Map<String, String> counters() throws SQLException {
        Map<String, String> counters = new LinkedHashMap<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select table_name, auto_increment from information_schema.tables"
                     + " where table_schema = database() and auto_increment is not null")) {
            while (rs.next()) {
                counters.put(rs.getString(1), rs.getString(2));
            }
        }
        return counters;
    }

    /** Sets back the AUTO_INCREMENT counters that moved since {@link #counters()} read them. */
    @Override
    public void restoreCounters(Map<String, String> counters) throws SQLException {
        if (counters.isEmpty()) {
            return;
        }
        Map<String, String> now = counters();
        try (Statement st = connection.createStatement()) {
            for (Map.Entry<String, String> e : counters.entrySet()) {
                String current = now.get(e.getKey());
                if (current != null && !current.equals(e.getValue())) {
                    st.execute("ALTER TABLE " + dialect.quote(e.getKey()) + " AUTO_INCREMENT = " + Long.parseLong(e.getValue()));
                }
            }
        }
    }

    @Override
    public long count(String table) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("select count(*) from " + dialect.quote(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public List<List<Object>> distinctValues(String table, List<String> columns) throws SQLException {
        String cols = columns.stream().map(dialect::quote).collect(Collectors.joining(", "));
        List<List<Object>> values = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("select distinct " + cols + " from "
                + dialect.quote(table) + " where " + columns.stream().map(c -> dialect.quote(c) + " is not null")
                .collect(Collectors.joining(" and ")) + " order by " + cols)) {
            while (rs.next()) {
                List<Object> tuple = new ArrayList<>();
                for (int i = 1; i <= columns.size(); i++) {
                    tuple.add(rs.getObject(i));
                }
                values.add(tuple);
            }
        }
        return values;
    }

    @Override
    public DataFingerprint fingerprint(SchemaSnapshot schema) throws SQLException {
        Map<String, TableFingerprint> result = new LinkedHashMap<>();
        for (SchemaObject table : schema.objects(ObjectKind.TABLE)) {
            List<String> cols = schema.columns(table.name()).stream().map(SchemaObject::simpleName).toList();
            String select = "select count(*)" + cols.stream().map(c -> ", count(" + dialect.quote(c) + "), coalesce(sum(crc32(cast("
                    + dialect.quote(c) + " as char))), 0)").collect(Collectors.joining()) + " from " + dialect.quote(table.name());
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(select)) {
                rs.next();
                Map<String, ColumnFingerprint> columns = new LinkedHashMap<>();
                for (int i = 0; i < cols.size(); i++) {
                    columns.put(cols.get(i), new ColumnFingerprint(rs.getLong(2 + 2 * i), rs.getString(3 + 2 * i)));
                }
                result.put(table.name(), new TableFingerprint(table.name(), rs.getLong(1), columns));
            }
        }
        return new DataFingerprint(result);
    }

    @Override
    public List<DataProblem> integrityProblems(SchemaSnapshot schema) throws SQLException {
        List<DataProblem> problems = new ArrayList<>();
        for (SchemaObject c : schema.objects(ObjectKind.CONSTRAINT)) {
            if (!ForeignKeyOrphans.applies(c)) {
                continue;
            }
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery(ForeignKeyOrphans.countQuery(c, dialect::quote))) {
                rs.next();
                long bad = rs.getLong(1);
                if (bad > 0) {
                    problems.add(ForeignKeyOrphans.problem(c, bad, "; foreign_key_checks was off while rows changed?)"));
                }
            }
        }
        return problems;
    }
}
