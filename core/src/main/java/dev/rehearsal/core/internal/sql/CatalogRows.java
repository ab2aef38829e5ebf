package dev.rehearsal.core.internal.sql;

import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFacts;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What every engine's catalog reader does the same way: run a catalog query row by row, and collect the schema
 * objects it finds into a {@link SchemaSnapshot}. The SQL and what each row means stay in the engine's reader.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CatalogRows {

    /** Reads one row of a catalog query. */
    public interface RowHandler {
        void handle(ResultSet rs) throws SQLException;
    }

    /** Prepares a catalog query: where an engine's driver needs telling how to keep it (see PostgresCatalogReader). */
    public interface Preparer {
        PreparedStatement prepare(Connection connection, String sql) throws SQLException;
    }

    private final Connection connection;
    private final Preparer preparer;
    private final int leadingResults;
    private final List<SchemaObject> objects = new ArrayList<>();

    public CatalogRows(Connection connection) {
        this(connection, Connection::prepareStatement);
    }

    public CatalogRows(Connection connection, Preparer preparer) {
        this(connection, preparer, 0);
    }

    /**
     * Prepares with {@code preparer}, whose statements return {@code leadingResults} results of their own (settings
     * made in the same round trip) before the queries' results; {@link #queryAll} skips those, and is the only way such
     * statements are run (a scoped read's).
     */
    public CatalogRows(Connection connection, Preparer preparer, int leadingResults) {
        this.connection = connection;
        this.preparer = preparer;
        this.leadingResults = leadingResults;
    }

    /** Runs {@code sql} and hands each row to {@code handler}. */
    public void query(String sql, RowHandler handler) throws SQLException {
        try (PreparedStatement ps = preparer.prepare(connection, sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                handler.handle(rs);
            }
        }
    }

    /** Runs {@code sql} with its one parameter and hands each row to {@code handler}. */
    public void query(String sql, Object parameter, RowHandler handler) throws SQLException {
        try (PreparedStatement ps = preparer.prepare(connection, sql)) {
            ps.setObject(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    handler.handle(rs);
                }
            }
        }
    }

    /** A catalog query with one parameter, and what reads its rows. */
    public record Query(String sql, Object parameter, RowHandler handler) {
    }

    /**
     * Runs several queries in one round trip (the driver sends them together and returns one result per query), and
     * hands each query's rows to its handler, in order.
     */
    public void queryAll(List<Query> queries) throws SQLException {
        if (queries.isEmpty()) {
            return;
        }
        String sql = queries.stream().map(Query::sql).collect(Collectors.joining(";\n"));
        try (PreparedStatement ps = preparer.prepare(connection, sql)) {
            for (int i = 0; i < queries.size(); i++) {
                ps.setObject(i + 1, queries.get(i).parameter());
            }
            boolean result = ps.execute();
            for (int i = 0; i < leadingResults; i++) {
                result = ps.getMoreResults();
            }
            for (Query q : queries) {
                while (!result && ps.getUpdateCount() != -1) {
                    result = ps.getMoreResults();
                }
                if (!result) {
                    throw new SQLException("the catalog query returned no rows for: " + q.sql());
                }
                try (ResultSet rs = ps.getResultSet()) {
                    while (rs.next()) {
                        q.handler().handle(rs);
                    }
                }
                result = ps.getMoreResults();
            }
        }
    }

    /** Records one object of the snapshot. */
    public void add(ObjectKind kind, String name, String table, String summary, SchemaFacts facts) {
        objects.add(new SchemaObject(kind, name, table, summary, facts.asMap()));
    }

    /** The snapshot of everything recorded. */
    public SchemaSnapshot snapshot() {
        return new SchemaSnapshot(objects);
    }

    /** Null for null or empty text: catalogs write "no comment" either way. */
    public static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
