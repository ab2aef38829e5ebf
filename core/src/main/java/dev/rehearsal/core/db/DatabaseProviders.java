package dev.rehearsal.core.db;

import dev.rehearsal.core.internal.postgres.EmbeddedPostgresProvider;

import java.util.Map;

/** Factories for the built-in {@link DatabaseProvider}s. */
public final class DatabaseProviders {

    private DatabaseProviders() {
    }

    /**
     * The JVM's shared embedded PostgreSQL server, started on first use: needs no Docker and no installed database.
     * Do not close it yourself; it stops when the JVM exits (the JUnit extension stops it at the end of the run).
     */
    public static DatabaseProvider embeddedPostgres() {
        return EmbeddedPostgresProvider.shared();
    }

    /** Stops the shared embedded PostgreSQL server if it was started; the next use starts a new one. */
    public static void stopSharedEmbeddedPostgres() {
        EmbeddedPostgresProvider.closeShared();
    }

    /** A separate embedded PostgreSQL server with extra server settings; the caller closes it. */
    public static DatabaseProvider embeddedPostgres(Map<String, String> serverSettings) {
        return EmbeddedPostgresProvider.start(serverSettings);
    }
}
