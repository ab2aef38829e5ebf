package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.data.DataFingerprint.ColumnFingerprint;
import dev.rehearsal.core.data.DataFingerprint.TableFingerprint;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.internal.sql.LentConnection;
import dev.rehearsal.core.internal.sql.PreparedOnServer;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * PostgreSQL data fingerprints: per table the row count and, per column, the non-null count and a sum of
 * {@code hashtextextended}, in one query over the tables that may hold rows, reusing an earlier fingerprint for every
 * table whose row versions have not moved.
 */
final class PostgresFingerprints {

    /** The fingerprint of a column with no values. */
    private static final ColumnFingerprint NO_VALUES = new ColumnFingerprint(0, "0");

    /** Up to this many tables are counted without asking first which have storage. */
    static final int FEW_TABLES = 4;

    private final Connection connection;
    private final PostgresDialect dialect;

    PostgresFingerprints(Connection connection, PostgresDialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    private String q(String name) {
        return dialect.quote(name);
    }

    /**
     * The columns of {@code tables}, by table, in their table's order where {@code ordered} holds the table (its
     * fingerprint query lists them by position), else as the snapshot lists them. One pass over the schema's columns;
     * only the ordered tables' positions are parsed and sorted: this runs after every phase, over a schema that grows
     * with the history, and most tables of a long history hold no rows.
     */
    private static Map<String, List<SchemaObject>> columnsOf(SchemaSnapshot schema, List<String> tables,
                                                              Set<String> ordered) {
        Set<String> wanted = new HashSet<>(tables);
        Map<String, List<SchemaObject>> byTable = new HashMap<>();
        for (SchemaObject c : schema.objects(ObjectKind.COLUMN)) {
            if (wanted.contains(c.table())) {
                byTable.computeIfAbsent(c.table(), t -> new ArrayList<>()).add(c);
            }
        }
        for (String table : ordered) {
            List<SchemaObject> cols = byTable.get(table);
            if (cols != null && cols.size() > 1) {
                cols.sort(Comparator.comparingInt(c -> Integer.parseInt(c.fact(SchemaFact.POSITION).orElse("0"))));
            }
        }
        return byTable;
    }

    /**
     * A marker of the row versions a table shows: the row count, and the sum of a hash of each visible row version's
     * place ({@code ctid}) and writer ({@code xmin}, the id of the transaction that wrote it; {@code age} turns it into
     * a number without formatting it as text, the costly part of a fingerprint). Every insert and update makes a row
     * version whose transaction ends after the marker was read, and a deleted version never comes back, so while
     * neither the count nor the sum moves, no row was written, deleted or replaced. A place and a writer name one row
     * version across the copies of a database too (restore mode): two copies that diverge do so by new transactions.
     * A rewrite that keeps row versions (VACUUM FULL, CLUSTER) moves the marker without a write; that only costs a
     * fingerprint taken again. {@code %s} is the hash of the place with the writer as seed.
     */
    private static final String ROW_VERSIONS = "coalesce(sum(%s), 0)::text";

    /** The writer of a row version as a number: {@code xmin - 3}, the same in every statement. */
    private static final String WRITER = "age('3'::xid)::bigint - age(xmin)";

    /** {@link #ROW_VERSIONS} from PostgreSQL 15 on, which has {@code hashtidextended}; {@link #ROW_VERSIONS_OLDER} before. */
    private static final String ROW_VERSIONS_15 = ROW_VERSIONS.formatted("hashtidextended(ctid, " + WRITER + ")");
    private static final String ROW_VERSIONS_OLDER = ROW_VERSIONS.formatted("hashtextextended(ctid::text, " + WRITER + ")");

    private String rowVersions() throws SQLException {
        // hashtidextended is there from PostgreSQL 15 on at least (the oldest server it was checked on here)
        return connection.getMetaData().getDatabaseMajorVersion() >= 15 ? ROW_VERSIONS_15 : ROW_VERSIONS_OLDER;
    }

    /**
     * One query over the tables that may hold rows: per table the row count, and per column the non-null count and a
     * hash. With more than a few tables, those whose heap has no page are left out first (their fingerprint is known
     * without reading them; a long history of empty tables costs one cheap catalog query). The hash query counts the
     * rows itself, so no separate count scans the tables first; it is prepared on the server from its first run, so a
     * session parses each text once (in the Flyway sample's rehearsal 18 fingerprints were 6 texts; the server parsed
     * each unnamed run again, 0.3-0.5 ms) and plans it again only after DDL on one of its tables.
     * <p>
     * Each table's part first reads its {@link #ROW_VERSIONS row-version marker}; the hashes are computed only where
     * the marker differs from {@code earlier}'s, or {@code earlier} cannot vouch for the table (no marker, other
     * columns or column types, other enum labels or types). Elsewhere the server skips the hashing altogether (a
     * one-time filter) and {@code earlier}'s hashes are reused: a phase usually writes to one or two tables of many.
     * Where {@code earlier} vouches for more than a few tables, their markers alone are read first and only the tables
     * whose marker moved are hashed: the server plans a union of a hundred hashing parts in about 20 ms, after every
     * phase (DDL invalidates the plan), and a row of a hundred marker subqueries in about 3.
     */
    DataAccess.MarkedFingerprint fingerprint(SchemaSnapshot schema, DataAccess.MarkedFingerprint earlier) throws SQLException {
        List<String> tables = dataTables(schema);
        if (tables.isEmpty()) {
            return new DataAccess.MarkedFingerprint(schema, new DataFingerprint(Map.of()), Map.of());
        }
        Set<String> stored = new HashSet<>(tables.size() <= FEW_TABLES ? tables : tablesWithStorage(tables));
        Map<String, List<SchemaObject>> columns = columnsOf(schema, tables, stored);
        boolean typesAsBefore = !stored.isEmpty() && earlier != null && (earlier.schema() == schema
                || (earlier.schema().objects(ObjectKind.TYPE).equals(schema.objects(ObjectKind.TYPE))
                && earlier.schema().objects(ObjectKind.EXTENSION).equals(schema.objects(ObjectKind.EXTENSION))));
        Map<String, List<SchemaObject>> columnsBefore = !typesAsBefore ? Map.of()
                : earlier.schema() == schema ? columns : columnsOf(earlier.schema(), tables, stored);
        Map<String, TableFingerprint> result = new LinkedHashMap<>();
        Map<String, String> rowVersions = new LinkedHashMap<>();
        String marker = stored.isEmpty() ? null : rowVersions();
        Map<String, String> vouchedMarkers = new LinkedHashMap<>();
        for (String table : tables) {
            if (!stored.contains(table)) {
                // no heap page: no rows, and every column's fingerprint is that of no values
                Map<String, ColumnFingerprint> empty = new HashMap<>();
                columns.getOrDefault(table, List.of()).forEach(c -> empty.put(c.simpleName(), NO_VALUES));
                result.put(table, new TableFingerprint(table, 0, empty));
            } else if (typesAsBefore && earlier.fingerprint().tables().containsKey(table)
                    && earlier.rowVersions().containsKey(table)
                    && columns.getOrDefault(table, List.of()).equals(columnsBefore.getOrDefault(table, List.of()))) {
                vouchedMarkers.put(table, earlier.rowVersions().get(table));
            }
        }
        List<String> toHash = new ArrayList<>(tables.stream().filter(stored::contains).toList());
        if (vouchedMarkers.size() > FEW_TABLES) {
            // many tables earlier can vouch for: their markers alone first, in a query the server plans in a fraction
            // of the hashing query's time, then the hashes only of the tables whose marker moved
            Map<String, String> now = markers(List.copyOf(vouchedMarkers.keySet()), marker);
            vouchedMarkers.forEach((table, known) -> {
                if (known.equals(now.get(table))) {
                    result.put(table, earlier.fingerprint().tables().get(table));
                    rowVersions.put(table, known);
                    toHash.remove(table);
                }
            });
            vouchedMarkers.clear();
        }
        if (!toHash.isEmpty()) {
            hash(toHash, vouchedMarkers, columns, marker, earlier, result, rowVersions);
        }
        Map<String, TableFingerprint> ordered = new LinkedHashMap<>();
        tables.forEach(t -> ordered.put(t, result.get(t)));
        return new DataAccess.MarkedFingerprint(schema, new DataFingerprint(ordered), rowVersions);
    }

    /**
     * Fingerprints {@code tables} in one query: each table's part reads its row-version marker, and hashes its columns
     * unless the marker equals the one {@code known} gives for it (then {@code earlier}'s fingerprint is kept).
     */
    private void hash(List<String> tables, Map<String, String> known, Map<String, List<SchemaObject>> columns,
                      String marker, DataAccess.MarkedFingerprint earlier, Map<String, TableFingerprint> result,
                      Map<String, String> rowVersions) throws SQLException {
        List<String> parts = new ArrayList<>();
        for (String table : tables) {
            List<String> cols = columns.getOrDefault(table, List.of()).stream().map(SchemaObject::simpleName).toList();
            String counts = cols.isEmpty() ? "array[]::text[]" : "array[" + cols.stream()
                    .map(c -> "count(" + q(c) + ")::text").collect(Collectors.joining(", ")) + "]";
            String hashes = cols.isEmpty() ? "array[]::text[]" : "array[" + cols.stream()
                    .map(c -> "coalesce(sum(hashtextextended(" + q(c) + "::text, 0)), 0)::text")
                    .collect(Collectors.joining(", ")) + "]";
            parts.add("select " + PgText.quoted(table) + "::text, m.n, m.v, f.n, f.counts, f.hashes"
                    + " from (select count(*) n, " + marker + " v from " + q(table) + ") m"
                    + " left join lateral (select count(*) n, " + counts + " counts, " + hashes + " hashes from "
                    + q(table) + " having (m.n, m.v) is distinct from (?::bigint, ?::text)) f on true");
        }
        try (PreparedStatement st = PreparedOnServer.prepare(connection, String.join("\nunion all\n", parts))) {
            int p = 1;
            for (String table : tables) {
                String k = known.get(table);
                int slash = k == null ? -1 : k.indexOf('/');
                st.setObject(p++, slash < 0 ? null : Long.parseLong(k.substring(0, slash)), Types.BIGINT);
                st.setString(p++, slash < 0 ? null : k.substring(slash + 1));
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    rowVersions.put(table, rs.getLong(2) + "/" + rs.getString(3));
                    if (rs.getObject(4) == null) {
                        // the marker is as before: so are the rows
                        result.put(table, earlier.fingerprint().tables().get(table));
                        continue;
                    }
                    String[] counts = (String[]) rs.getArray(5).getArray();
                    String[] hashes = (String[]) rs.getArray(6).getArray();
                    Map<String, ColumnFingerprint> cols = new LinkedHashMap<>();
                    List<SchemaObject> names = columns.getOrDefault(table, List.of());
                    for (int i = 0; i < names.size(); i++) {
                        cols.put(names.get(i).simpleName(), new ColumnFingerprint(Long.parseLong(counts[i]), hashes[i]));
                    }
                    result.put(table, new TableFingerprint(table, rs.getLong(4), cols));
                }
            }
        }
    }

    /**
     * The {@link #ROW_VERSIONS row-version markers} of {@code tables}, as {@code count/sum}: one scalar subquery per
     * table in one row, which the server plans several times faster than a union of the hashing parts.
     */
    private Map<String, String> markers(List<String> tables, String marker) throws SQLException {
        String query = tables.stream().map(t -> "(select count(*)::text || '/' || " + marker + " from " + q(t) + ")")
                .collect(Collectors.joining(", ", "select ", ""));
        Map<String, String> markers = new HashMap<>();
        try (PreparedStatement st = PreparedOnServer.prepare(connection, query); ResultSet rs = st.executeQuery()) {
            rs.next();
            for (int i = 0; i < tables.size(); i++) {
                markers.put(tables.get(i), rs.getString(i + 1));
            }
        }
        return markers;
    }

    /**
     * The server's snapshot of transactions, which any committed write moves; empty inside a transaction, the one
     * Rehearsal holds for a restore by rollback included ({@link LentConnection}).
     */
    Optional<String> writeMarker() throws SQLException {
        if (!connection.getAutoCommit() || connection.isWrapperFor(LentConnection.class)) {
            // inside a transaction the snapshot may be the transaction's own, which others' writes do not move
            return Optional.empty();
        }
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select txid_current_snapshot()::text")) {
            rs.next();
            return Optional.of(rs.getString(1));
        }
    }

    /**
     * Whether the relation whose oid is the expression {@code %s} may hold rows: its heap, or that of any partition or
     * inheritance child below it, has a page ({@code pg_relation_size} above 0). A heap that never had a page holds
     * none, and knowing it costs a file size, not a scan. Also asked by {@link PostgresLocks#startingPoint}.
     */
    static final String MAY_HOLD_ROWS = """
            exists (with recursive tree(rel) as (
                      select %s
                      union all
                      select h.inhrelid from tree join pg_inherits h on h.inhparent = tree.rel)
                    select 1 from tree where pg_relation_size(tree.rel) > 0)""";

    /** The positions in the array of table names of the tables that may hold rows. */
    private static final String TABLES_WITH_STORAGE = "select u.i from unnest(?::text[]) with ordinality u(t, i) where "
            + MAY_HOLD_ROWS.formatted("to_regclass(u.t)::oid");

    /**
     * Of {@code tables}, those that may hold rows ({@link #MAY_HOLD_ROWS}): a partitioned or inherited table is kept
     * when any table below it has pages (its count includes theirs). One query instead of a count per empty table.
     */
    List<String> tablesWithStorage(List<String> tables) throws SQLException {
        List<String> stored = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(TABLES_WITH_STORAGE)) {
            ps.setArray(1, connection.createArrayOf("text", tables.stream().map(this::q).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.add(tables.get(rs.getInt(1) - 1));
                }
            }
        }
        return stored;
    }

    /** Tables that hold their own rows: ordinary and partitioned tables, not partitions (their parent counts them). */
    private static List<String> dataTables(SchemaSnapshot schema) {
        return schema.objects(ObjectKind.TABLE).stream()
                .filter(t -> !"foreign table".equals(t.fact(SchemaFact.KIND).orElse("")))
                .filter(t -> t.fact(SchemaFact.PARTITION_OF).isEmpty())
                .map(SchemaObject::name).toList();
    }

}
