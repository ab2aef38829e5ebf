package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.db.SchemaReader;
import dev.rehearsal.core.internal.helper.UnwatchedUps;
import dev.rehearsal.core.internal.locks.ApplicationStatements;
import dev.rehearsal.core.internal.locks.LockObservation;
import dev.rehearsal.core.internal.locks.ObservedDataSource;
import dev.rehearsal.core.internal.sql.DelegatingDataSource;
import dev.rehearsal.core.internal.sql.HistoryTableReads;
import dev.rehearsal.core.internal.sql.SessionsAhead;
import dev.rehearsal.core.internal.sql.StatementInterceptor;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The throwaway database a rehearsal works on, with the migration tool opened on it through a data source Rehearsal
 * watches, and the lock observation of that database. A failed round trip can {@link #replaceDatabase() replace}
 * the database with a fresh one; everything that asks this session follows.
 */
final class DatabaseSession implements AutoCloseable {

    private final RehearsalSettings settings;
    private final MigrationSource source;
    private final DatabaseProvider provider;
    private volatile EphemeralDatabase database;
    private MigrationTool tool;
    private ObservedDataSource observed;
    private final Set<RestorePoint> outstanding = new LinkedHashSet<>();
    private final RetiredDatabases retired = new RetiredDatabases();
    private LockObservation lockObservation;
    private ApplicationStatements application;
    private Connection snapshotConnection;
    private SchemaReader schemaReader;
    private boolean fallbackSaid;
    private final DataSource following = followingDataSource();
    /** The transaction held open across an up and its checks, to be rolled back by its restore; null when none. */
    private HeldTransaction held;
    /** Rehearsal's own connection while {@link #held} is: lent from it. */
    private Connection heldOwn;

    DatabaseSession(RehearsalSettings settings, MigrationSource source, DatabaseProvider provider,
                    EphemeralDatabase database) {
        this.settings = settings;
        this.source = source;
        this.provider = provider;
        this.database = database;
        open();
    }

    private void open() {
        openSessionsAhead();
        // the tool follows the database, so that restoring a copy need not open the tool again
        observed = new ObservedDataSource(following);
        tool = source.open(observed, database.dialect(), () -> database.connectionDetails());
        observeLocks();
    }

    /**
     * The sessions a rehearsal needs on a new database, opened together in the background where its data source can:
     * this session's own ({@link #ownConnection()}), the tool's, and the lock observer's when locks are traced. Opened
     * one by one as each is first asked for, their backend starts would add up in the first migration's phase.
     */
    private void openSessionsAhead() {
        if (database.dataSource() instanceof SessionsAhead pool) {
            boolean observing = settings.locks().trace() && database.dialect().locks() != null;
            pool.openAhead(observing ? 3 : 2);
        }
    }

    private void observeLocks() {
        lockObservation = database.dialect().locks() == null ? null : new LockObservation(observed,
                database.dataSource(), database.dialect(), settings.locks(), tool.ownTables());
        if (lockObservation != null && application != null) {
            lockObservation.playApplication(application);
        }
    }

    /** Has {@code interceptor} told about the tool's statements, and able to fail one, until called with null. */
    void intercept(StatementInterceptor interceptor) {
        observed.intercept(interceptor);
    }

    /** Plays the application's own statements as the traffic of every observed run, on this database and the next. */
    void playApplication(ApplicationStatements statements) {
        application = statements;
        if (lockObservation != null) {
            lockObservation.playApplication(statements);
        }
    }

    /**
     * A copy of the database as it is now, schema and data, to {@link #restore} later; null where the engine or
     * provider cannot copy a database quickly.
     */
    RestorePoint keepRestorePoint() {
        return withSessionsClosed((database, reader) -> database.copy()
                .map(copy -> restorePoint(copy, reader)).orElse(null));
    }

    /** {@code copy}, a new database made elsewhere with the state to go back to, as a point to {@link #restore}. */
    RestorePoint restorePoint(EphemeralDatabase copy, SchemaReader reader) {
        RestorePoint point = new RestorePoint(copy, reader, null);
        outstanding.add(point);
        return point;
    }

    /**
     * Runs {@code work} on the database, and the schema reader as it is, with this session's own connections closed
     * (PostgreSQL copies only a database nobody is connected to); then takes them up again.
     */
    <T> T withSessionsClosed(BiFunction<EphemeralDatabase, SchemaReader, T> work) {
        settle();
        SchemaReader reader = schemaReader;
        closeObservers();
        tool.releaseSessions();
        try {
            return work.apply(database, reader);
        } finally {
            resumeSchemaReads(reader);
            observeLocks();
        }
    }

    /**
     * Replaces the database with the copy {@code point} kept, and retires the database (dropped while the run goes
     * on): the state at the restore point is back. The tool stays open (it follows the database).
     */
    void restore(RestorePoint point) {
        if (!outstanding.remove(point)) {
            throw new RehearsalException("The state before this up is gone: another step ran on " + database.name()
                    + " between the up and its restore. Run a step's phases in their order.");
        }
        if (point.held() != null) {
            rollBack(point);
            return;
        }
        EphemeralDatabase old = database;
        closeObservers();
        database = point.copy();
        retired.retire(old);
        resumeSchemaReads(point.reader());
        observeLocks();
    }

    /** Schema reads on the database now carry on from what {@code reader} last read, where the engine can. */
    private void resumeSchemaReads(SchemaReader reader) {
        if (reader == null) {
            return;
        }
        try {
            snapshotConnection = database.dataSource().getConnection();
            schemaReader = reader.resumeOn(snapshotConnection);
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to " + database.name() + " again: " + e.getMessage(), e);
        }
    }

    /**
     * Drops the copy {@code point} kept, when it is not needed after all; where it holds a transaction instead, that
     * is committed: the database keeps what the tool committed, as after a real run.
     */
    void discard(RestorePoint point) {
        if (!outstanding.remove(point)) {
            return;
        }
        if (point.held() == null) {
            retired.retire(point.copy());
            return;
        }
        held = null;
        heldOwn = null;
        try {
            point.held().commit();
        } catch (SQLException e) {
            throw HeldTransaction.failed("commit", database.name(), e);
        }
    }

    /** Whether the up of {@code migration} can be rehearsed in a {@link HeldTransaction} (see its {@code possible}). */
    boolean canHoldTransaction(Migration migration) {
        return HeldTransaction.possible(database.dialect(), tool, migration);
    }

    /**
     * The state now, to {@link #restore} by a rollback: opens a transaction on this session's own connection, which
     * every connection this session hands out runs on until the restore (see {@link HeldTransaction}). No copy, and
     * the lock observer and schema reader keep their sessions.
     */
    RestorePoint holdTransaction() {
        settle();
        try {
            Connection own = ownConnection();
            SchemaReader reader = schemaReader(); // made before the transaction: a new reader commits its DDL log
            SchemaReader resumed = reader.resumeOn(own);
            HeldTransaction transaction = HeldTransaction.begin(own, database.dialect());
            if (resumed != null) {
                schemaReader = resumed; // the reader as it is now stays as it was, for the restore
            }
            held = transaction;
            heldOwn = transaction.lend();
            RestorePoint point = new RestorePoint(null, resumed == null ? null : reader, transaction);
            outstanding.add(point);
            return point;
        } catch (SQLException e) {
            throw new RehearsalException("Could not open a transaction on " + database.name() + " to roll the up back"
                    + " after its checks (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    private void rollBack(RestorePoint point) {
        held = null;
        heldOwn = null;
        try {
            point.held().rollBack();
        } catch (SQLException e) {
            throw HeldTransaction.failed("roll back", database.name(), e);
        }
        schemaReader = point.reader(); // as it was before the up; null where it could not be kept: made again
    }

    /** Whether a transaction is held for a restore: locks the up took stay held until then. */
    boolean holdsTransaction() {
        return held != null;
    }

    /** Commits a transaction still held, whose restore will not come (an up that failed, a step left half-run). */
    void settle() {
        if (held != null) {
            outstanding.stream().filter(p -> p.held() == held).findFirst().ifPresent(this::discard);
        }
    }

    /**
     * The state before a migration: a copy of the database, or a transaction held open on it to roll back; and what
     * the schema reader knew then.
     */
    record RestorePoint(EphemeralDatabase copy, SchemaReader reader, HeldTransaction held) {
    }

    EphemeralDatabase database() {
        return database;
    }

    DatabaseProvider provider() {
        return provider;
    }

    MigrationSource source() {
        return source;
    }

    MigrationTool tool() {
        return tool;
    }

    /** Lock tracing and probes on this database; null where the engine has no lock observation. */
    LockObservation lockObservation() {
        return lockObservation;
    }

    /** What the report's header says: the migrations and where they ran. */
    String describeSource() {
        return source.describe();
    }

    /**
     * The database's schema now, without the migration tool's history table; one connection kept for it. Where the
     * engine can tell what changed since the last read, only that is read again (see {@link SchemaReader}).
     */
    SchemaSnapshot schema() {
        try {
            return schemaReader().read();
        } catch (SQLException e) {
            throw new RehearsalException("Could not read the schema of " + database.name() + ": " + e.getMessage(), e);
        }
    }

    /** The database's schema now, read in full from the catalog. */
    SchemaSnapshot fullSchema() {
        try {
            return schemaReader().readFull();
        } catch (SQLException e) {
            throw new RehearsalException("Could not read the schema of " + database.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Said once per session when schema reads could be patched on this engine but are full ones here, with why; null
     * otherwise, and after it was said.
     */
    String schemaReadsNote() {
        if (schemaReader == null || fallbackSaid || schemaReader.fallback() == null) {
            return null;
        }
        fallbackSaid = true;
        return "every schema read is a full one, slower on long histories: " + schemaReader.fallback()
                + " (Rehearsal logs DDL with event triggers to read only what a migration changed)";
    }

    /** Whether a {@link #schema()} read may be patched from the last one (else every read is a full one). */
    boolean patchesSchemaReads() {
        return schemaReader != null && schemaReader.fullReadsOnly() == null;
    }

    /** The scripts that just ran, or that a step failed part-way (null): the schema reader decides what to forget. */
    void scriptsRan(List<String> scripts) {
        if (schemaReader != null) {
            if (scripts == null) {
                schemaReader.forget();
            } else {
                schemaReader.ran(scripts);
            }
        }
    }

    private SchemaReader schemaReader() throws SQLException {
        ownConnection();
        if (schemaReader == null) {
            schemaReader = database.dialect().schemaReader(snapshotConnection, tool.ownTables(),
                    settings.patchedSchemaReads());
        }
        return schemaReader;
    }

    /**
     * Rehearsal's own session on the database, held from phase to phase: the schema reads, and the data's fingerprints
     * and integrity checks, which read and change no session state, run on it, so they neither take a connection from
     * the pool nor pay the reset of one handed back (a round trip each). Closed around copies and replacements of the
     * database (PostgreSQL copies only a database nobody is connected to), and opened again on first use.
     */
    Connection ownConnection() throws SQLException {
        if (heldOwn != null) {
            return heldOwn;
        }
        if (snapshotConnection == null || snapshotConnection.isClosed()) {
            snapshotConnection = database.dataSource().getConnection();
            schemaReader = null;
        }
        return snapshotConnection;
    }

    /**
     * The tool's current version. A tool whose version is a plain read of its history table is asked on the held
     * session ({@link #ownConnection()}), so the check before every step takes no pooled connection and pays no reset.
     */
    Optional<MigrationVersion> currentVersion() {
        if (tool instanceof HistoryTableReads reads) {
            Connection held;
            try {
                held = ownConnection();
            } catch (SQLException e) {
                throw new RehearsalException("Could not connect to " + database.name() + " to read the current version: "
                        + e.getMessage(), e);
            }
            return reads.currentVersionOn(held);
        }
        return tool.currentVersion();
    }

    /**
     * Applies the migrations after {@code current} up to {@code target}, where the history table is known to say
     * {@code current}: a tool that reads its own table ({@link HistoryTableReads}) does not read it again.
     */
    void upFrom(MigrationVersion current, MigrationVersion target) {
        upFrom(current, target, false);
    }

    /**
     * As {@link #upFrom}, where nothing watches the ups (no lock trace, no check): a tool that applies several
     * faster then ({@link UnwatchedUps}) does.
     */
    void upFromUnwatched(MigrationVersion current, MigrationVersion target) {
        upFrom(current, target, true);
    }

    /** The tool's ups to {@code target}, nothing watching them (see {@link #upFromUnwatched}). */
    void upToUnwatched(MigrationVersion target) {
        UnwatchedUps.upTo(tool, target);
    }

    private void upFrom(MigrationVersion current, MigrationVersion target, boolean unwatched) {
        Runnable up = unwatched && tool instanceof UnwatchedUps batched ? () -> batched.upToUnwatched(target)
                : tool instanceof HistoryTableReads reads ? () -> reads.upFrom(current, target)
                : () -> tool.upTo(target);
        HeldTransaction transaction = held;
        if (transaction != null) {
            transaction.runTool(up); // as production runs it: a failed statement aborts the transaction
        } else {
            up.run();
        }
    }

    /** Retires the database and takes a fresh, empty one from the provider, with the tool opened on it. */
    void replaceDatabase() {
        settle();
        EphemeralDatabase old = database;
        closeObservers();
        database = provider.createDatabase();
        retired.retire(old);
        open();
    }

    /**
     * Connections to the current database, following it when {@link #replaceDatabase()} replaces it; while a
     * transaction is held for a restore, connections lent from it.
     */
    DataSource connections() {
        return following;
    }

    private DataSource followingDataSource() {
        return new DelegatingDataSource() {
            @Override
            protected DataSource target() {
                return database.dataSource();
            }

            @Override
            public Connection getConnection() throws SQLException {
                HeldTransaction transaction = held;
                return transaction != null ? transaction.lend() : database.dataSource().getConnection();
            }

            @Override
            public String toString() {
                return "DataSource of " + database;
            }
        };
    }

    private void closeObservers() {
        if (snapshotConnection != null) {
            try {
                snapshotConnection.close();
            } catch (SQLException ignored) {
                // the database is about to be dropped
            }
            snapshotConnection = null;
            schemaReader = null;
        }
        if (lockObservation != null) {
            lockObservation.close();
        }
    }

    @Override
    public void close() {
        retired.closeWithLast(database, () -> {
            for (RestorePoint point : List.copyOf(outstanding)) {
                discard(point);
            }
            closeObservers();
        });
    }
}
