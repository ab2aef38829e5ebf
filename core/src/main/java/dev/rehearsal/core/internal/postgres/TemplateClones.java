package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Throwaway databases on a PostgreSQL server Rehearsal owns whole (the embedded one, or one in a container), cloned
 * with {@code CREATE DATABASE ... TEMPLATE} from an empty template that nobody may connect to.
 *
 * <p>As zonky does, a background thread keeps a few clones ready and drops closed databases in batches: on
 * PostgreSQL a {@code CREATE DATABASE} that follows a {@code DROP DATABASE} waits ~200 ms, while clones made back
 * to back take a few milliseconds, so handing out prefetched clones keeps a fresh database cheap for every test.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class TemplateClones implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TemplateClones.class);

    static final String TEMPLATE = "rehearsal_template";
    /** Clones kept ready in the background. */
    static final int PREFETCH = 3;
    /** Closed databases dropped together, so that their cost is paid once per batch. */
    static final int DROP_BATCH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Connection admin;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Supplier<String> server;
    private final PostgresDialect dialect;
    private final Set<String> liveDatabases = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<String> ready = new LinkedBlockingQueue<>();
    private final List<String> pendingDrops = new ArrayList<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rehearsal-template-clones");
        t.setDaemon(true);
        return t;
    });
    /** How this server copies a database: {@link DatabaseCopies#FILE_COPY} where that is cheaper, else empty. */
    private final String copyClause;
    private volatile boolean closed;
    private final Object dropper = new Object();
    private Connection dropConnection;

    /**
     * Makes the template on the server {@code admin} is connected to (autocommit, a superuser or database owner).
     *
     * @param server describes the server in messages ({@code embedded PostgreSQL 18.6 on port 5433})
     */
    public TemplateClones(Connection admin, String host, int port, String user, String password, Supplier<String> server,
                          PostgresDialect dialect) throws SQLException {
        this.admin = admin;
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.server = server;
        this.dialect = dialect;
        admin.setAutoCommit(true);
        try (Statement st = admin.createStatement()) {
            st.execute("create database " + TEMPLATE + " template template0 encoding 'UTF8'");
            // nobody (autovacuum included) may connect to the template: a connected backend makes every
            // CREATE DATABASE ... TEMPLATE wait and retry, which costs ~200 ms per clone
            st.execute("alter database " + TEMPLATE + " with is_template true allow_connections false");
            this.copyClause = dialect.major() >= 15 && !fsync(st) ? DatabaseCopies.FILE_COPY : "";
        }
    }

    /** Whether the server writes its files through to disk ({@code fsync}); then its checkpoints cost more. */
    private static boolean fsync(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("select current_setting('fsync')")) {
            rs.next();
            return "on".equals(rs.getString(1));
        }
    }

    /** A fresh clone of the template, prefetched when one is ready. */
    public EphemeralDatabase createDatabase() {
        if (closed) {
            throw new RehearsalException(server.get() + " was already stopped; no new database can be made");
        }
        String name = ready.poll();
        if (name == null) {
            name = cloneTemplate();
        }
        liveDatabases.add(name);
        background.execute(this::refill);
        return throwaway(name);
    }

    /** A copy of {@code source}, schema and data, once nobody is connected to it. */
    private EphemeralDatabase copyOf(String source) {
        if (closed) {
            throw new RehearsalException(server.get() + " was already stopped; no new database can be made");
        }
        String name = newName();
        synchronized (admin) {
            DatabaseCopies.copy(admin, source, name, server.get(), copyClause);
        }
        liveDatabases.add(name);
        return throwaway(name);
    }

    private EphemeralDatabase throwaway(String name) {
        PGSimpleDataSource direct = new PGSimpleDataSource();
        direct.setServerNames(new String[] {host});
        direct.setPortNumbers(new int[] {port});
        direct.setDatabaseName(name);
        direct.setUser(user);
        if (password != null) {
            direct.setPassword(password);
        }
        return new PostgresThrowaway(name, direct, "jdbc:postgresql://" + host + ":" + port + "/" + name, dialect,
                this::drop, server, this::copyOf);
    }

    private static String newName() {
        return "rehearsal_" + HexFormat.of().formatHex(randomBytes(6));
    }

    private String cloneTemplate() {
        String name = newName();
        try {
            synchronized (admin) {
                try (Statement st = admin.createStatement()) {
                    st.execute("create database " + name + " template " + TEMPLATE + copyClause);
                }
            }
            return name;
        } catch (SQLException e) {
            throw new RehearsalException("Could not create throwaway database " + name + " on " + server.get()
                    + ": " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
        }
    }

    private void refill() {
        try {
            while (!closed && ready.size() < PREFETCH) {
                // queued under the same lock that lists databases, so a listing never sees a clone in between
                synchronized (admin) {
                    ready.add(cloneTemplate());
                }
            }
        } catch (RehearsalException e) {
            LOG.debug("prefetching a throwaway database failed; the next test will make its own", e);
        }
    }

    /**
     * Throwaway databases that were handed out and are still on the server once pending drops have run; prefetched
     * clones not yet handed out do not count. Empty when nothing leaked.
     */
    public Set<String> throwawayDatabasesOnServer() {
        flushDrops();
        Set<String> names = new TreeSet<>();
        synchronized (admin) {
            try (Statement st = admin.createStatement();
                 ResultSet rs = st.executeQuery("select datname from pg_database where datname like 'rehearsal\\_%'"
                         + " and datname <> '" + TEMPLATE + "'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            } catch (SQLException e) {
                throw new RehearsalException("Could not list databases on " + server.get() + ": " + e.getMessage(), e);
            }
        }
        names.removeAll(ready);
        return names;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private void drop(String name) {
        if (!liveDatabases.remove(name) || closed) {
            return;
        }
        synchronized (pendingDrops) {
            pendingDrops.add(name);
            if (pendingDrops.size() < DROP_BATCH) {
                return;
            }
        }
        background.execute(this::dropPending);
    }

    private void dropPending() {
        List<String> batch;
        synchronized (pendingDrops) {
            batch = new ArrayList<>(pendingDrops);
            pendingDrops.clear();
        }
        for (String name : batch) {
            try {
                synchronized (dropper) {
                    try (Statement st = dropper().createStatement()) {
                        st.execute("drop database if exists " + name + " with (force)");
                    }
                }
            } catch (SQLException e) {
                LOG.warn("Could not drop throwaway database {} on {}: {}", name, server.get(), e.getMessage());
            }
        }
    }

    /**
     * The connection drops run on, apart from the admin connection: a DROP DATABASE waits for a checkpoint, and new
     * databases and copies should not wait behind it.
     */
    private Connection dropper() throws SQLException {
        if (dropConnection == null || dropConnection.isClosed()) {
            dropConnection = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/"
                    + admin.getCatalog(), user, password);
        }
        return dropConnection;
    }

    /** Drops every closed database now instead of in the next batch (for leak checks). */
    public void flushDrops() {
        awaitBackground();
        dropPending();
    }

    private void awaitBackground() {
        try {
            background.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.debug("background work failed", e);
        }
    }

    /**
     * Stops the background work and closes the admin connection. The databases stay: the caller stops the server
     * next, which takes every database with it, prefetched and pending ones included.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true; // a drop from now on leaves its database to the server's stop
        awaitBackground();
        background.shutdownNow();
        synchronized (dropper) {
            if (dropConnection != null) {
                try {
                    dropConnection.close();
                } catch (SQLException e) {
                    LOG.debug("closing the connection for drops failed", e);
                }
            }
        }
        try {
            admin.close();
        } catch (SQLException e) {
            LOG.debug("closing the admin connection failed", e);
        }
    }
}
