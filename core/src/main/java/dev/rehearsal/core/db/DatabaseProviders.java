package dev.rehearsal.core.db;

import org.apiguardian.api.API;

import java.util.Map;

/** Factories for the built-in {@link DatabaseProvider}s. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class DatabaseProviders {

    private DatabaseProviders() {
    }

    /**
     * The JVM's shared embedded PostgreSQL server, started on first use: needs no Docker and no installed database.
     * Do not close it yourself; it stops when the JVM exits (the JUnit extension stops it at the end of the run).
     */
    public static DatabaseProvider embeddedPostgres() {
        return EngineSupport.get().embeddedPostgres();
    }

    /** Stops the shared embedded PostgreSQL server if it was started; the next use starts a new one. */
    public static void stopSharedEmbeddedPostgres() {
        EngineSupport.get().stopSharedEmbeddedPostgres();
    }

    /**
     * Throwaway databases on a PostgreSQL server you name (a CI database service): each is created as
     * {@code rehearsal_<random>} and marked; only those are dropped, and the database the URL names is never written
     * to. The caller closes the provider, which drops what is left.
     *
     * @param user     null to let the driver use the URL's or its default
     * @param password null for none; never shown in messages
     */
    public static DatabaseProvider postgresServer(String jdbcUrl, String user, String password) {
        return EngineSupport.get().postgresServer(jdbcUrl, user, password);
    }

    /**
     * Throwaway databases on the server a JDBC URL names: PostgreSQL ({@code jdbc:postgresql:}) or MariaDB/MySQL
     * ({@code jdbc:mariadb:}, {@code jdbc:mysql:}; needs the MariaDB driver on the class path).
     */
    public static DatabaseProvider server(String jdbcUrl, String user, String password) {
        if (Engine.MARIADB.accepts(jdbcUrl)) {
            return EngineSupport.get().mariaDbServer(jdbcUrl, user, password);
        }
        return postgresServer(jdbcUrl, user, password);
    }

    /**
     * A database server in a Docker container of {@code image}, started once per JVM and image and reused by every
     * test: PostgreSQL ({@code postgres:17}, throwaway databases cloned from a template) or, when the image's name
     * says {@code mariadb}, MariaDB ({@code mariadb:11.4}). Needs {@code org.testcontainers:testcontainers-postgresql}
     * or {@code -mariadb} and a Docker engine (the message says what to use instead when there is none). Closing it
     * does nothing: containers stop when the run ends ({@link #stopContainers()}).
     */
    public static DatabaseProvider container(String image) {
        return EngineSupport.get().container(image);
    }

    /** Stops the containers {@link #container(String)} started, if Testcontainers is present. */
    public static void stopContainers() {
        EngineSupport.get().stopContainers();
    }

    /** A separate embedded PostgreSQL server with extra server settings; the caller closes it. */
    public static DatabaseProvider embeddedPostgres(Map<String, String> serverSettings) {
        return EngineSupport.get().embeddedPostgres(serverSettings);
    }
}
