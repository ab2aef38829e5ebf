package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataFingerprint.ColumnFingerprint;
import dev.rehearsal.core.data.DataFingerprint.TableFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * PostgreSQL data work: {@code COPY} for bulk loads (through a staging table when rows must be filtered),
 * fingerprints as sums of {@code hashtextextended} per column, integrity checks from the catalog and anti-joins.
 */
final class PostgresDataAccess implements DataAccess {

    private static final int COPY_CHUNK = 1 << 16;
    private static final AtomicLong STAGING = new AtomicLong();
    private static final Pattern NEXTVAL = Pattern.compile("nextval\\('([^']+)'::regclass\\)");

    private final Connection connection;
    private final PostgresDialect dialect;
    private final Map<String, Map<String, String>> columnTypes = new HashMap<>();

    PostgresDataAccess(Connection connection, PostgresDialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    private String q(String name) {
        return dialect.quote(name);
    }

    private String columnList(List<String> columns) {
        return columns.stream().map(dialect::quote).collect(Collectors.joining(", "));
    }

    @Override
    public void load(String table, List<String> columns, List<Object[]> rows) throws SQLException {
        copy(q(table), columns, types(table, columns), rows);
    }

    private void copy(String quotedTable, List<String> columns, List<String> types, List<Object[]> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        String sql = "COPY " + quotedTable + " (" + columnList(columns) + ") FROM STDIN (FORMAT text)";
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            StringBuilder sb = new StringBuilder(COPY_CHUNK + 1024);
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) {
                        sb.append('\t');
                    }
                    PgText.appendCopyField(sb, PgText.literal(row[i], types.get(i)));
                }
                sb.append('\n');
                if (sb.length() >= COPY_CHUNK) {
                    flush(copy, sb);
                }
            }
            flush(copy, sb);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void flush(CopyIn copy, StringBuilder sb) throws SQLException {
        if (sb.length() > 0) {
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            sb.setLength(0);
        }
    }

    private List<String> types(String table, List<String> columns) throws SQLException {
        Map<String, String> all = columnTypes.get(table);
        if (all == null) {
            all = new HashMap<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "select attname, format_type(atttypid, atttypmod) from pg_attribute"
                            + " where attrelid = ?::regclass and attnum > 0 and not attisdropped")) {
                ps.setString(1, q(table));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        all.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            columnTypes.put(table, all);
        }
        List<String> types = new ArrayList<>(columns.size());
        for (String c : columns) {
            types.add(all.get(c));
        }
        return types;
    }

    @Override
    public FilteredLoad loadFiltered(String table, List<String> columns, List<Object[]> rows, Map<String, String> checks,
                                     long limit) throws SQLException {
        if (rows.isEmpty()) {
            return new FilteredLoad(0, Map.of(), 0);
        }
        String staging = "rehearsal_staging_" + STAGING.incrementAndGet();
        String cols = columnList(columns);
        try (Statement st = connection.createStatement()) {
            st.execute("create temp table " + staging + " as select " + cols + " from " + q(table) + " with no data");
            try {
                copy(staging, columns, types(table, columns), rows);
                String where = checks.isEmpty() ? "" : " where " + checks.values().stream()
                        .map(c -> "(" + c + ") is not false").collect(Collectors.joining(" and "));
                long accepted = st.executeUpdate("insert into " + q(table) + " (" + cols + ") select " + cols
                        + " from " + staging + where + " limit " + limit + " on conflict do nothing");
                long rejected = rows.size() - accepted;
                Map<String, Long> byCheck = new LinkedHashMap<>();
                long passing = rows.size();
                if (rejected > 0 && !checks.isEmpty()) {
                    List<String> names = new ArrayList<>(checks.keySet());
                    String counts = names.stream().map(n -> "count(*) filter (where (" + checks.get(n) + ") is false)")
                            .collect(Collectors.joining(", "));
                    try (ResultSet rs = st.executeQuery("select " + counts + ", count(*) filter (where "
                            + checks.values().stream().map(c -> "(" + c + ") is not false").collect(Collectors.joining(" and "))
                            + ") from " + staging)) {
                        rs.next();
                        for (int i = 0; i < names.size(); i++) {
                            long n = rs.getLong(i + 1);
                            if (n > 0) {
                                byCheck.put(names.get(i), n);
                            }
                        }
                        passing = rs.getLong(names.size() + 1);
                    }
                }
                st.execute("drop table " + staging);
                return new FilteredLoad(accepted, byCheck, Math.max(0, Math.min(passing, limit) - accepted));
            } catch (SQLException e) {
                // the staging table goes with the failed transaction (or with DISCARD TEMP when the pool resets)
                throw e;
            }
        }
    }

    @Override
    public void insert(String table, List<String> columns, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<String> types = types(table, columns);
        String sql = "insert into " + q(table) + " (" + columnList(columns) + ") overriding system value values ("
                + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int r = 0; r < rows.size(); r++) {
                Object[] row = rows.get(r);
                for (int i = 0; i < row.length; i++) {
                    String text = PgText.literal(row[i], types.get(i));
                    if (text == null) {
                        ps.setNull(i + 1, java.sql.Types.OTHER);
                    } else {
                        ps.setObject(i + 1, text, java.sql.Types.OTHER);
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
            st.execute("select setval(" + literal(sequence) + ", m) from (select max(" + q(column) + ") m from "
                    + q(table) + ") x, " + sequence + " s where m is not null"
                    + " and m >= case when s.is_called then s.last_value + 1 else s.last_value end");
        }
    }

    @Override
    public void copyIn(String copyStatement, String data) throws SQLException {
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copyStatement, new java.io.StringReader(data));
        } catch (java.io.IOException e) {
            throw new SQLException("could not send the COPY data: " + e.getMessage(), "08006", e);
        }
    }

    @Override
    public List<String> rowsAddedInTransaction(String table) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select ctid::text from " + q(table)
                     + " where xmin = pg_current_xact_id()::xid order by ctid")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    @Override
    public void updateRows(String table, List<String> rowIds, List<String> columns, List<Object[]> values)
            throws SQLException {
        if (rowIds.isEmpty()) {
            return;
        }
        String staging = "rehearsal_staging_" + STAGING.incrementAndGet();
        String cols = columnList(columns);
        try (Statement st = connection.createStatement()) {
            st.execute("create temp table " + staging + " as select ctid as rehearsal_row, " + cols + " from "
                    + q(table) + " with no data");
            try {
                List<String> names = new ArrayList<>();
                names.add("rehearsal_row");
                names.addAll(columns);
                List<String> types = new ArrayList<>();
                types.add("tid");
                types.addAll(types(table, columns));
                List<Object[]> rows = new ArrayList<>(rowIds.size());
                for (int i = 0; i < rowIds.size(); i++) {
                    Object[] row = new Object[columns.size() + 1];
                    row[0] = rowIds.get(i);
                    System.arraycopy(values.get(i), 0, row, 1, columns.size());
                    rows.add(row);
                }
                copy(staging, names, types, rows);
                String set = columns.stream().map(c -> q(c) + " = s." + q(c)).collect(Collectors.joining(", "));
                st.executeUpdate("update " + q(table) + " t set " + set + " from " + staging
                        + " s where t.ctid = s.rehearsal_row");
                st.execute("drop table " + staging);
            } catch (SQLException e) {
                // the staging table goes with the failed transaction (or with DISCARD TEMP when the pool resets)
                throw e;
            }
        }
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
        if (v instanceof org.postgresql.util.PGobject o) {
            return o.getValue();
        }
        return v;
    }

    // ---- fingerprints ----

    @Override
    public DataFingerprint fingerprint(SchemaSnapshot schema) throws SQLException {
        List<String> tables = dataTables(schema);
        if (tables.isEmpty()) {
            return new DataFingerprint(Map.of());
        }
        Map<String, List<String>> columns = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        for (String table : tables) {
            List<String> cols = schema.columns(table).stream().map(SchemaObject::simpleName).toList();
            columns.put(table, cols);
            String counts = cols.isEmpty() ? "array[]::text[]" : "array[" + cols.stream()
                    .map(c -> "count(" + q(c) + ")::text").collect(Collectors.joining(", ")) + "]";
            String hashes = cols.isEmpty() ? "array[]::text[]" : "array[" + cols.stream()
                    .map(c -> "coalesce(sum(hashtextextended(" + q(c) + "::text, 0)), 0)::text")
                    .collect(Collectors.joining(", ")) + "]";
            parts.add("select " + literal(table) + "::text, count(*), " + counts + ", " + hashes + " from " + q(table));
        }
        Map<String, TableFingerprint> result = new LinkedHashMap<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery(String.join("\nunion all\n", parts))) {
            while (rs.next()) {
                String table = rs.getString(1);
                String[] counts = (String[]) rs.getArray(3).getArray();
                String[] hashes = (String[]) rs.getArray(4).getArray();
                Map<String, ColumnFingerprint> cols = new LinkedHashMap<>();
                List<String> names = columns.get(table);
                for (int i = 0; i < names.size(); i++) {
                    cols.put(names.get(i), new ColumnFingerprint(Long.parseLong(counts[i]), hashes[i]));
                }
                result.put(table, new TableFingerprint(table, rs.getLong(2), cols));
            }
        }
        return new DataFingerprint(result);
    }

    /** Tables that hold their own rows: ordinary and partitioned tables, not partitions (their parent counts them). */
    private static List<String> dataTables(SchemaSnapshot schema) {
        return schema.objects(ObjectKind.TABLE).stream()
                .filter(t -> !"foreign table".equals(t.attribute("kind").orElse("")))
                .filter(t -> t.attribute("partition of").isEmpty())
                .map(SchemaObject::name).toList();
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    // ---- integrity ----

    @Override
    public List<DataProblem> integrityProblems(SchemaSnapshot schema) throws SQLException {
        List<DataProblem> problems = new ArrayList<>();
        for (SchemaObject index : schema.objects(ObjectKind.INDEX)) {
            if ("false".equals(index.attribute("valid").orElse("true"))) {
                problems.add(new DataProblem(DataProblem.Kind.INVALID_INDEX, index.table(), null,
                        "index " + index.simpleName() + " on " + index.table() + " is INVALID (a CREATE INDEX"
                                + " CONCURRENTLY that failed leaves it so): queries ignore it but writes maintain it."
                                + " Drop it and create it again, or make the migration do so."));
            }
        }
        List<String> parts = new ArrayList<>();
        List<SchemaObject> checked = new ArrayList<>();
        for (SchemaObject c : schema.objects(ObjectKind.CONSTRAINT)) {
            String type = c.attribute("type").orElse("");
            String def = c.attribute("definition").orElse("");
            boolean validated = !"false".equals(c.attribute("validated").orElse("true"));
            if ("foreign key".equals(type) && c.attribute("columns").isPresent()
                    && c.attribute("referenced columns").isPresent()) {
                List<String> cols = split(c.attribute("columns").get());
                List<String> refs = split(c.attribute("referenced columns").get());
                String notNull = cols.stream().map(x -> "c." + q(x) + " is not null").collect(Collectors.joining(" and "));
                String join = java.util.stream.IntStream.range(0, cols.size())
                        .mapToObj(i -> "p." + q(refs.get(i)) + " = c." + q(cols.get(i))).collect(Collectors.joining(" and "));
                parts.add("select count(*) from " + q(c.table()) + " c where " + notNull + " and not exists (select 1 from "
                        + q(c.attribute("referenced table").get()) + " p where " + join + ")");
                checked.add(c);
            } else if ("check".equals(type) && !validated) {
                String expr = def.replaceFirst("^CHECK ", "").replaceFirst(" NOT VALID$", "");
                parts.add("select count(*) from " + q(c.table()) + " where (" + expr + ") is false");
                checked.add(c);
            }
        }
        if (!parts.isEmpty()) {
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery(parts.stream().map(p -> "(" + p + ")")
                         .collect(Collectors.joining(", ", "select ", "")))) {
                rs.next();
                for (int i = 0; i < checked.size(); i++) {
                    long bad = rs.getLong(i + 1);
                    if (bad == 0) {
                        continue;
                    }
                    SchemaObject c = checked.get(i);
                    boolean validated = !"false".equals(c.attribute("validated").orElse("true"));
                    String name = c.simpleName();
                    if ("foreign key".equals(c.attribute("type").orElse(""))) {
                        problems.add(new DataProblem(DataProblem.Kind.FOREIGN_KEY_ORPHANS, c.table(), null,
                                bad + " rows of " + c.table() + " have a " + c.attribute("columns").get()
                                        + " that matches no row of " + c.attribute("referenced table").get()
                                        + " (foreign key " + name + (validated ? "" : ", NOT VALID") + ")."
                                        + (validated ? " The constraint was bypassed (triggers disabled or"
                                        + " session_replication_role = replica while rows changed)."
                                        : " VALIDATE CONSTRAINT " + name + " will fail until they are fixed.")));
                    } else {
                        problems.add(new DataProblem(DataProblem.Kind.CONSTRAINT_VIOLATED, c.table(), null,
                                bad + " rows of " + c.table() + " violate " + name + " ("
                                        + c.attribute("definition").orElse("") + "): VALIDATE CONSTRAINT " + name
                                        + " will fail until they are fixed."));
                    }
                }
            }
        }
        problems.addAll(sequencesBehind(schema));
        return problems;
    }

    private List<DataProblem> sequencesBehind(SchemaSnapshot schema) throws SQLException {
        List<DataProblem> problems = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        List<String[]> subjects = new ArrayList<>();
        for (SchemaObject column : schema.objects(ObjectKind.COLUMN)) {
            String type = column.attribute("type").orElse("");
            if (!(type.equals("integer") || type.equals("bigint") || type.equals("smallint"))) {
                continue;
            }
            String sequence = null;
            if (column.attribute("identity").isPresent()) {
                sequence = "pg_get_serial_sequence(" + literal(q(column.table())) + ", " + literal(column.simpleName()) + ")";
            } else {
                Matcher m = NEXTVAL.matcher(column.attribute("default").orElse(""));
                if (m.find()) {
                    sequence = literal(m.group(1));
                }
            }
            if (sequence == null) {
                continue;
            }
            String seq = "(select s.seqrelid from pg_sequence s where s.seqrelid = (" + sequence + ")::regclass)";
            parts.add("select (select max(" + q(column.simpleName()) + ") from " + q(column.table()) + ")::numeric, "
                    + "(select coalesce(ps.last_value + ps.increment_by, ps.start_value) from pg_sequences ps"
                    + " join pg_class sc on sc.relname = ps.sequencename join pg_namespace sn on sn.oid = sc.relnamespace"
                    + " and sn.nspname = ps.schemaname where sc.oid = " + seq + ")::numeric, "
                    + "(" + sequence + ")::regclass::text");
            subjects.add(new String[]{column.table(), column.simpleName()});
        }
        if (parts.isEmpty()) {
            return problems;
        }
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery(String.join("\nunion all\n", parts))) {
            int i = 0;
            while (rs.next()) {
                String[] subject = subjects.get(i++);
                java.math.BigDecimal max = rs.getBigDecimal(1);
                java.math.BigDecimal next = rs.getBigDecimal(2);
                if (max != null && next != null && next.compareTo(max) <= 0) {
                    String sequence = rs.getString(3);
                    problems.add(new DataProblem(DataProblem.Kind.SEQUENCE_BEHIND, subject[0], subject[1],
                            "sequence " + sequence + " will hand out " + next + " next, but " + subject[0] + "."
                                    + subject[1] + " already holds values up to " + max + ": the next insert fails"
                                    + " with a duplicate key. Rows were inserted with explicit ids; add"
                                    + " SELECT setval('" + sequence + "', (SELECT max(" + subject[1] + ") FROM "
                                    + subject[0] + ")) to the migration."));
                }
            }
        }
        return problems;
    }

    static List<String> split(String list) {
        return Arrays.stream(list.split(", ")).toList();
    }
}
