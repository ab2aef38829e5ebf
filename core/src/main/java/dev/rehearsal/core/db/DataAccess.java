package dev.rehearsal.core.db;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The engine-specific data work of one connection: bulk loading for the seeder, fingerprints and integrity checks
 * for the round trip. Obtained from {@link Dialect#data(java.sql.Connection)}; it uses the connection as it finds
 * it (autocommit or inside the caller's transaction). Table names are as in {@link SchemaSnapshot}: {@code orders},
 * or {@code audit.log} outside the default schema.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface DataAccess {

    /** Loads rows as fast as the engine allows (COPY on PostgreSQL); every row must be accepted. */
    void load(String table, List<String> columns, List<Object[]> rows) throws SQLException;

    /**
     * Loads the rows {@code rows} makes, as it makes them, so that the engine can work on the first ones while the
     * later ones are still being generated; returns how many it loaded. Every row must be accepted. The default
     * collects them in batches for {@link #load}; PostgreSQL streams them into one {@code COPY}.
     */
    default long loadAsGenerated(String table, List<String> columns, Iterator<Object[]> rows)
            throws SQLException {
        long loaded = 0;
        List<Object[]> batch = new ArrayList<>();
        while (rows.hasNext()) {
            batch.add(rows.next());
            if (batch.size() == 20_000 || !rows.hasNext()) {
                load(table, columns, batch);
                loaded += batch.size();
                batch = new ArrayList<>();
            }
        }
        return loaded;
    }

    /**
     * Adds {@code rows} rows made of defaults alone, for a table whose every column the database makes (an identity
     * or serial key and nothing else); returns how many it added.
     */
    long insertDefaults(String table, long rows) throws SQLException;

    /**
     * Loads at most {@code limit} of the rows that satisfy {@code checks} (SQL boolean expressions over the columns,
     * by constraint name) and that do not collide with a unique key; the others are skipped.
     */
    FilteredLoad loadFiltered(String table, List<String> columns, List<Object[]> rows, Map<String, String> checks,
                              long limit) throws SQLException;

    /**
     * Inserts rows one statement each, explicit values for identity columns allowed; then moves the sequences of
     * identity and serial columns that got explicit values past them, as production data would have them.
     *
     * @throws SQLException naming the row (1-based) the database refused
     */
    void insert(String table, List<String> columns, List<Object[]> rows) throws SQLException;

    /**
     * Turns the foreign-key checks of this connection's session off until the returned handle is closed, so that
     * restored rows can go in table by table whatever their references (a data snapshot with cycles).
     *
     * @throws SQLException when the account may not (PostgreSQL needs a superuser for {@code session_replication_role})
     */
    default AutoCloseableChecks foreignKeyChecksOff() throws SQLException {
        throw new SQLFeatureNotSupportedException("foreign-key checks cannot be turned off on this engine");
    }

    /**
     * Loads CSV as PostgreSQL reads it (a header line; NULL an unquoted empty field, every other value quoted) straight
     * into {@code table}, where the engine can; returns the rows loaded, or -1 where it cannot, and the caller loads
     * row by row instead.
     */
    default long loadCsv(String table, List<String> columns, InputStream csv) throws SQLException, IOException {
        return -1;
    }

    /** Moves every sequence that a column owns past the largest value in that column, after rows came in as they are. */
    default void advanceOwnedSequences(SchemaSnapshot schema) throws SQLException {
    }

    /** What {@link #foreignKeyChecksOff()} returns: closing it turns the checks back on. */
    interface AutoCloseableChecks extends AutoCloseable {
        @Override
        void close() throws SQLException;
    }

    /** Identifiers of the rows of {@code table} inserted by the current transaction, its savepoints included. */
    List<String> rowsAddedInTransaction(String table) throws SQLException;

    /** Sets {@code columns} of the identified rows to {@code values} (one array per row). */
    void updateRows(String table, List<String> rowIds, List<String> columns, List<Object[]> values) throws SQLException;

    /** Row count of a table. */
    long count(String table) throws SQLException;

    /** Row counts of several tables, by name in the order given; an engine may ask for all of them at once. */
    default Map<String, Long> counts(List<String> tables) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : tables) {
            counts.put(table, count(table));
        }
        return counts;
    }

    /** The distinct non-null tuples of {@code columns} in {@code table}. */
    List<List<Object>> distinctValues(String table, List<String> columns) throws SQLException;

    /** Fingerprints of every table in {@code schema}, computed on the server. */
    DataFingerprint fingerprint(SchemaSnapshot schema) throws SQLException;

    /**
     * A fingerprint, the schema it was taken over, and per table a marker of the row versions it saw (opaque, engine
     * specific; empty where the engine has none). While a table's marker, its columns and the schema's types stay the
     * same, its values read the same, and the next fingerprint can reuse its hashes instead of reading every value again.
     */
    record MarkedFingerprint(SchemaSnapshot schema, DataFingerprint fingerprint, Map<String, String> rowVersions) {
        public MarkedFingerprint {
            rowVersions = Map.copyOf(rowVersions);
        }
    }

    /**
     * Fingerprints of every table in {@code schema}, as {@link #fingerprint(SchemaSnapshot)}, reusing those of
     * {@code earlier} (null for none) for the tables whose rows have not changed since it was taken on this same
     * database. The default computes every table again.
     */
    default MarkedFingerprint fingerprint(SchemaSnapshot schema, MarkedFingerprint earlier) throws SQLException {
        return new MarkedFingerprint(schema, fingerprint(schema), Map.of());
    }

    /**
     * A value that changes whenever a write may have become visible to new reads: PostgreSQL's current transaction
     * snapshot, which moves when any transaction is given an id (every insert, update, delete or DDL, committed or
     * not, unlogged tables included) or ends; reading, pruning and vacuuming leave it alone. While it is unchanged a
     * fingerprint taken since still holds. Empty where the engine has no such value.
     */
    default Optional<String> writeMarker() throws SQLException {
        return Optional.empty();
    }

    /**
     * The counters a rollback does not take back (PostgreSQL's sequences), as opaque values to
     * {@link #restoreCounters restore} after a failure Rehearsal forced; empty where there are none to keep.
     */
    default Map<String, String> counters() throws SQLException {
        return Map.of();
    }

    /** Sets the counters back to what {@link #counters()} read. */
    default void restoreCounters(Map<String, String> counters) throws SQLException {
    }

    /**
     * Integrity problems of the data now: invalid indexes, NOT VALID constraints that rows violate, foreign keys
     * pointing at nothing, sequences behind their column's maximum.
     */
    List<DataProblem> integrityProblems(SchemaSnapshot schema) throws SQLException;

    /**
     * As {@link #integrityProblems(SchemaSnapshot)}, counting violations only of the constraints {@code recount}
     * accepts (foreign keys and {@code NOT VALID} checks; invalid indexes and sequences are always checked): the caller
     * knows the others' answer from an earlier check over the same rows. Engines that cannot restrict the checks
     * check everything.
     */
    default List<DataProblem> integrityProblems(SchemaSnapshot schema,
                                                Predicate<SchemaObject> recount)
            throws SQLException {
        return integrityProblems(schema);
    }

    /**
     * What a filtered load did.
     *
     * @param accepted          rows loaded
     * @param rejectedByCheck   rows rejected, per check name
     * @param rejectedDuplicate rows skipped because a unique key already had their value
     */
    record FilteredLoad(long accepted, Map<String, Long> rejectedByCheck, long rejectedDuplicate) {
        public FilteredLoad {
            rejectedByCheck = Map.copyOf(rejectedByCheck);
        }
    }
}
