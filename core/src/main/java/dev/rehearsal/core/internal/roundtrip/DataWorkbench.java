package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.QueryResult;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.data.SeedShortfall;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.data.FixtureFiles;
import dev.rehearsal.core.internal.data.SeedHints;
import dev.rehearsal.core.internal.data.Seeder;
import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The data side of a rehearsal: seeding, inserting rows and fixtures, queries, fingerprints and integrity checks,
 * always on the rehearsal's current database (which a rebuild may replace). {@link MigrationRehearsal} is its
 * public face; round-trip steps use it directly.
 */
final class DataWorkbench {

    /** Work on one connection. */
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Rehearsal's own session on the current database, held by the caller: never closed here. */
    interface OwnSession {
        Connection connection() throws SQLException;
    }

    private final Supplier<EphemeralDatabase> database;
    /** Connections to the current database (lent from the transaction held for a restore while there is one). */
    private final DataSource connections;
    private final OwnSession ownSession;
    private final Supplier<SchemaSnapshot> schema;
    private final Supplier<String> versionText;
    private final Supplier<SeedHints> hints;
    private final DataSettings settings;
    /** The last fingerprint taken, reused while nothing has been written since; null before the first. */
    private Fingerprinted lastFingerprint;
    /** Tables a top-up could not fill, as they were then: not tried again while they stay the same. */
    private final Map<String, TableModel> shortTables = new HashMap<>();
    private final Set<String> namedShortfalls = new HashSet<>();
    private String shortfallsOf;
    private final IntegrityMemo integrity = new IntegrityMemo();

    DataWorkbench(Supplier<EphemeralDatabase> database, DataSource connections, OwnSession ownSession,
                  Supplier<SchemaSnapshot> schema, Supplier<String> versionText, Supplier<SeedHints> hints,
                  DataSettings settings) {
        this.database = database;
        this.connections = connections;
        this.ownSession = ownSession;
        this.schema = schema;
        this.versionText = versionText;
        this.hints = hints;
        this.settings = settings;
    }

    /**
     * Tops tables up to a row count (the round trip's per-step seeding). Where fingerprints are taken and one shows
     * at least that many rows in each of them, there is nothing to seed: no pooled connection, no counts, no seeding
     * transaction. The step before usually left every table full.
     */
    SeedResult topUp(Collection<String> tables, long rows, List<TableSeed> overrides, String salt) {
        if (overrides.isEmpty() && knownToHold(tables, rows)) {
            return new SeedResult(Map.of(), Duration.ZERO, List.of());
        }
        String databaseNow = database.get().name();
        if (!databaseNow.equals(shortfallsOf)) {
            // a rebuilt or restored database: what fell short in the last one is tried, and named, again
            shortTables.clear();
            namedShortfalls.clear();
            shortfallsOf = databaseNow;
        }
        Map<String, TableModel> models = TableModel.all(schema.get());
        Map<String, Long> target = new LinkedHashMap<>();
        for (String table : tables) {
            if (!models.containsKey(table) || !models.get(table).equals(shortTables.get(table))) {
                target.put(table, rows);
            }
        }
        // an override for a table a later migration creates applies once it exists
        SeedResult result = seed(target, overrides.stream().filter(o -> models.containsKey(o.tableName())).toList(),
                true, salt, settings.boundaryValues(), true);
        result.shortfalls().forEach(s -> shortTables.put(s.table(), models.get(s.table())));
        // named once a run: the same table refused for the same reason at a later step is not news
        List<SeedShortfall> news = result.shortfalls().stream()
                .filter(s -> namedShortfalls.add(s.table() + "\u0000" + s.reason().replaceAll("\\d+", "#"))).toList();
        return news.size() == result.shortfalls().size() ? result
                : new SeedResult(result.rowsAdded(), result.duration(), result.notes(), news);
    }

    /** Seeds {@code rows} per table with these overrides; {@code topUp} counts the rows already there. */
    SeedResult seed(Map<String, Long> rows, List<TableSeed> overrides, boolean topUp, String salt) {
        return seed(rows, overrides, topUp, salt, settings.boundaryValues());
    }

    /** As {@link #seed(Map, List, boolean, String)}, with boundary values only when {@code boundaries} and the settings say so. */
    SeedResult seed(Map<String, Long> rows, List<TableSeed> overrides, boolean topUp, String salt, boolean boundaries) {
        return seed(rows, overrides, topUp, salt, boundaries, false);
    }

    /** As {@link #seed(Map, List, boolean, String, boolean)}; {@code keepShort}: see {@link Seeder.Plan}. */
    private SeedResult seed(Map<String, Long> rows, List<TableSeed> overrides, boolean topUp, String salt, boolean boundaries,
                            boolean keepShort) {
        Map<String, TableSeed> byTable = new LinkedHashMap<>();
        for (TableSeed seed : overrides) {
            byTable.merge(seed.tableName(), seed, (a, b) -> b);
            if (seed.requestedRows().isPresent() && rows.containsKey(seed.tableName())) {
                rows.put(seed.tableName(), seed.requestedRows().getAsLong());
            }
        }
        SchemaSnapshot snapshot = schema.get();
        try (Connection c = connections.getConnection()) {
            return new Seeder(database.get().dialect(), boundaries ? settings : settings.withBoundaryValues(false))
                    .seed(c, snapshot, new Seeder.Plan(rows, byTable, topUp, salt, hints.get(), keepShort));
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to " + database.get().name() + " to seed it: " + e.getMessage(), e);
        }
    }

    /**
     * The data's fingerprint over the tables of {@code snapshot}. A round trip takes one before each step's up, and
     * the last one of the step before (after its up again) usually saw the same data: when no write can have happened
     * since that one began ({@link DataAccess#writeMarker()} is unchanged) and the schema is the same, it is reused
     * instead of hashing every row again. Otherwise the engine reuses the hashes of the tables whose rows have not
     * changed since the last one ({@link DataAccess#fingerprint(SchemaSnapshot, DataAccess.MarkedFingerprint)}): a
     * phase usually writes to few of the tables.
     */
    DataFingerprint fingerprint(SchemaSnapshot snapshot) {
        return onOwnSession("fingerprint the data", c -> {
            DataAccess access = database.get().dialect().data(c);
            String name = database.get().name();
            Fingerprinted last = lastFingerprint;
            boolean sameDatabase = last != null && last.database().equals(name);
            // over empty tables a fingerprint is one count query, and asking for the marker would cost as much
            Optional<String> marker = last == null || last.marked().fingerprint().hasData()
                    ? access.writeMarker() : Optional.empty();
            if (marker.isPresent() && sameDatabase && last.marker() != null
                    && last.marker().equals(marker.get()) && last.marked().schema().equals(snapshot)) {
                return last.marked().fingerprint();
            }
            DataAccess.MarkedFingerprint marked = access.fingerprint(snapshot, sameDatabase ? last.marked() : null);
            lastFingerprint = new Fingerprinted(name, marker.orElse(null), marked);
            return marked.fingerprint();
        });
    }

    /**
     * Forgets the last fingerprint, after a restore: a rollback brings back the values of a column the up dropped
     * without making new row versions, so the row-version markers cannot vouch for a fingerprint taken before it.
     */
    void forgetFingerprint() {
        lastFingerprint = null;
    }

    /**
     * Whether each of {@code tables} holds at least {@code rows} rows now, asked of a fingerprint where fingerprints
     * are taken anyway (the step takes one next, which then costs nothing: it is this one, reused while nothing is
     * written, or only the written tables hashed again). Counted exactly, so the answer does not hang on other
     * sessions' transactions the way the write marker does. Where no fingerprint was taken yet, the seeder counts.
     */
    private boolean knownToHold(Collection<String> tables, long rows) {
        Fingerprinted last = lastFingerprint;
        if (last == null || !last.database().equals(database.get().name())) {
            return false;
        }
        DataFingerprint now = fingerprint(schema.get());
        return tables.stream().allMatch(t -> now.table(t).map(f -> f.rows() >= rows).orElse(false));
    }

    /**
     * A fingerprint with its schema and row-version markers, the database it was taken of, and the write marker read
     * before it was taken (null when none was read).
     */
    private record Fingerprinted(String database, String marker, DataAccess.MarkedFingerprint marked) {
    }

    /**
     * Integrity problems of the data over the tables of {@code snapshot}. Where the last fingerprint saw this very
     * state (same schema, no write since: {@link DataAccess#writeMarker()} unchanged), only the constraints of the
     * tables that changed since the last check are counted again ({@link IntegrityMemo}).
     */
    List<DataProblem> integrityProblems(SchemaSnapshot snapshot) {
        return onOwnSession("check the data's integrity", c -> {
            DataAccess access = database.get().dialect().data(c);
            String name = database.get().name();
            Fingerprinted last = lastFingerprint;
            DataAccess.MarkedFingerprint current = null;
            if (last != null && last.database().equals(name) && last.marker() != null
                    && last.marked().schema().equals(snapshot)
                    && access.writeMarker().filter(last.marker()::equals).isPresent()) {
                current = last.marked();
            }
            return integrity.problems(access, name, snapshot, current);
        });
    }

    /** The count a {@code SELECT count(*)} query gives, on Rehearsal's own session. */
    long count(String query) {
        return onOwnSession("run " + query, c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Inserts rows after checking table and column names; {@code where} names the caller in messages. */
    void insertRows(String table, List<? extends Map<String, ?>> rows, String where) {
        if (rows.isEmpty()) {
            return;
        }
        TableModel model = TableModel.all(schema.get()).get(table);
        if (model == null) {
            throw new RehearsalException(where + ": there is no table " + table + " at " + versionText.get() + ". Tables: "
                    + String.join(", ", TableModel.all(schema.get()).keySet()) + ".");
        }
        List<String> columns = new ArrayList<>();
        for (Map<String, ?> row : rows) {
            for (String column : row.keySet()) {
                if (!columns.contains(column)) {
                    if (model.column(column).isEmpty()) {
                        throw new RehearsalException(where + ": table " + table + " has no column " + column + " at "
                                + versionText.get() + ". Columns: " + model.columns().stream()
                                .map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", ")) + ".");
                    }
                    columns.add(column);
                }
            }
        }
        List<Object[]> values = new ArrayList<>();
        for (Map<String, ?> row : rows) {
            Object[] v = new Object[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                v[i] = row.get(columns.get(i));
            }
            values.add(v);
        }
        withConnection("insert into " + table, c -> {
            try {
                database.get().dialect().data(c).insert(table, columns, values);
            } catch (SQLException e) {
                throw new RehearsalException(where + ": " + table + " refused " + e.getMessage()
                        + (e.getSQLState() == null ? "" : " [SQLState " + e.getSQLState() + "]"), e);
            }
            return null;
        });
    }

    /**
     * Loads a fixture file into the database as it is now: YAML or JSON mapping tables to rows, or a CSV file named
     * after its table. Tables are loaded in file order (put parents first).
     */
    void loadFixture(String location) {
        FixtureFiles.Fixture fixture = FixtureFiles.read(location, Thread.currentThread().getContextClassLoader());
        fixture.tables().forEach((table, rows) -> insertRows(table, rows, "Fixture " + location));
    }

    /**
     * Runs a query and reads all its rows; {@code parameters} bind to {@code ?} placeholders (without parameters the
     * SQL goes as written, so operators such as jsonb's {@code ?} work).
     */
    QueryResult query(String sql, Object... parameters) {
        return withConnection("run " + sql, c -> {
            try (PreparedStatement ps = parameters.length == 0 ? null : c.prepareStatement(sql);
                 Statement plain = parameters.length == 0 ? c.createStatement() : null) {
                for (int i = 0; i < parameters.length; i++) {
                    ps.setObject(i + 1, parameters[i]);
                }
                try (ResultSet rs = ps == null ? plain.executeQuery(sql) : ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<String> columns = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        columns.add(md.getColumnLabel(i));
                    }
                    List<List<Object>> rows = new ArrayList<>();
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>(columns.size());
                        for (int i = 1; i <= columns.size(); i++) {
                            row.add(plain(rs.getObject(i)));
                        }
                        rows.add(row);
                    }
                    return new QueryResult(sql, columns, rows);
                }
            } catch (SQLException e) {
                throw new RehearsalException("Query failed at " + versionText.get() + ": " + e.getMessage() + "\n  " + sql, e);
            }
        });
    }

    /** Driver-specific objects (json, inet, enums) as their text; SQL arrays as lists. */
    static Object plain(Object value) throws SQLException {
        if (value instanceof Array array) {
            Object[] items = (Object[]) array.getArray();
            List<Object> list = new ArrayList<>(items.length);
            for (Object item : items) {
                list.add(plain(item));
            }
            return list;
        }
        if (value != null && !value.getClass().getName().startsWith("java.")) {
            return value.toString();
        }
        return value;
    }


    /**
     * Runs {@code work}, which only reads and changes no session state, on Rehearsal's own held session; a failure
     * names {@code what} and the database.
     */
    private <T> T onOwnSession(String what, SqlWork<T> work) {
        try {
            return work.run(ownSession.connection());
        } catch (SQLException e) {
            throw new RehearsalException("Could not " + what + " on " + database.get().name() + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} on a connection of the current database; a failure names {@code what} and the database. */
    <T> T withConnection(String what, SqlWork<T> work) {
        try (Connection c = connections.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new RehearsalException("Could not " + what + " on " + database.get().name() + ": " + e.getMessage(), e);
        }
    }
}
