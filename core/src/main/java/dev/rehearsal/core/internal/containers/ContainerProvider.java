package dev.rehearsal.core.internal.containers;

import dev.rehearsal.core.RehearsalException;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.postgres.PostgresServerProvider;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PostgreSQL in a container (Testcontainers 2): one container per image for the whole JVM, reused by every test
 * class; each test gets a throwaway database inside it, as on a named server. An image that is not
 * {@code postgres} itself (a locally built one) is declared a compatible substitute, as Testcontainers asks.
 */
public final class ContainerProvider implements DatabaseProvider {

    private static final Map<String, ContainerProvider> RUNNING = new ConcurrentHashMap<>();

    private final String image;
    private final PostgreSQLContainer container;
    private final PostgresServerProvider server;
    private final long startMillis;

    private ContainerProvider(String image, PostgreSQLContainer container, PostgresServerProvider server, long startMillis) {
        this.image = image;
        this.container = container;
        this.server = server;
        this.startMillis = startMillis;
    }

    /** Whether Testcontainers is on the class path. */
    public static boolean available(ClassLoader loader) {
        try {
            Class.forName("org.testcontainers.postgresql.PostgreSQLContainer", false, loader);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * The container of {@code image} for this JVM, started on first use.
     *
     * @throws RehearsalException when Docker is not available, naming the fallbacks
     */
    public static ContainerProvider of(String image) {
        return RUNNING.computeIfAbsent(image, ContainerProvider::start);
    }

    private static ContainerProvider start(String image) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new RehearsalException("Docker is not available, so Rehearsal cannot start " + image + ". Start a Docker"
                    + " engine, or rehearse without containers: leave rehearsal.image unset for the embedded PostgreSQL"
                    + " (no Docker needed), or set rehearsal.jdbc.url to a server.");
        }
        DockerImageName name = DockerImageName.parse(image);
        if (!name.getUnversionedPart().equals("postgres")) {
            name = name.asCompatibleSubstituteFor("postgres");
        }
        long t0 = System.nanoTime();
        PostgreSQLContainer container = new PostgreSQLContainer(name);
        try {
            container.start();
        } catch (RuntimeException e) {
            throw new RehearsalException("Could not start a container of " + image + ": " + e.getMessage()
                    + ". Is the image built (bash .ci/build-images.sh) or pullable?", e);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        PostgresServerProvider server = PostgresServerProvider.connect(container.getJdbcUrl(), container.getUsername(),
                container.getPassword());
        ContainerProvider provider = new ContainerProvider(image, container, server, millis);
        Runtime.getRuntime().addShutdownHook(new Thread(provider::stop, "rehearsal-container-stop"));
        return provider;
    }

    /** How long the container took to start (once per JVM and image). */
    public long startMillis() {
        return startMillis;
    }

    @Override
    public String describe() {
        return server.describe().replaceFirst(" server at .*", "") + " in container " + image;
    }

    @Override
    public EphemeralDatabase createDatabase() {
        return server.createDatabase();
    }

    /** Containers live for the whole run; {@link #stop()} ends them. */
    @Override
    public void close() {
        // shared across test classes: stopped at the end of the JVM
    }

    /** Drops the throwaway databases and stops the container. */
    public void stop() {
        try {
            server.close();
        } finally {
            container.stop();
            RUNNING.remove(image, this);
        }
    }

    /** Stops every running container. */
    public static void stopAll() {
        RUNNING.values().forEach(ContainerProvider::stop);
    }
}
