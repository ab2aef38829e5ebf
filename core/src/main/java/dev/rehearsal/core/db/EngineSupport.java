package dev.rehearsal.core.db;

import org.apiguardian.api.API;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * What the engines Rehearsal speaks provide: their dialects and their database providers. The public factories
 * ({@link Dialect#of}, {@link DatabaseProviders}) ask the implementation found by {@link ServiceLoader} in core
 * itself, so that this package names no engine's classes and the engines depend on it, not the other way round.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface EngineSupport {

    /** The dialect of a product as its JDBC driver names it ({@code PostgreSQL}, {@code MariaDB}); empty for others. */
    Optional<Dialect> dialect(String product, String version);

    /** The JVM's shared embedded PostgreSQL server. */
    DatabaseProvider embeddedPostgres();

    /** Stops the shared embedded PostgreSQL server if it was started. */
    void stopSharedEmbeddedPostgres();

    /** A separate embedded PostgreSQL server with extra server settings. */
    DatabaseProvider embeddedPostgres(Map<String, String> serverSettings);

    /** Throwaway databases on the PostgreSQL server {@code jdbcUrl} names. */
    DatabaseProvider postgresServer(String jdbcUrl, String user, String password);

    /** Throwaway databases on the MariaDB or MySQL server {@code jdbcUrl} names. */
    DatabaseProvider mariaDbServer(String jdbcUrl, String user, String password);

    /** A server in a container of {@code image}, started once per JVM and image. */
    DatabaseProvider container(String image);

    /** Stops the containers {@link #container} started. */
    void stopContainers();

    /** The engines' support, from core's own implementation. */
    static EngineSupport get() {
        return Loaded.SUPPORT;
    }

    /** Holds the implementation, loaded once. */
    final class Loaded {
        private static final EngineSupport SUPPORT = ServiceLoader.load(EngineSupport.class,
                EngineSupport.class.getClassLoader()).findFirst().orElseThrow(() -> new IllegalStateException(
                "No " + EngineSupport.class.getName() + " found: rehearsal-core's META-INF/services entry is missing"
                        + " (a jar built without merging service files?)"));

        private Loaded() {
        }
    }
}
