package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.db.EngineLocks;
import dev.rehearsal.core.db.GeneratedUndo;
import dev.rehearsal.core.db.SchemaReader;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.db.StatementInterruption;
import dev.rehearsal.core.internal.schema.FullSchemaReader;
import dev.rehearsal.core.internal.sql.PostgresScriptSplitter;
import dev.rehearsal.core.schema.SchemaDdl;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.AutoSave;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/** PostgreSQL: catalog snapshots from {@code pg_catalog}, psql-compatible script splitting. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PostgresDialect implements Dialect {

    private static final Pattern OUTSIDE_TRANSACTION = Pattern.compile(
            "^\\s*(CREATE\\s+(UNIQUE\\s+)?INDEX\\s+CONCURRENTLY|DROP\\s+INDEX\\s+CONCURRENTLY|REINDEX\\b.*\\bCONCURRENTLY"
                    + "|VACUUM|CREATE\\s+DATABASE|DROP\\s+DATABASE|ALTER\\s+SYSTEM|CREATE\\s+TABLESPACE|DROP\\s+TABLESPACE"
                    + "|ALTER\\s+TABLE\\b.*\\bDETACH\\s+PARTITION\\b.*\\bCONCURRENTLY)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** Before PostgreSQL 12, ALTER TYPE ... ADD VALUE could not run inside a transaction block. */
    private static final Pattern ADD_ENUM_VALUE = Pattern.compile("^\\s*ALTER\\s+TYPE\\b.*\\bADD\\s+VALUE\\b",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final String version;
    /** {@link #major()}, read from the version once: scripts are split and placed in every phase. */
    private final int major;

    public PostgresDialect(String version) {
        this.version = version;
        this.major = majorOf(version);
    }

    /** {@code postgres://} URLs and libpq's variables, which psql, psycopg2, node-postgres and most tools read. */
    @Override
    public Map<String, String> clientEnvironment(ConnectionDetails database) {
        return Map.of("DATABASE_URL", database.url("postgres"), "PGHOST", database.host(),
                "PGPORT", String.valueOf(database.port()), "PGDATABASE", database.database(), "PGUSER", database.user(),
                "PGPASSWORD", database.password());
    }

    @Override
    public Engine engine() {
        return Engine.POSTGRES;
    }

    @Override
    public String name() {
        return "PostgreSQL " + version;
    }

    @Override
    public SchemaSnapshot snapshot(Connection connection, Set<String> excludedTables) throws SQLException {
        return new PostgresCatalogReader(connection, excludedTables).read();
    }

    @Override
    public SchemaReader schemaReader(Connection connection, Set<String> excludedTables, boolean patched)
            throws SQLException {
        return patched ? new PostgresSchemaReader(connection, excludedTables)
                : new FullSchemaReader(this, connection, excludedTables, "turned off by rehearsal.schema.patched-reads=false");
    }

    @Override
    public void copyIn(Connection connection, String copyStatement, String data) throws SQLException {
        PostgresCopy.copyIn(connection, copyStatement, data);
    }

    @Override
    public List<SqlStatement> split(String script) {
        return PostgresScriptSplitter.split(script);
    }

    @Override
    public boolean mustRunOutsideTransaction(String statement) {
        return neverInTransaction(statement) || major() < 12 && ADD_ENUM_VALUE.matcher(statement).find();
    }

    @Override
    public SQLException lockTimeout(String detail) {
        return new SQLException("ERROR: canceling statement due to lock timeout (" + detail + ")", "55P03");
    }

    @Override
    public String lockTimeoutStatement(String detail) {
        return "DO $rehearsal$ BEGIN RAISE EXCEPTION USING ERRCODE = 'lock_not_available', MESSAGE = "
                + "'" + ("canceling statement due to lock timeout (" + detail + ")").replace("'", "''") + "'; END $rehearsal$";
    }

    @Override
    public Optional<StatementInterruption> interruption(String statement) {
        return ConcurrentIndexInterruption.of(statement);
    }

    @Override
    public GeneratedUndo undo(SchemaSnapshot before, SchemaSnapshot after) {
        return PostgresUndo.generate(before, after, this);
    }

    @Override
    public boolean rollsBackDdl() {
        return true;
    }

    /** pgjdbc's autosave: a savepoint before each statement, rolled back to where the statement fails. */
    @Override
    public void rollBackFailedStatementsAlone(Connection connection, boolean on) throws SQLException {
        connection.unwrap(PGConnection.class)
                .setAutosave(on ? AutoSave.ALWAYS : AutoSave.NEVER);
    }

    /**
     * {@code RESET ALL} before the migration (the settings the session connected with, as a new session of the tool's
     * has); after it {@code RESET ALL}, {@code RESET ROLE}, {@code RESET SESSION AUTHORIZATION}, then Rehearsal's own
     * settings again, local to the transaction, which ends with them.
     */
    @Override
    public AutoCloseable asNewSession(Connection connection) throws SQLException {
        Map<String, String> own = new LinkedHashMap<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select name, setting from pg_settings where source = 'session'")) {
            while (rs.next()) {
                own.put(rs.getString(1), rs.getString(2));
            }
        }
        try (Statement st = connection.createStatement()) {
            st.execute("reset all");
        }
        return () -> {
            try (Statement st = connection.createStatement()) {
                st.execute("reset all; reset role; reset session authorization");
            }
            if (!own.isEmpty()) {
                try (PreparedStatement set = connection.prepareStatement("select set_config(name, setting,"
                        + " true) from unnest(?::text[], ?::text[]) as s(name, setting)")) {
                    set.setArray(1, connection.createArrayOf("text", own.keySet().toArray()));
                    set.setArray(2, connection.createArrayOf("text", own.values().toArray()));
                    set.execute();
                }
            }
        };
    }

    /** Built by the server, which quotes the role and search path as literals: one round trip to run it. */
    @Override
    public Optional<String> sessionRestore(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(
                "select format('select set_config(''role'', %L, false), set_config(''search_path'', %L, false)',"
                        + " current_user, current_setting('search_path'))")) {
            rs.next();
            return Optional.of(rs.getString(1));
        }
    }

    @Override
    public void releaseSessionLocks(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("select pg_advisory_unlock_all()");
        }
    }

    /**
     * {@code SET CONSTRAINTS ALL IMMEDIATE} fires the deferred checks pending in the transaction, as COMMIT would;
     * then the constraints declared {@code INITIALLY DEFERRED} are deferred again, as a new transaction has them. One
     * round trip: a lent commit runs it once per migration a tool commits.
     */
    @Override
    public void checkConstraintsAsCommitWould(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("do $rehearsal$ declare deferred text; begin set constraints all immediate;"
                    + " select string_agg(format('%I.%I', n.nspname, c.conname), ', ') into deferred"
                    + " from pg_constraint c join pg_namespace n on n.oid = c.connamespace where c.condeferred;"
                    + " if deferred is not null then execute 'set constraints ' || deferred || ' deferred'; end if;"
                    + " end $rehearsal$");
        }
    }

    @Override
    public String whyFailedMigrationsKeepChanges() {
        return name() + " rolls back DDL with the transaction, so these changes were committed before the failing"
                + " statement ran: the migration tool ran the script without a transaction (dbmate's transaction:false,"
                + " Flyway's mixed=true or executeInTransaction=false), or a callback or earlier step committed them";
    }

    /** Whether no PostgreSQL version runs the statement inside a transaction block. */
    static boolean neverInTransaction(String statement) {
        return OUTSIDE_TRANSACTION.matcher(statement).find();
    }

    /** The server's major version (18 for 18.6); 0 when unknown. */
    int major() {
        return major;
    }

    private static int majorOf(String version) {
        try {
            return Integer.parseInt(version.replaceFirst("^(\\d+).*$", "$1"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public SchemaDdl ddl(SchemaSnapshot snapshot) {
        return new PostgresDdl(snapshot).write();
    }

    @Override
    public void readOnlySession(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("set session characteristics as transaction read only");
        }
    }

    @Override
    public String quote(String name) {
        int dot = name.indexOf('.');
        if (dot > 0 && !name.startsWith("\"")) {
            return ident(name.substring(0, dot)) + "." + ident(name.substring(dot + 1));
        }
        return ident(name);
    }

    private static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @Override
    public DataAccess data(Connection connection) {
        return new PostgresDataAccess(connection, this);
    }

    @Override
    public EngineLocks locks() {
        return new PostgresLocks(this);
    }

    @Override
    public void analyze(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("analyze");
        }
    }

    /**
     * One catalog lookup, an ordinary table ({@code relkind 'r'}) as the driver's listing of {@code TABLE}s counts
     * them. That listing takes three round trips (catalog, current schema, then a query joining every relation with
     * its descriptions); a Flyway rehearsal asks twice.
     */
    @Override
    public String sessionIdentityQuery() {
        return "select pg_backend_pid(), current_database(), coalesce(host(inet_server_addr()), 'local socket') || ':' || current_setting('port')";
    }

    @Override
    public boolean hasSession(Connection observer, int backend, String database) throws SQLException {
        try (PreparedStatement ps = observer.prepareStatement("select 1 from pg_stat_activity where pid = ? and datname = ?")) {
            ps.setInt(1, backend);
            ps.setString(2, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public boolean tableExists(Connection connection, String schema, String table) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(TABLE_EXISTS)) {
            st.setString(1, table);
            st.setString(2, schema);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static final String TABLE_EXISTS = "select exists (select 1 from pg_class c"
            + " join pg_namespace n on n.oid = c.relnamespace"
            + " where c.relname = ? and n.nspname = coalesce(?, current_schema()) and c.relkind = 'r')";

    @Override
    public OptionalLong writeAheadLogPosition(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint")) {
            rs.next();
            return OptionalLong.of(rs.getLong(1));
        }
    }

    /**
     * {@code pg_stat_database.temp_bytes}. A session counts its temporary files in the shared statistics when it goes
     * idle, at most once a second: from PostgreSQL 15 this connection forces its own count out first
     * ({@code pg_stat_force_next_flush}), and the migration's sessions have gone idle by the time it is asked.
     */
    @Override
    public OptionalLong temporaryFileBytes(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            if (connection.getMetaData().getDatabaseMajorVersion() >= 15) {
                st.execute("select pg_stat_force_next_flush()");
            }
            try (ResultSet rs = st.executeQuery(
                    "select temp_bytes from pg_stat_database where datname = current_database()")) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }
}
