package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.locks.LockObservation;
import dev.rehearsal.core.internal.locks.ObservedDataSource;
import dev.rehearsal.core.internal.sql.DelegatingDataSource;
import dev.rehearsal.core.db.SchemaReader;
import dev.rehearsal.core.schema.SchemaSnapshot;

import javax.sql.DataSource;
import java.util.List;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The throwaway database a rehearsal works on, with the migration tool opened on it through a data source Rehearsal
 * watches, and the lock observation of that database. A failed round trip can {@link #replaceDatabase() replace}
 * the database with a fresh one; everything that asks this session follows.
 */
final class DatabaseSession implements AutoCloseable {

    private final RehearsalSettings settings;
    private final MigrationSource source;
    private final DatabaseProvider provider;
    private EphemeralDatabase database;
    private MigrationTool tool;
    private LockObservation lockObservation;
    private Connection snapshotConnection;
    private SchemaReader schemaReader;
    private boolean fallbackSaid;

    DatabaseSession(RehearsalSettings settings, MigrationSource source, DatabaseProvider provider,
                    EphemeralDatabase database) {
        this.settings = settings;
        this.source = source;
        this.provider = provider;
        this.database = database;
        open();
    }

    private void open() {
        ObservedDataSource observed = new ObservedDataSource(database.dataSource());
        tool = source.open(observed, database.dialect());
        lockObservation = database.dialect().locks() == null ? null : new LockObservation(observed,
                database.dataSource(), database.dialect(), settings.locks(), tool.ownTables());
    }

    EphemeralDatabase database() {
        return database;
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

    String describeProvider() {
        return provider.describe();
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
        if (snapshotConnection == null || snapshotConnection.isClosed()) {
            snapshotConnection = database.dataSource().getConnection();
            schemaReader = null;
        }
        if (schemaReader == null) {
            schemaReader = database.dialect().schemaReader(snapshotConnection, tool.ownTables(),
                    settings.patchedSchemaReads());
        }
        return schemaReader;
    }

    /** Drops the database and takes a fresh, empty one from the provider, with the tool opened on it. */
    void replaceDatabase() {
        EphemeralDatabase old = database;
        closeObservers();
        database = provider.createDatabase();
        old.close();
        open();
    }

    /** Connections to the current database, following it when {@link #replaceDatabase()} replaces it. */
    DataSource followingDataSource() {
        return new DelegatingDataSource() {
            @Override
            protected DataSource target() {
                return database.dataSource();
            }

            @Override
            public Connection getConnection() throws SQLException {
                return database.dataSource().getConnection();
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

    /** Drops the throwaway database. */
    @Override
    public void close() {
        closeObservers();
        database.close();
    }
}
