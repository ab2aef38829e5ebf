package dev.rehearsal.core;

import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.schema.ObjectKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a round trip costs in round trips, counted where they go: the speed of a long history is set by how many
 * times each phase waits for the server, so these counts are held down by tests (time itself is never asserted).
 */
class RoundTripCostTest {

    private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger statements = new AtomicInteger();
    private final AtomicInteger metadataLookups = new AtomicInteger();
    /** The SQL of the statements run, and of those prepared, in order. */
    private final List<String> sqlRun = Collections.synchronizedList(new ArrayList<>());

    /** The embedded server's databases, with the connections taken and the statements run on them counted. */
    private DatabaseProvider counting() {
        return new WrappedProvider(DatabaseProviders.embeddedPostgres(), pool -> proxy(DataSource.class, pool));
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, Object target) {
        return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            String name = method.getName();
            if (type == DataSource.class && name.equals("getConnection")) {
                connections.incrementAndGet();
            }
            if (type != DataSource.class && EXECUTES.contains(name)) {
                statements.incrementAndGet();
                if (args != null && args.length > 0 && args[0] instanceof String sql) {
                    sqlRun.add(sql);
                }
            }
            if (type == Connection.class && name.startsWith("prepare") && args[0] instanceof String sql) {
                sqlRun.add(sql);
            }
            if (type == Statement.class && name.equals("addBatch") && args[0] instanceof String sql) {
                sqlRun.add(sql);
            }
            if (type == Connection.class && name.equals("getMetaData")) {
                metadataLookups.incrementAndGet(); // a table listing runs queries of the driver's own
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof Connection c && type == DataSource.class) {
                return proxy(Connection.class, c);
            }
            if (result instanceof PreparedStatement ps && name.startsWith("prepare")) {
                return proxy(PreparedStatement.class, ps);
            }
            if (result instanceof Statement st && name.equals("createStatement")) {
                return proxy(Statement.class, st);
            }
            return result;
        });
    }

    /**
     * Each phase of a round trip (up, down, up again) takes one pooled connection, the migration tool's own session,
     * which is reset when handed back. The version checked before each step is read on Rehearsal's held session, not
     * on a pooled connection of its own (one more connection and one more reset per migration).
     */
    @Test
    void aRoundTripTakesOnePooledConnectionPerPhase(@TempDir Path dir) throws Exception {
        assertThat(threeMoreMigrations(dir, this::connectionsForRoundTrips))
                .as("pooled connections taken by three more migrations' round trips").isEqualTo(3 * 3);
    }

    /**
     * The version table's statements in a golang-migrate round trip: the check before each step reads it once, on the
     * held session; the ups do not read it again (the check, or the down that just wrote it, says where it stands),
     * and no phase that succeeds writes the dirty row golang-migrate writes before a script (it is written when one
     * fails). Each phase's write is the clean version, with the script's commit.
     */
    @Test
    void aGolangMigrateRoundTripReadsItsVersionOncePerStep(@TempDir Path dir) throws Exception {
        assertThat(threeMoreMigrations(dir, (d, n) -> versionTableSql(d, n, "select version, dirty from ")))
                .as("reads of schema_migrations by three more migrations' round trips").isEqualTo(3);
        assertThat(threeMoreMigrations(dir.resolve("dirty"), (d, n) -> versionTableSql(d, n, ", true)")))
                .as("dirty rows written by three more migrations' round trips").isZero();
        assertThat(threeMoreMigrations(dir.resolve("clean"), (d, n) -> versionTableSql(d, n, ", false)")))
                .as("clean rows written by three more migrations' round trips").isEqualTo(3 * 3);
    }

    /** Flyway's history table is read once per step as well: its ups apply the scripts without reading it again. */
    @Test
    void aFlywayRoundTripReadsItsHistoryOncePerStep(@TempDir Path dir) throws Exception {
        assertThat(threeMoreMigrations(dir, (d, n) -> {
            Files.createDirectories(d);
            for (int i = 1; i <= n; i++) {
                Files.writeString(d.resolve("V%d__step.sql".formatted(i)), "create table t%d (id bigint primary key);".formatted(i));
                Files.writeString(d.resolve("U%d__step.sql".formatted(i)), "drop table t%d;".formatted(i));
            }
            return sqlOfRoundTrips(RehearsalSettings.of("filesystem:" + d), n,
                    sql -> sql.startsWith("select version from") && sql.contains("flyway_schema_history"));
        })).as("reads of flyway_schema_history by three more migrations' round trips").isEqualTo(3);
    }

    private int versionTableSql(Path dir, int migrations, String fragment) throws Exception {
        writeSteps(dir, migrations);
        return sqlOfRoundTrips(RehearsalSettings.of("filesystem:" + dir).withFormat("golang-migrate"), migrations,
                sql -> sql.contains("schema_migrations") && sql.contains(fragment));
    }

    /** How many statements of a history's round trips {@code counted} picks out, tracing and probes off. */
    private int sqlOfRoundTrips(RehearsalSettings base, int migrations,
                                Predicate<String> counted) {
        RehearsalSettings settings = base.withLocks(base.locks().withObservation(false, false));
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, counting(), getClass().getClassLoader())) {
            sqlRun.clear();
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps()).hasSize(migrations);
            synchronized (sqlRun) {
                return (int) sqlRun.stream().filter(counted).count();
            }
        }
    }

    /**
     * Each test of a class starts a rehearsal of the same scripts: Flyway lists them once per JVM, not once per start,
     * and lists them again as soon as a script changes.
     */
    @Test
    void flywayListsTheSameScriptsOncePerJvmAndAgainWhenOneChanges(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("V1__customers.sql"), "create table customers (id bigint primary key);");
        Files.writeString(dir.resolve("U1__customers.sql"), "drop table customers;");
        Files.writeString(dir.resolve("V2__orders.sql"), "create table orders (id bigint primary key);");
        Files.writeString(dir.resolve("U2__orders.sql"), "drop table orders;");
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + dir);

        int first = statementsToStart(settings);
        Integer checksum = history(settings).versioned().get(1).checksum();
        int second = statementsToStart(settings);
        Files.writeString(dir.resolve("V2__orders.sql"), "create table orders (id bigint primary key, note text);");
        int changed = statementsToStart(settings);

        assertThat(second).as("statements to start again on the same scripts").isLessThan(first - 2);
        assertThat(changed).as("statements to start after a script changed").isEqualTo(first);
        assertThat(history(settings).versioned().get(1).checksum()).as("the changed script's checksum")
                .isNotEqualTo(checksum);
    }

    /**
     * The version checked before every step is one read of Flyway's history table once Flyway made it; whether the
     * table exists is asked only when the read fails (before the first migration).
     */
    @Test
    void flywaysVersionIsOneStatementOnceItsHistoryTableExists(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("V1__customers.sql"), "create table customers (id bigint primary key);");
        Files.writeString(dir.resolve("U1__customers.sql"), "drop table customers;");
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + dir);
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, counting(), getClass().getClassLoader())) {
            assertThat(r.currentVersion()).as("before Flyway made its history table").isEmpty();
            r.migrateTo("latest");
            statements.set(0);
            metadataLookups.set(0);
            assertThat(r.currentVersion()).map(MigrationVersion::toString).contains("1");
            assertThat(statements.get()).as("statements to read the version").isEqualTo(1);
            assertThat(metadataLookups.get()).as("table listings to read the version").isZero();
        }
    }

    /**
     * Flyway's first migrate makes its history table with about 45 statements of its own (its database, schema and
     * table checks, role resets, advisory locks) besides the three that make it. Once a rehearsal of this JVM has seen
     * which three, the next one runs just those, and applies the first migration itself as it applies every later one.
     */
    @Test
    void flywaysOwnStatementsMakeItsHistoryTableOncePerJvm(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("V1__customers.sql"), "create table customers (id bigint primary key);");
        Files.writeString(dir.resolve("U1__customers.sql"), "drop table customers;");
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + dir);
        List<List<String>> firstUps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (MigrationRehearsal r = MigrationRehearsal.start(settings, counting(), getClass().getClassLoader())) {
                sqlRun.clear();
                r.migrateTo("1");
                firstUps.add(List.copyOf(sqlRun));
                assertThat(r.currentVersion()).map(MigrationVersion::toString).contains("1");
            }
        }
        List<String> second = firstUps.get(1);
        assertThat(second).as("the second rehearsal's first up").noneMatch(sql -> sql.contains("pg_try_advisory")
                        || sql.startsWith("SET ROLE") || sql.contains("rds_superuser"))
                .filteredOn(sql -> sql.matches("(?s)(CREATE|ALTER) .*\"flyway_schema_history\".*"))
                .extracting(sql -> sql.lines().findFirst().orElse("").replaceFirst("\\s*\\($", ""))
                .as("Flyway's own statements for its table, once each, before the migration's own")
                .containsExactly("CREATE TABLE \"public\".\"flyway_schema_history\"",
                        "ALTER TABLE \"public\".\"flyway_schema_history\" ADD CONSTRAINT \"flyway_schema_history_pk\""
                                + " PRIMARY KEY (\"installed_rank\")",
                        "CREATE INDEX \"flyway_schema_history_s_idx\" ON \"public\".\"flyway_schema_history\" (\"success\")");
    }

    private int statementsToStart(RehearsalSettings settings) {
        statements.set(0);
        try (MigrationRehearsal ignored = MigrationRehearsal.start(settings, counting(), getClass().getClassLoader())) {
            return statements.get();
        }
    }

    private MigrationHistory history(RehearsalSettings settings) {
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, counting(), getClass().getClassLoader())) {
            return r.history();
        }
    }

    /** Pooled connections of a history's round trips, counted over a folder written with that many migrations. */
    @FunctionalInterface
    private interface ConnectionCount {
        int of(Path dir, int migrations) throws Exception;
    }

    /** What three more migrations cost: 6 against 3, in two folders under {@code dir}. */
    private static int threeMoreMigrations(Path dir, ConnectionCount count) throws Exception {
        int shorter = count.of(dir.resolve("short"), 3);
        return count.of(dir.resolve("long"), 6) - shorter;
    }

    /** golang-migrate steps that each create a table with an index, and drop it. */
    private static void writeSteps(Path dir, int migrations) throws IOException {
        Files.createDirectories(dir);
        for (int i = 1; i <= migrations; i++) {
            Files.writeString(dir.resolve("%04d_step_%d.up.sql".formatted(i, i)), """
                    create table t%1$d (id bigint primary key, name text default 'n%1$d');
                    create index t%1$d_name on t%1$d (name);
                    """.formatted(i));
            Files.writeString(dir.resolve("%04d_step_%d.down.sql".formatted(i, i)), "drop table t%d;".formatted(i));
        }
    }

    private int connectionsForRoundTrips(Path dir, int migrations) throws Exception {
        writeSteps(dir, migrations);
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + dir).withFormat("golang-migrate");
        settings = settings.withLocks(settings.locks().withObservation(false, false));
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, counting(), getClass().getClassLoader())) {
            int before = connections.get();
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.toText()).contains(String.format("%04d_step_%d", migrations, migrations));
            return connections.get() - before;
        } finally {
            connections.set(0);
        }
    }

    /**
     * Seeded round trips top every table up before each step. While the last fingerprint counted enough rows in each
     * and nothing has been written since, that costs no pooled connection and no count: here only the first steps
     * seed (the table's creation, and its re-creation by the up again), and every later step finds it full.
     */
    @Test
    void aSeededStepFindsItsTablesFullWithoutAPooledConnection(@TempDir Path dir) throws Exception {
        assertThat(threeMoreMigrations(dir, this::connectionsForSeededRoundTrips))
                .as("pooled connections taken by three more seeded migrations' round trips").isEqualTo(3 * 3);
    }

    private int connectionsForSeededRoundTrips(Path dir, int migrations) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("0001_items.up.sql"), "create table items (id bigint primary key, name text);");
        Files.writeString(dir.resolve("0001_items.down.sql"), "drop table items;");
        for (int i = 2; i <= migrations; i++) {
            Files.writeString(dir.resolve("%04d_index_%d.up.sql".formatted(i, i)),
                    "create index items_%d on items (name, id);".formatted(i));
            Files.writeString(dir.resolve("%04d_index_%d.down.sql".formatted(i, i)), "drop index items_%d;".formatted(i));
        }
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + dir).withFormat("golang-migrate")
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(20));
        settings = settings.withLocks(settings.locks().withObservation(false, false));
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, counting(), getClass().getClassLoader())) {
            int before = connections.get();
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps().get(1).note()).as("the up again re-created the table empty")
                    .contains("seeded 20 rows before the up");
            assertThat(report.steps().get(migrations - 1).note()).doesNotContain("seeded");
            return connections.get() - before;
        } finally {
            connections.set(0);
        }
    }

    /** Rows a migration deleted are seeded again before the next step: the skip above never hides a short table. */
    @Test
    void rowsAStepDeletedAreSeededAgainBeforeTheNext(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("0001_items.up.sql"), "create table items (id bigint primary key, name text);");
        Files.writeString(dir.resolve("0001_items.down.sql"), "drop table items;");
        Files.writeString(dir.resolve("0002_index.up.sql"), "create index items_name on items (name);");
        Files.writeString(dir.resolve("0002_index.down.sql"), "drop index items_name;");
        Files.writeString(dir.resolve("0003_purge.up.sql"), "delete from items where id % 2 = 0;");
        Files.writeString(dir.resolve("0003_purge.down.sql"), "select 1;");
        Files.writeString(dir.resolve("0004_comment.up.sql"), "comment on table items is 'kept';");
        Files.writeString(dir.resolve("0004_comment.down.sql"), "comment on table items is null;");
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + dir).withFormat("golang-migrate")
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(20).declareLossy("3"));
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, counting(), getClass().getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps().get(2).note()).doesNotContain("seeded");
            assertThat(report.steps().get(3).note()).contains("seeded 10 rows before the up");
        }
    }

    /**
     * A schema read after DDL drains the event triggers' log and finds the scopes it touched in one statement, then
     * reads those scopes' catalog rows in one more.
     */
    @Test
    void aPatchedSchemaReadIsTwoStatements(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("0001_orders.up.sql"), "create table orders (id bigint primary key);");
        Files.writeString(dir.resolve("0001_orders.down.sql"), "drop table orders;");
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + dir).withFormat("golang-migrate");
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, counting(), getClass().getClassLoader())) {
            r.migrateTo("latest");
            r.currentSchema();
            try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("alter table orders add column status text not null default 'new'");
                st.execute("create index orders_status on orders (status)");
            }
            int before = statements.get();
            var read = r.currentSchema();
            assertThat(statements.get() - before).as("statements of one patched schema read").isEqualTo(2);
            assertThat(read.toText()).isEqualTo(r.schema().toText()).contains("orders_status");
            assertThat(read.find(ObjectKind.COLUMN, "orders.status")).isPresent();
        }
    }
}
