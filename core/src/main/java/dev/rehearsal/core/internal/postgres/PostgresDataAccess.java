package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.postgresql.PGConnection;
import org.postgresql.util.PGobject;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * PostgreSQL data work: {@code COPY} for bulk loads (through a staging table when rows must be filtered),
 * fingerprints as sums of {@code hashtextextended} per column, integrity checks from the catalog and anti-joins.
 */
final class PostgresDataAccess implements DataAccess {

    private final Connection connection;
    private final PostgresDialect dialect;
    private final PostgresCopyLoads loads;

    private final PostgresFingerprints fingerprints;

    PostgresDataAccess(Connection connection, PostgresDialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
        this.fingerprints = new PostgresFingerprints(connection, dialect);
        this.loads = new PostgresCopyLoads(connection, dialect);
    }

    private String q(String name) {
        return dialect.quote(name);
    }

    private String columnList(List<String> columns) {
        return columns.stream().map(dialect::quote).collect(Collectors.joining(", "));
    }

    @Override
    public void load(String table, List<String> columns, List<Object[]> rows) throws SQLException {
        loads.copy(table, columns, rows.iterator());
    }

    /**
     * One {@code COPY}, fed a chunk at a time while the rows are generated: the server parses, checks and indexes a
     * chunk while the next one is made, instead of waiting for a whole batch to be generated first.
     */
    @Override
    public long loadAsGenerated(String table, List<String> columns, Iterator<Object[]> rows)
            throws SQLException {
        return loads.copy(table, columns, rows);
    }

    @Override
    public long insertDefaults(String table, long rows) throws SQLException {
        try (Statement st = connection.createStatement()) {
            return st.executeLargeUpdate("insert into " + q(table) + " select from generate_series(1, " + rows + ")");
        }
    }

    @Override
    public FilteredLoad loadFiltered(String table, List<String> columns, List<Object[]> rows, Map<String, String> checks,
                                     long limit) throws SQLException {
        return loads.loadFiltered(table, columns, rows, checks, limit);
    }

    @Override
    public void insert(String table, List<String> columns, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<String> types = loads.types(table, columns);
        String sql = "insert into " + q(table) + " (" + columnList(columns) + ") overriding system value values ("
                + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int r = 0; r < rows.size(); r++) {
                Object[] row = rows.get(r);
                for (int i = 0; i < row.length; i++) {
                    String text = PgText.literal(row[i], types.get(i));
                    if (text == null) {
                        ps.setNull(i + 1, Types.OTHER);
                    } else {
                        ps.setObject(i + 1, text, Types.OTHER);
                    }
                }
                try {
                    ps.executeUpdate();
                } catch (SQLException e) {
                    throw new SQLException("row " + (r + 1) + " (" + describe(columns, row) + "): " + e.getMessage(),
                            e.getSQLState(), e);
                }
            }
        }
        for (String column : columns) {
            advanceSequence(table, column);
        }
    }

    private static String describe(List<String> columns, Object[] row) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            parts.add(columns.get(i) + "=" + row[i]);
        }
        return String.join(", ", parts);
    }

    /** Per sequence, {@code start|last}; {@code last} is empty before the first nextval. */
    @Override
    public Map<String, String> counters() throws SQLException {
        Map<String, String> counters = new LinkedHashMap<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select format('%I.%I', schemaname, sequencename), start_value, last_value"
                     + " from pg_sequences where schemaname not in ('pg_catalog', 'information_schema', '"
                     + PostgresDdlLog.SCHEMA + "')")) {
            while (rs.next()) {
                String last = rs.getString(3);
                counters.put(rs.getString(1), rs.getString(2) + "|" + (last == null ? "" : last));
            }
        }
        return counters;
    }

    @Override
    public void restoreCounters(Map<String, String> counters) throws SQLException {
        if (counters.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "select setval(to_regclass(?), ?::int8, ?) where to_regclass(?) is not null")) {
            for (Map.Entry<String, String> e : counters.entrySet()) {
                String[] parts = e.getValue().split("\\|", -1);
                boolean called = !parts[1].isEmpty();
                ps.setString(1, e.getKey());
                ps.setString(2, called ? parts[1] : parts[0]);
                ps.setBoolean(3, called);
                ps.setString(4, e.getKey());
                ps.execute();
            }
        }
    }

    @Override
    public long loadCsv(String table, List<String> columns, InputStream csv) throws SQLException, IOException {
        return connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + q(table) + " (" + columnList(columns)
                + ") FROM STDIN (FORMAT csv, HEADER true)", csv);
    }

    @Override
    public AutoCloseableChecks foreignKeyChecksOff() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("set session_replication_role = replica");
        }
        return () -> {
            try (Statement st = connection.createStatement()) {
                st.execute("set session_replication_role = origin");
            }
        };
    }

    @Override
    public void advanceOwnedSequences(SchemaSnapshot schema) throws SQLException {
        for (SchemaObject s : schema.objects(ObjectKind.SEQUENCE)) {
            String owner = s.fact(SchemaFact.OWNED_BY).orElse(null);
            if (owner == null) {
                continue;
            }
            int dot = owner.lastIndexOf('.');
            advanceSequence(owner.substring(0, dot), owner.substring(dot + 1));
        }
    }

    private void advanceSequence(String table, String column) throws SQLException {
        String sequence;
        try (PreparedStatement ps = connection.prepareStatement("select pg_get_serial_sequence(?, ?)")) {
            ps.setString(1, q(table));
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                sequence = rs.getString(1);
            }
        }
        if (sequence == null) {
            return;
        }
        try (Statement st = connection.createStatement()) {
            st.execute("select setval(" + PgText.quoted(sequence) + ", m) from (select max(" + q(column) + ") m from "
                    + q(table) + ") x, " + sequence + " s where m is not null"
                    + " and m >= case when s.is_called then s.last_value + 1 else s.last_value end");
        }
    }

    @Override
    public List<String> rowsAddedInTransaction(String table) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select ctid::text from " + q(table)
                     // this transaction's rows and its subtransactions' (rows loaded one at a time under
                     // savepoints): their xids are the transaction's own or newer, so their age is no larger
                     + " where age(xmin) <= age(pg_current_xact_id()::xid) order by ctid")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    @Override
    public void updateRows(String table, List<String> rowIds, List<String> columns, List<Object[]> values)
            throws SQLException {
        loads.updateRows(table, rowIds, columns, values);
    }

    @Override
    public long count(String table) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from " + q(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public List<List<Object>> distinctValues(String table, List<String> columns) throws SQLException {
        String cols = columnList(columns);
        String notNull = columns.stream().map(c -> q(c) + " is not null").collect(Collectors.joining(" and "));
        List<List<Object>> values = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select distinct " + cols + " from " + q(table) + " where " + notNull
                     + " order by " + cols)) {
            while (rs.next()) {
                List<Object> tuple = new ArrayList<>(columns.size());
                for (int i = 1; i <= columns.size(); i++) {
                    tuple.add(value(rs, i));
                }
                values.add(tuple);
            }
        }
        return values;
    }

    /** A column value as Java sees it: arrays as lists, PGobjects (json, inet, enums...) as their text. */
    static Object value(ResultSet rs, int i) throws SQLException {
        Object v = rs.getObject(i);
        if (v instanceof Array array) {
            Object[] items = (Object[]) array.getArray();
            return Arrays.asList(items);
        }
        if (v instanceof PGobject o) {
            return o.getValue();
        }
        return v;
    }

    /**
     * The counts in one query; with many tables, only of those that have storage, 0 for the others (see
     * {@link PostgresFingerprints#tablesWithStorage}): asking the file sizes costs a query of its own, which pays off over many tables.
     */
    @Override
    public Map<String, Long> counts(List<String> tables) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        tables.forEach(t -> counts.put(t, 0L));
        List<String> stored = tables.size() <= PostgresFingerprints.FEW_TABLES ? tables : fingerprints.tablesWithStorage(tables);
        if (!stored.isEmpty()) {
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(stored.stream()
                    .map(t -> "select " + PgText.quoted(t) + "::text, count(*) from " + q(t))
                    .collect(Collectors.joining("\nunion all\n")))) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    @Override
    public DataFingerprint fingerprint(SchemaSnapshot schema) throws SQLException {
        return fingerprints.fingerprint(schema, null).fingerprint();
    }

    @Override
    public MarkedFingerprint fingerprint(SchemaSnapshot schema, MarkedFingerprint earlier) throws SQLException {
        return fingerprints.fingerprint(schema, earlier);
    }

    @Override
    public Optional<String> writeMarker() throws SQLException {
        return fingerprints.writeMarker();
    }

    @Override
    public List<DataProblem> integrityProblems(SchemaSnapshot schema) throws SQLException {
        return new PostgresIntegrity(connection, this::q).problems(schema, c -> true);
    }

    @Override
    public List<DataProblem> integrityProblems(SchemaSnapshot schema,
                                               Predicate<SchemaObject> recount) throws SQLException {
        return new PostgresIntegrity(connection, this::q).problems(schema, recount);
    }

    static List<String> split(String list) {
        return Arrays.stream(list.split(", ")).toList();
    }
}
