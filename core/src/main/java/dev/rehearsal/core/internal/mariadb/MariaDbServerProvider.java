package dev.rehearsal.core.internal.mariadb;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.lifecycle.OrphanedDatabases;
import dev.rehearsal.core.internal.sql.DelegatingDataSource;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.net.URI;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Throwaway databases on a MariaDB/MySQL server you name: {@code rehearsal_<random>}, created with a comment that
 * marks them as Rehearsal's; only databases this provider created that still carry the mark are dropped, and the
 * database the URL names is never written to. A fresh database is an empty {@code CREATE DATABASE} (MariaDB has no
 * templates). Passwords never appear in messages.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class MariaDbServerProvider implements DatabaseProvider {

    private static final Pattern URL = Pattern.compile("^jdbc:(mariadb|mysql)://([^/?]+)(?:/([^?]*))?(?:\\?(.*))?$");

    private final String url;
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbServerProvider.class);

    private final String host;
    private final Properties credentials;
    private final Connection admin;
    private final MariaDbDialect dialect;
    private final Set<String> created = ConcurrentHashMap.newKeySet();

    private MariaDbServerProvider(String url, String host, Properties credentials, Connection admin, String version,
                                  boolean metadataLocks) {
        this.url = url;
        this.host = host;
        this.credentials = credentials;
        this.admin = admin;
        this.dialect = new MariaDbDialect(version, metadataLocks);
        OrphanedDatabases.reap(admin, "select schema_name, schema_comment from information_schema.schemata"
                + " where schema_name like 'rehearsal\\_%'", name -> "drop database if exists " + name, OrphanedDatabases.MARK);
        if (!metadataLocks) {
            LOG.warn("The MariaDB server at {} does not record metadata locks (performance_schema is OFF or its"
                    + " wait/lock/metadata/sql/mdl instrument is disabled): Rehearsal measures lock waits with its probes"
                    + " but cannot say which lock each statement took. Start the server with --performance-schema=ON"
                    + " --performance-schema-instrument='wait/lock/metadata/sql/mdl=ON' to trace them.", host);
        }
    }

    /** Whether the performance schema records metadata locks, so that lock modes can be traced. */
    private static boolean recordsMetadataLocks(Connection admin) {
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("select @@performance_schema,"
                + " (select enabled from performance_schema.setup_instruments where name = 'wait/lock/metadata/sql/mdl')")) {
            return rs.next() && rs.getInt(1) == 1 && "YES".equalsIgnoreCase(rs.getString(2));
        } catch (SQLException e) {
            return false;
        }
    }

    /** Connects to the server of {@code jdbcUrl}, with one clear message per failure and never the password. */
    public static MariaDbServerProvider connect(String jdbcUrl, String user, String password) {
        String shown = jdbcUrl.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new RehearsalException(shown + " is not a MariaDB/MySQL JDBC URL such as jdbc:mariadb://127.0.0.1:3306/test");
        }
        try {
            Class.forName("org.mariadb.jdbc.Driver");
        } catch (ClassNotFoundException e) {
            throw new RehearsalException("No MariaDB JDBC driver on the test class path for " + shown
                    + ": add org.mariadb.jdbc:mariadb-java-client (test scope).");
        }
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        try {
            Connection admin = DriverManager.getConnection(jdbcUrl.replaceFirst("^jdbc:mysql:", "jdbc:mariadb:"), props);
            String version;
            try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("select version()")) {
                rs.next();
                version = rs.getString(1).split("-")[0];
            }
            return new MariaDbServerProvider(jdbcUrl.replaceFirst("^jdbc:mysql:", "jdbc:mariadb:"), m.group(2), props, admin,
                    version, recordsMetadataLocks(admin));
        } catch (SQLException e) {
            String why = password == null || password.isEmpty() || e.getMessage() == null ? String.valueOf(e.getMessage())
                    : e.getMessage().replace(password, "***");
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("28")) {
                throw new RehearsalException("The MariaDB server at " + m.group(2) + " refused "
                        + (user == null ? "the connection" : "user " + user) + ": " + why + ". Set rehearsal.jdbc.user and"
                        + " rehearsal.jdbc.password (or REHEARSAL_JDBC_USER and REHEARSAL_JDBC_PASSWORD).");
            }
            throw new RehearsalException("Cannot reach the MariaDB server at " + m.group(2) + " named by " + shown + ": "
                    + why + ". Is it running, and is the host and port right?");
        }
    }

    @Override
    public String describe() {
        return dialect.name() + " server at " + host;
    }

    @Override
    public EphemeralDatabase createDatabase() {
        String name = OrphanedDatabases.newName();
        synchronized (admin) {
            try (Statement st = admin.createStatement()) {
                st.execute("create database " + name + " character set utf8mb4 comment '" + OrphanedDatabases.OWNED_MARK + "'");
                created.add(name);
            } catch (SQLException e) {
                throw new RehearsalException("Could not create a throwaway database on " + describe() + ": " + e.getMessage()
                        + " (SQLState " + e.getSQLState() + "). The account needs the CREATE privilege.", e);
            }
        }
        return new Database(name);
    }

    private void dropOwn(String name) {
        synchronized (admin) { // the provider's close closes admin under this lock, after the last drop
            if (!created.remove(name)) {
                return;
            }
            try (PreparedStatement ps = admin.prepareStatement(
                    "select schema_comment from information_schema.schemata where schema_name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || (rs.getString(1) == null || !rs.getString(1).startsWith(OrphanedDatabases.MARK))) {
                        return;
                    }
                }
                try (Statement st = admin.createStatement()) {
                    st.execute("drop database if exists " + name);
                }
            } catch (SQLException e) {
                LoggerFactory.getLogger(MariaDbServerProvider.class).warn("Could not drop throwaway database {}"
                        + " on {}: {}", name, describe(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        for (String name : Set.copyOf(created)) {
            dropOwn(name);
        }
        synchronized (admin) { // not while a database is dropped over it
            try {
                admin.close();
            } catch (SQLException ignored) {
                // gone already
            }
        }
    }

    private final class Database implements EphemeralDatabase {
        private final String name;
        private final DataSource dataSource;

        Database(String name) {
            this.name = name;
            String dbUrl = url.replaceFirst("^(jdbc:mariadb://[^/?]+)(/[^?]*)?", "$1/" + name);
            this.dataSource = new DelegatingDataSource() {
                @Override
                protected DataSource target() {
                    throw new UnsupportedOperationException("a plain DriverManager data source");
                }

                @Override
                public Connection getConnection() throws SQLException {
                    return DriverManager.getConnection(dbUrl, credentials);
                }

                @Override
                public Connection getConnection(String username, String password) throws SQLException {
                    return DriverManager.getConnection(dbUrl, username, password);
                }

                @Override
                public PrintWriter getLogWriter() {
                    return null;
                }

                @Override
                public void setLogWriter(PrintWriter out) {
                }

                @Override
                public void setLoginTimeout(int seconds) {
                }

                @Override
                public int getLoginTimeout() {
                    return 0;
                }

                @Override
                public <T> T unwrap(Class<T> iface) throws SQLException {
                    if (iface.isInstance(this)) {
                        return iface.cast(this);
                    }
                    throw new SQLException("not a wrapper for " + iface);
                }

                @Override
                public boolean isWrapperFor(Class<?> iface) {
                    return iface.isInstance(this);
                }
            };
        }

        @Override
        public String name() {
            return name;
        }

        /** A new throwaway database with this one's schema and rows, copied statement by statement ({@link MariaDbCopies}). */
        @Override
        public Optional<EphemeralDatabase> copy() {
            EphemeralDatabase target = createDatabase();
            try (Connection c = target.dataSource().getConnection()) {
                MariaDbCopies.copy(c, name);
            } catch (SQLException e) {
                target.close();
                throw new RehearsalException("Could not copy throwaway database " + name + " on " + describe()
                        + " to keep the state before a migration: " + e.getMessage() + " (SQLState " + e.getSQLState()
                        + "). The account needs SELECT on " + name + " and the CREATE, CREATE VIEW, CREATE ROUTINE"
                        + " and TRIGGER privileges.", e);
            }
            return Optional.of(target);
        }

        @Override
        public DataSource dataSource() {
            return dataSource;
        }

        @Override
        public String jdbcUrl() {
            return url.replaceFirst("^(jdbc:mariadb://[^/?]+)(/[^?]*)?", "$1/" + name).replaceAll("(?i)([?&]password=)[^&]*", "$1***");
        }

        @Override
        public ConnectionDetails connectionDetails() {
            URI uri = URI.create(url.replaceFirst("^jdbc:", ""));
            return new ConnectionDetails(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 3306,
                    name, credentials.getProperty("user", System.getProperty("user.name")),
                    credentials.getProperty("password", ""));
        }

        @Override
        public MariaDbDialect dialect() {
            return dialect;
        }

        @Override
        public void close() {
            dropOwn(name);
        }

        @Override
        public String toString() {
            return "database " + name + " on " + describe();
        }
    }
}
