package dev.rehearsal.core.internal.mariadb;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.db.EngineLocks;
import dev.rehearsal.core.db.SchemaReader;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.schema.FullSchemaReader;
import dev.rehearsal.core.internal.sql.MySqlScriptSplitter;
import dev.rehearsal.core.internal.sql.Tables;
import dev.rehearsal.core.schema.SchemaDdl;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MariaDB (and MySQL): snapshots from {@code information_schema}, the mysql client's script splitting, backtick
 * quoting. DDL commits at once on these engines, so nothing needs to run outside a transaction, and a script that
 * fails half-way keeps what it did before (the round trip reports it as partial). Locks are metadata locks
 * ({@link MariaDbLocks}).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class MariaDbDialect implements Dialect {

    private final String version;
    private final MariaDbLocks locks;

    /** @param metadataLocks whether the server's performance schema records metadata locks */
    public MariaDbDialect(String version, boolean metadataLocks) {
        this.version = version;
        this.locks = new MariaDbLocks(this, metadataLocks);
    }

    /**
     * {@code mysql://} URLs, which MySQL and MariaDB drivers in other languages take, and the variables the
     * {@code mysql} and {@code mariadb} clients read ({@code MYSQL_PWD} among them).
     */
    @Override
    public Map<String, String> clientEnvironment(ConnectionDetails database) {
        return Map.of("DATABASE_URL", database.url("mysql"), "MYSQL_HOST", database.host(),
                "MYSQL_TCP_PORT", String.valueOf(database.port()), "MYSQL_DATABASE", database.database(),
                "MYSQL_USER", database.user(), "MYSQL_PWD", database.password());
    }

    @Override
    public Engine engine() {
        return Engine.MARIADB;
    }

    @Override
    public String name() {
        return "MariaDB " + version;
    }

    @Override
    public String whyFailedMigrationsKeepChanges() {
        return name() + " commits each DDL statement at once (an implicit commit), so the statements before the"
                + " failing one stay applied whatever transaction the migration tool opened";
    }

    @Override
    public SchemaSnapshot snapshot(Connection connection, Set<String> excludedTables) throws SQLException {
        return new MariaDbCatalogReader(connection, excludedTables).read();
    }

    @Override
    public List<SqlStatement> split(String script) {
        return MySqlScriptSplitter.split(script);
    }

    @Override
    public boolean mustRunOutsideTransaction(String statement) {
        return false;
    }

    /** The statements that end the transaction before they run (the server's implicit commit): DDL. */
    private static final Pattern IMPLICIT_COMMIT = Pattern.compile(
            "^(?:\\s*(?:--[^\\n]*\\n|#[^\\n]*\\n|/\\*.*?\\*/))*\\s*(?:CREATE|ALTER|DROP|RENAME|TRUNCATE)\\b",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    @Override
    public boolean commitsImplicitly(String statement) {
        return IMPLICIT_COMMIT.matcher(statement).find();
    }

    /** ER_LOCK_WAIT_TIMEOUT, as a {@code lock_wait_timeout} or {@code innodb_lock_wait_timeout} raises it. */
    @Override
    public SQLException lockTimeout(String detail) {
        return new SQLException("Lock wait timeout exceeded; try restarting transaction (" + detail + ")", "HY000",
                1205);
    }

    /** MariaDB raises the error of a SIGNAL outside a stored program too; its text is kept to MySQL's 128 characters. */
    @Override
    public String lockTimeoutStatement(String detail) {
        String text = "Lock wait timeout exceeded; try restarting transaction (" + detail + ")";
        text = text.length() <= 128 ? text : text.substring(0, 127) + ")";
        return "SIGNAL SQLSTATE 'HY000' SET MYSQL_ERRNO = 1205, MESSAGE_TEXT = '" + text.replace("\\", "\\\\")
                .replace("'", "''") + "'";
    }

    @Override
    public SchemaReader schemaReader(Connection connection, Set<String> excludedTables, boolean patched) {
        return new FullSchemaReader(this, connection, excludedTables, patched ? name()
                + " cannot tell what a migration changed" : "turned off by rehearsal.schema.patched-reads=false");
    }

    @Override
    public String sessionIdentityQuery() {
        return "select connection_id(), database(), concat(@@hostname, ':', @@port)";
    }

    @Override
    public boolean hasSession(Connection observer, int backend, String database) throws SQLException {
        try (PreparedStatement ps = observer.prepareStatement("select 1 from information_schema.processlist where id = ? and db = ?")) {
            ps.setInt(1, backend);
            ps.setString(2, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public boolean tableExists(Connection connection, String schema, String table) throws SQLException {
        return Tables.exists(connection, schema, table);
    }

    @Override
    public SchemaDdl ddl(SchemaSnapshot snapshot) {
        return new MariaDbDdl(snapshot).write();
    }

    @Override
    public void readOnlySession(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("set session transaction read only");
        }
    }

    @Override
    public String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    @Override
    public DataAccess data(Connection connection) {
        return new MariaDbDataAccess(connection, this);
    }

    /**
     * MariaDB's column types in the seeder's vocabulary: display widths dropped ({@code int(11)} is
     * {@code integer}), {@code tinyint(1)} as boolean, {@code datetime} and {@code timestamp} as timestamps without
     * zone, the {@code longtext} behind a {@code JSON} column (its {@code json_valid} check) as json, the text and
     * blob families by their limits; {@code enum(...)} and {@code set(...)} keep their labels.
     */
    @Override
    public String seedType(String columnType, List<String> checks) {
        String t = columnType.toLowerCase(Locale.ROOT).replace(" zerofill", "").trim();
        if (checks.stream().anyMatch(c -> c.toLowerCase(Locale.ROOT).startsWith("json_valid("))) {
            return "json";
        }
        if (t.startsWith("enum(")) {
            return columnType;
        }
        if (t.startsWith("set(")) {
            return "enum(" + columnType.substring(4);
        }
        if (t.equals("tinyint(1)") || t.equals("bool") || t.equals("boolean") || t.equals("bit(1)")) {
            return "boolean";
        }
        Matcher m = SIZED.matcher(t);
        String base = m.matches() ? m.group(1) : t;
        String size = m.matches() ? m.group(2) : null;
        boolean unsigned = t.endsWith(" unsigned");
        if (unsigned && !m.matches()) {
            base = t.substring(0, t.length() - " unsigned".length());
        }
        String integer = switch (base) {
            case "tinyint", "smallint", "mediumint", "bigint" -> base;
            case "int", "integer" -> "integer";
            default -> null;
        };
        if (integer != null) {
            return integer + (unsigned ? " unsigned" : "");
        }
        return switch (base) {
            case "decimal", "numeric", "dec", "fixed" -> size == null ? "numeric(10,0)"
                    : size.contains(",") ? "numeric(" + size + ")" : "numeric(" + size + ",0)";
            case "double", "real", "double precision" -> "double precision";
            case "float" -> "real";
            case "varchar" -> "character varying(" + size + ")";
            case "char" -> "character(" + (size == null ? "1" : size) + ")";
            case "tinytext" -> "character varying(255)";
            case "text", "mediumtext", "longtext" -> "text";
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> "bytea";
            case "datetime", "timestamp" -> "timestamp without time zone";
            case "time" -> "time without time zone";
            case "date" -> "date";
            case "uuid" -> "uuid";
            case "json" -> "json";
            default -> columnType;
        };
    }

    private static final Pattern SIZED =
            Pattern.compile("^([a-z ]+?)\\((\\d+(?:,\\d+)?)\\)(?: unsigned)?$");

    /** Metadata locks and probes; see {@link MariaDbLocks} for what needs the performance schema. */
    @Override
    public EngineLocks locks() {
        return locks;
    }

    @Override
    public void analyze(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select table_name from information_schema.tables"
                     + " where table_schema = database() and table_type = 'BASE TABLE'")) {
            while (rs.next()) {
                tables.add(quote(rs.getString(1)));
            }
        }
        if (!tables.isEmpty()) {
            try (Statement st = connection.createStatement()) {
                st.execute("analyze table " + String.join(", ", tables));
            }
        }
    }
}
