package dev.rehearsal.core.internal.scripts;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.internal.sql.LentConnection;
import dev.rehearsal.core.internal.sql.ScriptRunner;
import dev.rehearsal.core.internal.sql.Tables;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** The version tables of the plain-SQL layouts (golang-migrate, dbmate, Prisma, Atlas, Drizzle), kept as each tool keeps its own. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class VersionTables {

    private VersionTables() {
    }

    /** A version of digits only, as dbmate's timestamps are: safe to write as a literal on every engine. */
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,128}");

    /**
     * Runs these writes of literal SQL as one batch, one round trip. Written in a script's transaction (the record of
     * a script that ran), the batch ends with its commit, which then costs no round trip of its own ({@link
     * ScriptRunner}'s commit finds nothing left to do), unless the connection is a {@link LentConnection}, whose
     * commit must go through JDBC.
     */
    private static void write(Connection c, String... statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.addBatch(sql);
            }
            if (!c.getAutoCommit() && !c.isWrapperFor(LentConnection.class)) {
                st.addBatch("commit");
            }
            st.executeBatch();
        }
    }

    /**
     * Runs {@code sql}, whose one {@code ?} is {@code version}: as a literal in {@link #write}'s one round trip where the
     * version is digits, else bound to a prepared statement.
     */
    private static void writeVersion(Connection c, String sql, String version) throws SQLException {
        if (DIGITS.matcher(version).matches()) {
            write(c, sql.replace("?", "'" + version + "'"));
        } else {
            Tables.update(c, sql, version);
        }
    }

    /**
     * The history's versions by number (golang-migrate stores {@code 0042} as 42), built once per history: the
     * version table is read before every phase, and a scan of the whole history each time grows with its length.
     */
    private static final class VersionsByNumber {
        private MigrationHistory history;
        private Map<BigInteger, MigrationVersion> byNumber;

        synchronized Optional<MigrationVersion> matching(MigrationHistory h, BigInteger version) {
            if (h != history) {
                Map<BigInteger, MigrationVersion> map = new HashMap<>();
                for (Migration m : h.versioned()) {
                    String v = m.version().toString();
                    if (!v.isEmpty() && v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                        map.putIfAbsent(new BigInteger(v), m.version());
                    }
                }
                history = h;
                byNumber = map;
            }
            return Optional.ofNullable(byNumber.get(version));
        }
    }

    /**
     * golang-migrate: one row, {@code schema_migrations(version bigint, dirty boolean)}; the version is written dirty
     * before a migration runs and clean after it succeeded, so a failed migration leaves the database dirty and
     * golang-migrate refuses to go on until someone forces a version. Here the dirty row is written when the migration
     * has failed ({@link VersionTable#failed}), which leaves the table as golang-migrate does.
     *
     * @param quote quotes a schema name as the engine needs
     */
    public static VersionTable golangMigrate(UnaryOperator<String> quote) {
        VersionsByNumber versions = new VersionsByNumber();
        return new VersionTable() {
            /** Qualified as golang-migrate qualifies it: with the connection's current schema when it starts. */
            private volatile String qualified;

            private String table(Connection c) throws SQLException {
                if (qualified == null) {
                    String schema = c.getSchema(); // none on MySQL and MariaDB, where the table is the database's
                    qualified = schema == null ? "schema_migrations" : quote.apply(schema) + ".schema_migrations";
                }
                return qualified;
            }

            @Override
            public String table() {
                return "schema_migrations";
            }

            @Override
            public void ensure(Connection c) throws SQLException {
                Tables.execute(c, "create table if not exists " + table(c) + " (version bigint not null primary key,"
                        + " dirty boolean not null)");
            }

            @Override
            public Optional<MigrationVersion> current(Connection c, MigrationHistory history) throws SQLException {
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("select version, dirty from " + table(c) + " limit 1")) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    BigInteger version = rs.getBigDecimal(1).toBigInteger();
                    if (rs.getBoolean(2)) {
                        throw new RehearsalException("schema_migrations says version " + version + " is dirty: a"
                                + " migration failed part-way. golang-migrate stops here too (\"Dirty database version "
                                + version + ". Fix and force version.\").");
                    }
                    return versions.matching(history, version).or(() -> {
                        throw new RehearsalException("schema_migrations holds version " + version
                                + ", which no file of the history has");
                    });
                }
            }

            @Override
            public void failed(Connection c, Migration m) throws SQLException {
                set(c, new BigInteger(m.version().toString()), true);
            }

            @Override
            public void applied(Connection c, Migration m) throws SQLException {
                set(c, new BigInteger(m.version().toString()), false);
            }

            @Override
            public void failedReverting(Connection c, Migration m, Migration previous) throws SQLException {
                set(c, previous == null ? null : new BigInteger(previous.version().toString()), true);
            }

            /** {@code migrate force <version>}. */
            @Override
            public void forced(Connection c, Migration m) throws SQLException {
                set(c, new BigInteger(m.version().toString()), false);
            }

            @Override
            public void reverted(Connection c, Migration m, Migration previous) throws SQLException {
                set(c, previous == null ? null : new BigInteger(previous.version().toString()), false);
            }

            /**
             * As golang-migrate's SetVersion: empty the table, then insert unless there is no version left, in one
             * round trip ({@link #write}): the table holds one row, so a delete leaves what golang-migrate's truncate
             * leaves, and the values are numbers and booleans written as literals.
             */
            private void set(Connection c, BigInteger version, boolean dirty) throws SQLException {
                if (version == null) {
                    write(c, "delete from " + table(c));
                } else {
                    write(c, "delete from " + table(c), "insert into " + table(c) + " (version, dirty) values ("
                            + version.longValueExact() + ", " + dirty + ")");
                }
            }
        };
    }

    /** dbmate: one row per applied migration, {@code schema_migrations(version varchar(128) primary key)}. */
    public static VersionTable dbmate() {
        return new VersionTable() {
            @Override
            public String table() {
                return "schema_migrations";
            }

            @Override
            public void ensure(Connection c) throws SQLException {
                Tables.execute(c, "create table if not exists schema_migrations (version varchar(128) primary key)");
            }

            @Override
            public Optional<MigrationVersion> current(Connection c, MigrationHistory history) throws SQLException {
                return highest(c, "select version from schema_migrations", version -> version);
            }

            @Override
            public void applied(Connection c, Migration m) throws SQLException {
                writeVersion(c, "insert into schema_migrations (version) values (?)", m.version().toString());
            }

            @Override
            public void reverted(Connection c, Migration m, Migration previous) throws SQLException {
                writeVersion(c, "delete from schema_migrations where version = ?", m.version().toString());
            }
        };
    }

    /**
     * Prisma: {@code _prisma_migrations}, one row per applied migration with its SHA-256 checksum; a reverted one is
     * marked {@code rolled_back_at}, as {@code prisma migrate resolve --rolled-back} does, so deploy applies it again.
     */
    public static VersionTable prisma() {
        return new VersionTable() {
            @Override
            public String table() {
                return "_prisma_migrations";
            }

            @Override
            public void ensure(Connection c) throws SQLException {
                try (Statement st = c.createStatement()) {
                    // unquoted names and types both engines know, so the same DDL serves PostgreSQL and MariaDB
                    st.execute("create table if not exists _prisma_migrations (id varchar(36) primary key not null,"
                            + " checksum varchar(64) not null, finished_at timestamp(3) null, migration_name varchar(255)"
                            + " not null, logs text, rolled_back_at timestamp(3) null, started_at timestamp(3) not null"
                            + " default current_timestamp(3), applied_steps_count integer not null default 0)");
                }
            }

            @Override
            public Optional<MigrationVersion> current(Connection c, MigrationHistory history) throws SQLException {
                return highest(c, "select migration_name from _prisma_migrations where finished_at is not null"
                        + " and rolled_back_at is null", name -> name.substring(0, name.indexOf('_')));
            }

            @Override
            public void applied(Connection c, Migration m) throws SQLException {
                Tables.update(c, "insert into _prisma_migrations (id, checksum, finished_at, migration_name, started_at,"
                        + " applied_steps_count) values (?, ?, now(), ?, now(), 1)",
                        UUID.randomUUID().toString(), sha256(m.up().sql()), folder(m));
            }

            @Override
            public void reverted(Connection c, Migration m, Migration previous) throws SQLException {
                Tables.update(c, "update _prisma_migrations set rolled_back_at = now()"
                        + " where migration_name = ? and rolled_back_at is null", folder(m));
            }

            /** The migration's folder name ({@code 20230101000000_init}), as Prisma records it. */
            private String folder(Migration m) {
                String dir = m.up().name().substring(0, m.up().name().lastIndexOf('/'));
                return dir.substring(dir.lastIndexOf('/') + 1);
            }
        };
    }

    /**
     * Atlas: {@code atlas_schema_revisions}, a row per applied file with its {@code atlas.sum} hash and how many of
     * its statements ran, as {@code atlas migrate apply} writes it (in the schema the URL is bound to; Atlas puts it in
     * a schema of its own when the URL names none). A reverted file's row is deleted, as {@code atlas migrate down}
     * does.
     *
     * @param sums       each file's entry in {@code atlas.sum}
     * @param statements how many statements a file holds, as the engine's splitter cuts it
     */
    public static VersionTable atlas(Map<String, String> sums, ToIntFunction<Migration> statements) {
        return new VersionTable() {
            @Override
            public String table() {
                return "atlas_schema_revisions";
            }

            @Override
            public void ensure(Connection c) throws SQLException {
                // types both engines know; partial_hashes is JSON in Atlas's schema, text holds the same here
                Tables.execute(c, "create table if not exists atlas_schema_revisions (version varchar(255) not null"
                        + " primary key, description varchar(255) not null, type bigint not null default 2, applied"
                        + " bigint not null default 0, total bigint not null default 0, executed_at timestamp not null,"
                        + " execution_time bigint not null, error text null, error_stmt text null, hash varchar(255)"
                        + " not null, partial_hashes text null, operator_version varchar(255) not null)");
            }

            @Override
            public Optional<MigrationVersion> current(Connection c, MigrationHistory history) throws SQLException {
                return highest(c, "select version from atlas_schema_revisions where applied = total", v -> v);
            }

            @Override
            public void applied(Connection c, Migration m) throws SQLException {
                int total = statements.applyAsInt(m);
                Tables.update(c, "insert into atlas_schema_revisions (version, description, type, applied, total,"
                        + " executed_at, execution_time, hash, operator_version) values (?, ?, 2, ?, ?, now(), 0, ?, ?)",
                        m.version().toString(), m.description().replace(' ', '_'), total, total,
                        sums.getOrDefault(m.up().name(), ""), "Rehearsal");
            }

            @Override
            public void reverted(Connection c, Migration m, Migration previous) throws SQLException {
                Tables.update(c, "delete from atlas_schema_revisions where version = ?", m.version().toString());
            }
        };
    }

    /**
     * Drizzle: {@code __drizzle_migrations(id serial, hash text, created_at bigint)}, in the {@code drizzle} schema on
     * PostgreSQL and in the database itself on MySQL and MariaDB, as drizzle-orm's {@code migrate()} creates it; a row
     * per applied file with the SHA-256 of its text and its journal {@code when}. Drizzle reads only the newest
     * {@code created_at}; a reverted file's row is deleted (Drizzle has no down of its own).
     *
     * @param schema where the table lives, or null for the current database
     * @param when   each migration's journal time
     * @param hashes each migration's SHA-256, of the file's text as drizzle-orm reads it
     */
    public static VersionTable drizzle(String schema, Map<MigrationVersion, Long> when,
                                       Map<MigrationVersion, String> hashes) {
        String table = (schema == null ? "" : schema + ".") + "__drizzle_migrations";
        return new VersionTable() {
            @Override
            public String table() {
                return "__drizzle_migrations";
            }

            @Override
            public void ensure(Connection c) throws SQLException {
                if (schema != null) {
                    Tables.execute(c, "create schema if not exists " + schema);
                }
                Tables.execute(c, "create table if not exists " + table + " (id serial primary key, hash text not null,"
                        + " created_at bigint)");
            }

            @Override
            public Optional<MigrationVersion> current(Connection c, MigrationHistory history) throws SQLException {
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("select created_at from " + table + " order by created_at desc limit 1")) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long last = rs.getLong(1);
                    // as drizzle-orm decides what to run: every file whose when is after the newest row's
                    return history.versioned().stream().map(Migration::version)
                            .filter(v -> when.get(v) <= last).max(MigrationVersion::compareTo);
                }
            }

            @Override
            public void applied(Connection c, Migration m) throws SQLException {
                Tables.update(c, "insert into " + table + " (hash, created_at) values (?, ?)", hashes.get(m.version()),
                        when.get(m.version()));
            }

            @Override
            public void reverted(Connection c, Migration m, Migration previous) throws SQLException {
                Tables.update(c, "delete from " + table + " where created_at = ?", when.get(m.version()));
            }
        };
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The highest version among the rows {@code sql} returns, each turned into a version by {@code versionOf}. */
    private static Optional<MigrationVersion> highest(Connection c, String sql,
                                                      UnaryOperator<String> versionOf) throws SQLException {
        MigrationVersion highest = null;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                MigrationVersion v = MigrationVersion.parse(versionOf.apply(rs.getString(1)));
                if (highest == null || v.compareTo(highest) > 0) {
                    highest = v;
                }
            }
        }
        return Optional.ofNullable(highest);
    }
}
