package dev.rehearsal.core.db;

import dev.rehearsal.core.schema.SchemaDdl;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Everything Rehearsal needs to know about one database engine. One implementation per engine: engine-specific SQL
 * lives here and nowhere else.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface Dialect {

    /** The engine this dialect speaks. */
    Engine engine();

    /** The engine's name as shown in messages and reports ({@code PostgreSQL 18.6}). */
    String name();

    /**
     * The environment variables this engine's own clients and the usual tools read to reach {@code database}:
     * {@code DATABASE_URL} in the engine's URL form, and the engine's client variables ({@code PGHOST}...), for a
     * migration tool run through its own command.
     */
    Map<String, String> clientEnvironment(ConnectionDetails database);

    /**
     * Reads the schema from the engine's catalog.
     *
     * @param connection     an open connection to the database to read
     * @param excludedTables table names (unqualified) to leave out, such as the migration tool's history table
     */
    SchemaSnapshot snapshot(Connection connection, Set<String> excludedTables) throws SQLException;

    /**
     * A reader for the repeated schema reads of a rehearsal over {@code connection}: in full every time, or, on an
     * engine that can tell what changed between two reads, patching the last one.
     *
     * @param patched false to read in full every time even where the engine could patch
     */
    SchemaReader schemaReader(Connection connection, Set<String> excludedTables, boolean patched) throws SQLException;

    /** Cuts a script into statements as the engine's own client would, keeping the line each one starts at. */
    List<SqlStatement> split(String script);

    /**
     * Runs a {@code COPY ... FROM stdin} statement with its inline data ({@link SqlStatement#copyData()}), as psql
     * does; engines without such statements refuse it, naming the statement.
     */
    default void copyIn(Connection connection, String copyStatement, String data) throws SQLException {
        throw new SQLException(name() + " has no COPY ... FROM stdin: " + copyStatement, "0A000");
    }

    /** Whether a statement cannot run inside a transaction block ({@code CREATE INDEX CONCURRENTLY}). */
    boolean mustRunOutsideTransaction(String statement);

    /**
     * Why a migration that failed half-way kept its first changes, when its script neither ends the tool's
     * transaction itself nor holds a statement that cannot run in one: the engine's own reason, for messages.
     */
    String whyFailedMigrationsKeepChanges();

    /**
     * Whether a rolled-back transaction takes its DDL with it (PostgreSQL), so that a migration the tool runs in one
     * transaction is atomic unless its script commits; false where DDL commits at once (MariaDB, MySQL).
     */
    default boolean rollsBackDdl() {
        return false;
    }

    /**
     * Whether the engine commits the open transaction when {@code statement} runs, whatever the tool asked for
     * (MariaDB's and MySQL's DDL): a failure after it keeps what ran up to it.
     */
    default boolean commitsImplicitly(String statement) {
        return false;
    }

    /**
     * The error the engine raises when a statement gives up waiting for a lock ({@code lock_timeout}: 55P03 on
     * PostgreSQL, 1205 on MariaDB), with {@code detail} added: how Rehearsal stops a migration part-way, as a timeout
     * in production would.
     */
    default SQLException lockTimeout(String detail) {
        return new SQLException("lock wait timeout (" + detail + ")", "55P03");
    }

    /**
     * A statement the server answers with the error of {@link #lockTimeout}: how a tool that runs in a process of
     * its own is stopped part-way, its own driver raising the engine's error. Null where the engine cannot raise it.
     */
    default String lockTimeoutStatement(String detail) {
        return null;
    }

    /**
     * Where {@code statement} builds something the engine keeps half-made when it is cancelled part-way (PostgreSQL's
     * {@code CREATE INDEX CONCURRENTLY} keeps an INVALID index): how to cancel it while it builds. Empty otherwise.
     */
    default Optional<StatementInterruption> interruption(String statement) {
        return Optional.empty();
    }

    /**
     * Makes a statement that fails inside {@code connection}'s transaction roll back alone, leaving the transaction
     * usable (on), or abort it as the engine does by default (off). Rehearsal turns it on while it holds a transaction
     * open across a migration and its checks ({@link #rollsBackDdl()} engines only).
     */
    default void rollBackFailedStatementsAlone(Connection connection, boolean on) throws SQLException {
        throw new SQLException(name() + " cannot roll back a failed statement alone", "0A000");
    }

    /**
     * Gives {@code connection}'s session the settings and role a new session starts with, for a migration about to run
     * on a session Rehearsal also reads with (inside a transaction it holds): Rehearsal's own settings do not reach the
     * migration. Closing the result takes back what the migration set ({@code SET}, {@code SET ROLE},
     * {@code search_path}) and puts Rehearsal's settings back, so they do not reach its checks. Nothing by default.
     */
    default AutoCloseable asNewSession(Connection connection) throws SQLException {
        return () -> {
        };
    }

    /**
     * A statement that gives {@code connection}'s session back the role and search path it has now, read now: Flyway
     * puts both back after each migration, before it records it. Empty where the engine has neither (the default).
     */
    default Optional<String> sessionRestore(Connection connection) throws SQLException {
        return Optional.empty();
    }

    /**
     * Releases the session-level locks a migration took on {@code connection} and did not release (PostgreSQL's
     * advisory locks), as the end of the tool's own session would. Nothing by default.
     */
    default void releaseSessionLocks(Connection connection) throws SQLException {
    }

    /**
     * Checks now, inside {@code connection}'s transaction, the constraints a commit would check: deferred ones
     * ({@code DEFERRABLE INITIALLY DEFERRED}, or set deferred by the migration), then sets each back to the mode a
     * new transaction starts with. Throws the engine's own violation (SQLState 23503, 23505...) naming the
     * constraint. Rehearsal calls it where a migration commits on a connection lent from a held transaction, whose
     * commit is a savepoint. Nothing to check by default: engines without deferred constraints.
     */
    default void checkConstraintsAsCommitWould(Connection connection) throws SQLException {
    }

    /**
     * A down script that takes a database from {@code after} back to {@code before}, derived from the two catalogs,
     * for a migration that has none; the round trip verifies it before anyone sees it as more than a candidate.
     */
    default GeneratedUndo undo(SchemaSnapshot before, SchemaSnapshot after) {
        return GeneratedUndo.none(name() + " has no undo generator yet");
    }

    /**
     * The schema as normalised DDL for golden files and reviews: one entry per object in a stable order, every fact
     * the snapshot compares written as DDL or as a comment line. The default writes each object's facts only.
     */
    SchemaDdl ddl(SchemaSnapshot snapshot);

    /**
     * Makes {@code connection}'s session read-only, so that nothing Rehearsal runs on a database it does not own (a
     * live server compared with golden files, a capture) can change it.
     */
    default void readOnlySession(Connection connection) throws SQLException {
        connection.setReadOnly(true);
    }

    /**
     * A query a migration tool outside the JVM runs on each session it opens, before anything else: one row of the
     * session's id, its database and its server ({@code host:port}). Rehearsal proves with it that the tool is
     * connected to the throwaway database before the tool runs a migration ({@link #hasSession}).
     */
    String sessionIdentityQuery();

    /**
     * Whether session {@code backend} is connected to {@code database} on the server {@code observer} is connected to:
     * what a tool outside the JVM reported through {@link #sessionIdentityQuery}, checked from Rehearsal's side.
     */
    boolean hasSession(Connection observer, int backend, String database) throws SQLException;

    /**
     * Refreshes the planner's statistics after seeding, so that a rehearsal plans its statements as production would
     * with its statistics; volume estimates call it after each size is seeded. The default does nothing.
     */
    default void analyze(Connection connection) throws SQLException {
    }

    /**
     * The engine's write-ahead log position in bytes, to tell how much a migration wrote (a rewrite writes the table
     * again, a catalog-only change almost nothing); empty where the engine cannot say.
     */
    default OptionalLong writeAheadLogPosition(Connection connection) throws SQLException {
        return OptionalLong.empty();
    }

    /**
     * Bytes of temporary files (sorts and hashes that did not fit in memory) the engine has counted for the current
     * database so far, to tell how much a migration spilled to disk; empty where the engine cannot say.
     */
    default OptionalLong temporaryFileBytes(Connection connection) throws SQLException {
        return OptionalLong.empty();
    }

    /**
     * Whether a table of exactly that name exists in {@code schema} (the connection's current schema, or MariaDB
     * database, when null): the question migration tools ask before their version table is made. The default asks
     * the driver's table listing where the engine has no quicker way.
     */
    boolean tableExists(Connection connection, String schema, String table) throws SQLException;

    /** Quotes a table or column name as the engine needs it; {@code audit.log} becomes schema and table. */
    String quote(String name);

    /** Bulk loading, fingerprints and integrity checks over {@code connection}. */
    DataAccess data(Connection connection);

    /**
     * A column's type in the seeder's vocabulary, which is PostgreSQL's type names ({@code integer},
     * {@code character varying(20)}, {@code numeric(10,2)}, {@code timestamp without time zone}, {@code json}, plus
     * {@code tinyint}, {@code mediumint}, an {@code unsigned} suffix and inline {@code enum('a','b')} labels), so
     * that one set of realistic value generators serves every engine.
     *
     * @param columnType the type as the snapshot records it
     * @param checks     the CHECK expressions on this column alone
     */
    default String seedType(String columnType, List<String> checks) {
        return columnType;
    }

    /** Lock observation and probe traffic; null where the engine's lock observation is not available yet. */
    EngineLocks locks();

    /**
     * The dialect of the engine behind {@code connection}, for a database Rehearsal did not create (a live server).
     *
     * @throws SQLException when the connection's metadata cannot be read
     * @throws IllegalArgumentException naming the product when the engine is not one Rehearsal speaks
     */
    static Dialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        String version = connection.getMetaData().getDatabaseProductVersion().split("[ -]")[0];
        return EngineSupport.get().dialect(product, version).orElseThrow(() -> new IllegalArgumentException(product + " " + version + " is not an engine Rehearsal reads: it reads"
                + " PostgreSQL and MariaDB"));
    }
}
