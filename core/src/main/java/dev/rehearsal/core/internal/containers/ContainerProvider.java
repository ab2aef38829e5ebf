package dev.rehearsal.core.internal.containers;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.mariadb.MariaDbServerProvider;
import dev.rehearsal.core.internal.postgres.PostgresDialect;
import dev.rehearsal.core.internal.postgres.TemplateClones;
import org.apiguardian.api.API;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.utility.DockerImageName;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A database server in a container (Testcontainers 2): one container per image for the whole JVM, reused by every
 * test class; each test gets a throwaway database inside it. The image's name says the engine: {@code mariadb} in
 * it means MariaDB, anything else PostgreSQL. On PostgreSQL the databases are clones of an empty template, kept
 * ready in the background ({@link TemplateClones}); on MariaDB they are empty {@code CREATE DATABASE}s. An image
 * that is not the engine's official one (a locally built one) is declared a compatible substitute, as
 * Testcontainers asks.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ContainerProvider implements DatabaseProvider {

    /** The Testcontainers module that brings an engine's container. */
    public static String module(Engine engine) {
        return switch (engine) {
            case POSTGRES -> "org.testcontainers:testcontainers-postgresql";
            case MARIADB -> "org.testcontainers:testcontainers-mariadb";
        };
    }

    private static String containerClass(Engine engine) {
        return switch (engine) {
            case POSTGRES -> "org.testcontainers.postgresql.PostgreSQLContainer";
            case MARIADB -> "org.testcontainers.mariadb.MariaDBContainer";
        };
    }

    private static final Map<String, ContainerProvider> RUNNING = new ConcurrentHashMap<>();

    private final String image;
    private final JdbcDatabaseContainer<?> container;
    private final DatabaseProvider databases;
    private final long startMillis;

    private ContainerProvider(String image, JdbcDatabaseContainer<?> container, DatabaseProvider databases, long startMillis) {
        this.image = image;
        this.container = container;
        this.databases = databases;
        this.startMillis = startMillis;
    }

    /** Whether Testcontainers and the module for {@code engine} are on the class path. */
    public static boolean available(Engine engine, ClassLoader loader) {
        try {
            Class.forName(containerClass(engine), false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether Testcontainers is on the class path at all. */
    public static boolean testcontainersPresent(ClassLoader loader) {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The container of {@code image} for this JVM, started on first use.
     *
     * @throws RehearsalException when Docker is not available or the container does not start, naming the fallbacks
     */
    public static ContainerProvider of(String image) {
        return RUNNING.computeIfAbsent(image, ContainerProvider::start);
    }

    private static ContainerProvider start(String image) {
        Engine engine = Engine.ofImage(image);
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new RehearsalException("Docker is not available, so Rehearsal cannot start " + image + ". Start a Docker"
                    + " engine, or rehearse without containers: leave the image unset for the embedded PostgreSQL"
                    + " (no Docker needed), or set rehearsal.jdbc.url to a server.");
        }
        DockerImageName name = DockerImageName.parse(image);
        if (!name.getUnversionedPart().equals(engine.officialImage())) {
            name = name.asCompatibleSubstituteFor(engine.officialImage());
        }
        long t0 = System.nanoTime();
        JdbcDatabaseContainer<?> container = engine == Engine.MARIADB
                ? EngineContainers.MariaDb.create(name) : EngineContainers.Postgres.create(name);
        try {
            container.start();
        } catch (RuntimeException e) {
            throw new RehearsalException("Could not start a container of " + image + ": " + e.getMessage()
                    + ". Is the image built (bash .ci/build-images.sh) or pullable?", e);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        DatabaseProvider databases;
        try {
            databases = engine == Engine.MARIADB
                    ? MariaDbServerProvider.connect(container.getJdbcUrl(), container.getUsername(), container.getPassword())
                    : postgresClones(container, image);
        } catch (RuntimeException e) {
            container.stop();
            throw e;
        }
        ContainerProvider provider = new ContainerProvider(image, container, databases, millis);
        Runtime.getRuntime().addShutdownHook(new Thread(provider::stop, "rehearsal-container-stop"));
        return provider;
    }

    /** The container's whole server is Rehearsal's: template clones, as on the embedded server. */
    private static DatabaseProvider postgresClones(JdbcDatabaseContainer<?> container, String image) {
        try {
            Connection admin = DriverManager.getConnection(container.getJdbcUrl(), container.getUsername(),
                    container.getPassword());
            String version;
            try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("show server_version")) {
                rs.next();
                version = rs.getString(1).split(" ")[0];
            }
            String describe = "PostgreSQL " + version + " in container " + image;
            TemplateClones clones = new TemplateClones(admin, container.getHost(), container.getMappedPort(5432),
                    container.getUsername(), container.getPassword(), () -> describe, new PostgresDialect(version));
            return new DatabaseProvider() {
                @Override
                public String describe() {
                    return describe;
                }

                @Override
                public Optional<String> postgresVersion() {
                    return Optional.of(version);
                }

                @Override
                public EphemeralDatabase createDatabase() {
                    return clones.createDatabase();
                }

                @Override
                public void close() {
                    clones.close();
                }
            };
        } catch (SQLException e) {
            throw new RehearsalException("Could not prepare the PostgreSQL server in container " + image + ": "
                    + e.getMessage(), e);
        }
    }

    /** How long the container took to start (once per JVM and image). */
    public long startMillis() {
        return startMillis;
    }

    @Override
    public Optional<String> postgresVersion() {
        return databases.postgresVersion();
    }

    @Override
    public String describe() {
        return databases.describe().replaceFirst(" server at .*", "").replaceFirst(" in container .*", "")
                + " in container " + image;
    }

    @Override
    public EphemeralDatabase createDatabase() {
        return databases.createDatabase();
    }

    /** Containers live for the whole run; {@link #stop()} ends them. */
    @Override
    public void close() {
        // shared across test classes: stopped at the end of the JVM
    }

    /** Stops the container, and every throwaway database in it with it. */
    public void stop() {
        if (!RUNNING.remove(image, this)) {
            return;
        }
        try {
            databases.close();
        } finally {
            container.stop();
        }
    }

    /** Stops every running container. */
    public static void stopAll() {
        RUNNING.values().forEach(ContainerProvider::stop);
    }
}
