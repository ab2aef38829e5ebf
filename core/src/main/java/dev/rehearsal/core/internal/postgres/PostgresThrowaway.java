package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.EphemeralDatabase;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A throwaway PostgreSQL database a provider handed out: connections to it are reused ({@link ReusingDataSource})
 * and closing it gives the name back to the provider, which drops it (at once, or in a batch).
 */
final class PostgresThrowaway implements EphemeralDatabase {

    private final String name;
    private final ReusingDataSource dataSource;
    private final ConnectionDetails details;
    private final String jdbcUrl;
    private final PostgresDialect dialect;
    private final Consumer<String> drop;
    private final Supplier<String> server;
    private final Function<String, EphemeralDatabase> copier;

    /**
     * @param direct  a data source for the database, user and password set; {@code application_name} is set here
     * @param jdbcUrl the URL shown to users (no password in it)
     * @param drop    called with the name once the database is closed
     * @param server  describes the server in {@link #toString()}
     * @param copier  makes a new throwaway database from the one named (as a template), once nobody is connected to it
     */
    PostgresThrowaway(String name, PGSimpleDataSource direct, String jdbcUrl, PostgresDialect dialect,
                      Consumer<String> drop, Supplier<String> server, Function<String, EphemeralDatabase> copier) {
        this.name = name;
        direct.setApplicationName("rehearsal");
        keepPreparedStatementsAcrossDdl(direct);
        this.dataSource = new ReusingDataSource(direct);
        int[] ports = direct.getPortNumbers();
        String user = direct.getUser() != null ? direct.getUser() : System.getProperty("user.name"); // the driver's default
        this.details = new ConnectionDetails(direct.getServerNames()[0],
                ports.length == 0 || ports[0] <= 0 ? 5432 : ports[0], name, user, direct.getPassword());
        this.jdbcUrl = jdbcUrl;
        this.dialect = dialect;
        this.drop = drop;
        this.server = server;
        this.copier = copier;
    }

    /**
     * pgjdbc 42.7.8 and later forget every server-prepared statement of a session when that session runs
     * {@code CREATE}, {@code DROP} or {@code ALTER} ({@code flushCacheOnDdl}, on by default). A rehearsal's sessions
     * run DDL between almost every two of Rehearsal's own catalog and lock queries, so each of those was parsed and
     * planned afresh: about half of a migration phase's time on an empty table. Rehearsal's own queries read the
     * catalog, whose columns never change, and in auto-commit pgjdbc still re-prepares a statement the server says
     * changed shape; older drivers do not know the property and already behave so.
     */
    private static void keepPreparedStatementsAcrossDdl(PGSimpleDataSource direct) {
        try {
            direct.setProperty("flushCacheOnDdl", "false");
        } catch (SQLException unknownToThisDriver) {
            // a driver before the property never flushes its cache on DDL
        }
    }

    /** Closes the idle connections this database keeps (PostgreSQL copies only a database nobody is connected to). */
    @Override
    public Optional<EphemeralDatabase> copy() {
        closeIdle();
        return Optional.of(copier.apply(name));
    }

    /** Closes the idle connections this database keeps, as a copy of it needs. */
    void closeIdle() {
        dataSource.closeIdle();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public ConnectionDetails connectionDetails() {
        return details;
    }

    @Override
    public PostgresDialect dialect() {
        return dialect;
    }

    @Override
    public void close() {
        dataSource.close();
        drop.accept(name);
    }

    @Override
    public String toString() {
        return "database " + name + " on " + server.get();
    }
}
