package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.DataAccess.FilteredLoad;
import dev.rehearsal.core.internal.data.CheckRejections;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Rows loaded into PostgreSQL with {@code COPY} in text format, each value written as its column's type reads it
 * ({@link PgText}), and sent a chunk at a time while the rows are generated; a filtered load goes through a
 * temporary staging table.
 */
final class PostgresCopyLoads {

    private static final int COPY_CHUNK = 1 << 16;
    private static final AtomicLong STAGING = new AtomicLong();

    private final Connection connection;
    private final PostgresDialect dialect;
    private final Map<String, Map<String, String>> columnTypes = new HashMap<>();

    PostgresCopyLoads(Connection connection, PostgresDialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /**
     * One {@code COPY} into {@code table}, fed a chunk at a time while the rows are generated: the server parses,
     * checks and indexes a chunk while the next one is made, instead of waiting for a whole batch to be generated
     * first. Returns the number of rows.
     */
    long copy(String table, List<String> columns, Iterator<Object[]> rows) throws SQLException {
        return copy(dialect.quote(table), columns, types(table, columns), rows);
    }

    /**
     * Loads the rows that pass {@code checks} (CHECK expressions by name), at most {@code limit}: all of them are
     * copied to a temporary staging table first, then inserted from it where no check is false; says how many each
     * check turned away.
     */
    FilteredLoad loadFiltered(String table, List<String> columns, List<Object[]> rows, Map<String, String> checks,
                              long limit) throws SQLException {
        if (rows.isEmpty()) {
            return new FilteredLoad(0, Map.of(), 0);
        }
        String staging = "rehearsal_staging_" + STAGING.incrementAndGet();
        String cols = columnList(columns);
        try (Statement st = connection.createStatement()) {
            st.execute("create temp table " + staging + " as select " + cols + " from " + dialect.quote(table)
                    + " with no data");
            // on a failure, the staging table goes with the failed transaction (or with DISCARD TEMP when the pool
            // resets)
            copy(staging, columns, types(table, columns), rows.iterator());
            String where = checks.isEmpty() ? "" : " where " + checks.values().stream()
                    .map(c -> "(" + c + ") is not false").collect(Collectors.joining(" and "));
            long accepted = st.executeUpdate("insert into " + dialect.quote(table) + " (" + cols + ") select " + cols
                    + " from " + staging + where + " limit " + limit + " on conflict do nothing");
            long rejected = rows.size() - accepted;
            List<String> names = new ArrayList<>(checks.keySet());
            String counts = rejected == 0 || checks.isEmpty() ? null : "select " + names.stream()
                    .map(n -> "count(*) filter (where (" + checks.get(n) + ") is false)")
                    .collect(Collectors.joining(", ")) + ", count(*) filter (where " + checks.values().stream()
                    .map(c -> "(" + c + ") is not false").collect(Collectors.joining(" and ")) + ") from " + staging;
            FilteredLoad load = CheckRejections.load(st, counts, names, rows.size(), accepted, limit);
            st.execute("drop table " + staging);
            return load;
        }
    }

    /**
     * Sets {@code columns} of the rows {@code rowIds} (their {@code ctid}s) to {@code values}: copied to a temporary
     * staging table, then one update joined to it.
     */
    void updateRows(String table, List<String> rowIds, List<String> columns, List<Object[]> values)
            throws SQLException {
        if (rowIds.isEmpty()) {
            return;
        }
        String staging = "rehearsal_staging_" + STAGING.incrementAndGet();
        String cols = columnList(columns);
        try (Statement st = connection.createStatement()) {
            st.execute("create temp table " + staging + " as select ctid as rehearsal_row, " + cols + " from "
                    + dialect.quote(table) + " with no data");
            // on a failure, the staging table goes with the failed transaction (or with DISCARD TEMP when the pool
            // resets)
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
            copy(staging, names, types, rows.iterator());
            String set = columns.stream().map(c -> dialect.quote(c) + " = s." + dialect.quote(c)).collect(Collectors.joining(", "));
            st.executeUpdate("update " + dialect.quote(table) + " t set " + set + " from " + staging
                    + " s where t.ctid = s.rehearsal_row");
            st.execute("drop table " + staging);
        }
    }

    private long copy(String quotedTable, List<String> columns, List<String> types, Iterator<Object[]> rows)
            throws SQLException {
        if (!rows.hasNext()) {
            return 0;
        }
        long copied = 0;
        String sql = "COPY " + quotedTable + " (" + columnList(columns) + ") FROM STDIN (FORMAT text)";
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            StringBuilder sb = new StringBuilder(COPY_CHUNK + 1024);
            while (rows.hasNext()) {
                Object[] row = rows.next();
                copied++;
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
            return copied;
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

    /** The types of {@code columns} of {@code table}, as {@code format_type} names them; read once per table. */
    List<String> types(String table, List<String> columns) throws SQLException {
        Map<String, String> all = columnTypes.get(table);
        if (all == null) {
            all = new HashMap<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "select attname, format_type(atttypid, atttypmod) from pg_attribute"
                            + " where attrelid = ?::regclass and attnum > 0 and not attisdropped")) {
                ps.setString(1, dialect.quote(table));
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

    private String columnList(List<String> columns) {
        return columns.stream().map(dialect::quote).collect(Collectors.joining(", "));
    }
}
