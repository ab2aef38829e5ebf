package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.lifecycle.KeptBases;
import dev.rehearsal.core.internal.lifecycle.OrphanedDatabases;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Throwaway databases on a PostgreSQL server the user names ({@code rehearsal.jdbc.url}), as CI pipelines with a
 * database service have: each is created as {@code rehearsal_<random>} with a comment that marks it as Rehearsal's,
 * and only databases that this provider created and that carry the mark are ever dropped. The database the URL
 * names is only used to issue {@code CREATE DATABASE}: nothing is written to it. Passwords never appear in messages.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PostgresServerProvider implements DatabaseProvider, KeptBases {

    /** Drops running at once, each on a connection of its own; more would share the same checkpoint. */
    private static final int DROPS_AT_ONCE = 2;

    /** The database setting every throwaway database here gets from Rehearsal, as the catalog lists it. */
    static final String OWN_SETTING = "synchronous_commit=off";

    private static final Pattern URL = Pattern.compile("^jdbc:postgresql://([^/?]+)(?:/([^?]*))?(?:\\?(.*))?$");

    private final String host;
    private final String user;
    private final String password;
    private final String url;
    private final Connection admin;
    private final PostgresDialect dialect;
    private final String version;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    /** The databases a drop is under way for. */
    private final Set<String> dropping = ConcurrentHashMap.newKeySet();
    private final Semaphore dropsAtOnce = new Semaphore(DROPS_AT_ONCE);
    private final PostgresKeptBases kept;

    private PostgresServerProvider(String url, String host, String user, String password, Connection admin)
            throws SQLException {
        this.url = url;
        this.host = host;
        this.user = user;
        this.password = password;
        this.admin = admin;
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("show server_version")) {
            rs.next();
            this.version = rs.getString(1).split(" ")[0];
        }
        this.dialect = new PostgresDialect(version);
        this.kept = new PostgresKeptBases(admin, this::describe, created::contains, this::adopt);
        OrphanedDatabases.reap(admin, "select datname, shobj_description(oid, 'pg_database') from pg_database"
                + " where datname like 'rehearsal\\_%'", name -> "drop database if exists " + name + " with (force)", OrphanedDatabases.MARK);
    }

    /**
     * Connects to the server of {@code jdbcUrl}.
     *
     * @throws RehearsalException with one clear message for an unreachable server, refused credentials, or a URL that
     *                            is not PostgreSQL's; never with the password in it
     */
    public static PostgresServerProvider connect(String jdbcUrl, String user, String password) {
        String shown = redact(jdbcUrl);
        if (Engine.MARIADB.accepts(jdbcUrl)) {
            throw new RehearsalException("rehearsal.jdbc.url " + shown + " names a MariaDB/MySQL server, not a PostgreSQL"
                    + " one: use DatabaseProviders.server(...), which picks the engine from the URL.");
        }
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new RehearsalException("rehearsal.jdbc.url " + shown + " is not a PostgreSQL JDBC URL such as"
                    + " jdbc:postgresql://db.example.com:5432/postgres");
        }
        try {
            Connection admin = adminConnection(jdbcUrl, user, password);
            return new PostgresServerProvider(jdbcUrl, m.group(1), user, password, admin);
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            String why = scrub(e.getMessage(), password);
            if (state.startsWith("28")) {
                throw new RehearsalException("The PostgreSQL server at " + m.group(1) + " refused "
                        + (user == null ? "the connection" : "user " + user) + ": " + why + " (SQLState " + state + ")."
                        + " Set rehearsal.jdbc.user and rehearsal.jdbc.password (or REHEARSAL_JDBC_USER and"
                        + " REHEARSAL_JDBC_PASSWORD) to an account that may create databases.");
            }
            if (state.startsWith("08") || e.getCause() instanceof ConnectException) {
                throw new RehearsalException("Cannot reach the PostgreSQL server at " + m.group(1) + " named by"
                        + " rehearsal.jdbc.url " + shown + ": " + why + ". Is it running, and is the host and port right?");
            }
            throw new RehearsalException("Could not connect to " + shown + ": " + why + " (SQLState " + state + ")");
        }
    }

    /** A connection to the database {@code jdbcUrl} names, as the account given, to create and drop databases. */
    private static Connection adminConnection(String jdbcUrl, String user, String password) throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "rehearsal");
        props.setProperty("connectTimeout", "10");
        Connection admin = DriverManager.getConnection(jdbcUrl, props);
        admin.setAutoCommit(true);
        return admin;
    }

    /** The URL without credentials: {@code password=} parameters and {@code user:password@} removed. */
    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)([?&]password=)[^&]*", "$1***").replaceAll("//[^/@]*:[^/@]*@", "//***@");
    }

    private static String scrub(String message, String password) {
        String m = message == null ? "" : message;
        return password == null || password.isEmpty() ? m : m.replace(password, "***");
    }

    @Override
    public Optional<String> postgresVersion() {
        return Optional.of(version);
    }

    @Override
    public String describe() {
        return "PostgreSQL " + version + " server at " + host;
    }

    @Override
    public EphemeralDatabase createDatabase() {
        String name = OrphanedDatabases.newName();
        synchronized (admin) {
            try (Statement st = admin.createStatement()) {
                st.execute("create database " + name + " template template0 encoding 'UTF8'");
                created.add(name);
                st.execute("comment on database " + name + " is '" + OrphanedDatabases.OWNED_MARK + "'");
                withoutWaitingForCommitsOnDisk(st, name);
            } catch (SQLException e) {
                if (created.contains(name)) {
                    dropFailed(name); // over admin, held here: a drop of its own could wait for admin behind us
                }
                throw new RehearsalException("Could not create a throwaway database on " + describe() + ": "
                        + scrub(e.getMessage(), password) + " (SQLState " + e.getSQLState() + "). The account needs the"
                        + " CREATEDB privilege.", e);
            }
        }
        return throwaway(name);
    }

    /** A copy of {@code source}, one of this provider's databases, schema and data, once nobody is connected to it. */
    private EphemeralDatabase copyOf(String source) {
        String name = OrphanedDatabases.newName();
        synchronized (admin) {
            DatabaseCopies.copy(admin, source, name, describe());
            return adopt(name, "the copy " + name + " of " + source);
        }
    }

    /** Makes {@code name}, a database just created as a copy of another, one of this provider's throwaway databases. */
    private EphemeralDatabase adopt(String name, String what) {
        synchronized (admin) {
            created.add(name);
            try (Statement st = admin.createStatement()) {
                // the mark and the database's settings live in shared catalogs, which a copy does not take along
                st.execute("comment on database " + name + " is '" + OrphanedDatabases.OWNED_MARK + "'");
                withoutWaitingForCommitsOnDisk(st, name);
            } catch (SQLException e) {
                // made by this run a moment ago, under a name of its own: dropped though it has no mark yet
                created.remove(name);
                String left = "";
                try (Statement st = admin.createStatement()) {
                    st.execute("drop database if exists " + name + " with (force)");
                } catch (SQLException dropFailed) {
                    left = "; dropping it failed too, so drop " + name + " by hand: " + dropFailed.getMessage();
                }
                throw new RehearsalException("Could not mark " + what + " on " + describe() + " as Rehearsal's: "
                        + scrub(e.getMessage(), password) + " (SQLState " + e.getSQLState() + ")" + left, e);
            }
        }
        return throwaway(name);
    }

    /**
     * Sessions on the throwaway database {@code name} do not wait at each commit for the server to flush its log to
     * disk ({@code synchronous_commit=off}, which the database's owner may set): a throwaway database needs no
     * durability, and on a server with {@code fsync} on each commit that wrote otherwise waits for a disk flush
     * (several times the commit itself on an ordinary disk), which a phase
     * pays several times (the script, the tool's version table). Anything connecting to it inherits this: the migration
     * tool's own command, a plain session. The embedded server and containers run with {@code fsync=off} already.
     */
    private static void withoutWaitingForCommitsOnDisk(Statement st, String name) throws SQLException {
        st.execute("alter database " + name + " set " + OWN_SETTING);
    }

    private EphemeralDatabase throwaway(String name) {
        PGSimpleDataSource direct = new PGSimpleDataSource();
        String databaseUrl = url.replaceFirst("^(jdbc:postgresql://[^/?]+)(/[^?]*)?", "$1/" + name);
        direct.setURL(databaseUrl);
        if (user != null) {
            direct.setUser(user);
        }
        if (password != null) {
            direct.setPassword(password);
        }
        return new PostgresThrowaway(name, direct, redact(databaseUrl), dialect, this::dropOwn, this::describe, this::copyOf);
    }

    /**
     * Drops {@code name} if this provider created it and it carries the mark; anything else is left alone. A drop runs
     * on a connection of its own: a {@code DROP DATABASE} waits for the checkpoint it makes the server write, and
     * databases created or copied meanwhile on the admin connection do not wait behind it, nor does another drop
     * (at most {@link #DROPS_AT_ONCE}), which then shares that checkpoint. Where that connection cannot be opened
     * (the account's connection limit reached), the admin connection drops it. A database whose drop failed stays
     * among the provider's, for its close to try again.
     */
    private void dropOwn(String name) {
        if (!created.contains(name) || !dropping.add(name)) {
            return;
        }
        dropsAtOnce.acquireUninterruptibly();
        try {
            Connection own;
            try {
                own = adminConnection(url, user, password);
            } catch (SQLException e) {
                own = null;
            }
            if (own == null) {
                synchronized (admin) {
                    dropMarked(admin, name);
                }
            } else {
                try (Connection c = own) {
                    dropMarked(c, name);
                }
            }
        } catch (SQLException e) {
            LoggerFactory.getLogger(PostgresServerProvider.class).warn("Could not drop throwaway database {}"
                    + " on {}: {}", name, describe(), scrub(e.getMessage(), password));
        } finally {
            dropsAtOnce.release();
            dropping.remove(name);
        }
    }

    /** Drops {@code name} over the admin connection, which the caller holds; a failure is logged. */
    private void dropFailed(String name) {
        try {
            dropMarked(admin, name);
        } catch (SQLException e) {
            LoggerFactory.getLogger(PostgresServerProvider.class).warn("Could not drop throwaway database {}"
                    + " on {}: {}", name, describe(), scrub(e.getMessage(), password));
        }
    }

    /** Drops {@code name} over {@code c} if it carries the mark; either way, it is no longer the provider's. */
    private void dropMarked(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select shobj_description(oid, 'pg_database') from pg_database"
                + " where datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || (rs.getString(1) == null || !rs.getString(1).startsWith(OrphanedDatabases.MARK))) {
                    created.remove(name);
                    return;
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("drop database if exists " + name + " with (force)");
        }
        created.remove(name);
    }

    @Override
    public Optional<EphemeralDatabase> copyOfKept(String key) {
        return kept.copyOf(key);
    }

    @Override
    public String serverState() {
        return kept.serverState();
    }

    @Override
    public String nameOf(String key) {
        return PostgresKeptBases.name(key);
    }

    @Override
    public String keep(EphemeralDatabase database, String key) {
        return kept.keep(database, key);
    }

    /** Throwaway databases this provider made that are still there. */
    public Set<String> liveDatabases() {
        return Set.copyOf(created);
    }

    @Override
    public void close() {
        dropsAtOnce.acquireUninterruptibly(DROPS_AT_ONCE); // the drops under way end first
        dropsAtOnce.release(DROPS_AT_ONCE);
        for (String name : Set.copyOf(created)) {
            dropOwn(name);
        }
        synchronized (admin) { // not while a database is dropped over it
            try {
                admin.close();
            } catch (SQLException ignored) {
                // the server connection is gone already
            }
        }
    }
}
