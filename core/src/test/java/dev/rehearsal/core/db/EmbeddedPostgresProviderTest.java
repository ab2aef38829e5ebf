package dev.rehearsal.core.db;

import dev.rehearsal.core.ChildJvm;
import dev.rehearsal.core.internal.lifecycle.Processes;
import dev.rehearsal.core.internal.postgres.EmbeddedPostgresProvider;
import dev.rehearsal.core.internal.sql.SessionsAhead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedPostgresProviderTest {

    private static void execute(EphemeralDatabase db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static boolean hasTable(EphemeralDatabase db, String table) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select to_regclass('" + table + "') is not null")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * A rehearsal's session runs DDL between almost every two of Rehearsal's catalog and lock queries; pgjdbc's
     * default ({@code flushCacheOnDdl}) would forget their server-side statements at each one and parse and plan
     * them again. A throwaway database's sessions keep them.
     */
    @Test
    void preparedStatementsOutliveTheSessionsOwnDdl() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection c = db.dataSource().getConnection()) {
            String query = "select relname from pg_class where oid = any(?::oid[]) /* kept */";
            for (int i = 0; i < 8; i++) {
                c.setAutoCommit(false); // as a migration's statements run
                try (Statement st = c.createStatement()) {
                    st.execute("create table kept_" + i + " (id int)");
                }
                try (PreparedStatement ps = c.prepareStatement(query)) {
                    ps.setArray(1, c.createArrayOf("int8", new Object[] {1259L}));
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                    }
                }
                c.commit();
                c.setAutoCommit(true);
            }
            // the driver prepares a statement on the server at its fifth run (prepareThreshold): the sixth to eighth
            // reuse it, unless the CREATE TABLE before each made the driver parse it again under a new name
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*),"
                    + " coalesce(max(generic_plans + custom_plans), 0) from pg_prepared_statements"
                    + " where statement like '%/* kept */%'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("server-side statements of the query").isEqualTo(1);
                assertThat(rs.getInt(2)).as("runs of that one statement after a CREATE TABLE each").isGreaterThanOrEqualTo(3);
            }
        }
    }

    @Test
    void throwawayDatabasesAreIsolatedTunedAndDroppedOnClose() throws SQLException {
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        try (EphemeralDatabase a = provider.createDatabase(); EphemeralDatabase b = provider.createDatabase()) {
            execute(a, "create table only_in_a (id int)");
            assertThat(hasTable(a, "only_in_a")).isTrue();
            assertThat(hasTable(b, "only_in_a")).isFalse();
            assertThat(a.jdbcUrl()).contains(a.name()).startsWith("jdbc:postgresql://localhost:");
            assertThat(a.dialect().name()).startsWith("PostgreSQL 18");
            try (Connection c = a.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select current_setting('fsync'), current_setting('synchronous_commit'),"
                         + " current_setting('full_page_writes')")) {
                rs.next();
                assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3))).containsOnly("off");
            }
            String name = a.name();
            a.close();
            assertThat(EmbeddedPostgresProvider.shared().throwawayDatabasesOnServer()).doesNotContain(name).contains(b.name());
        }
    }

    @Test
    void reusedConnectionsCarryNoSessionStateFromTheirLastUser() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            int pid;
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("create table t (id int)");
                st.execute("set lock_timeout = '1234ms'");
                st.execute("create temporary table scratch (id int)");
                try (ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
                    rs.next();
                    pid = rs.getInt(1);
                }
                c.setAutoCommit(false);
                st.execute("insert into t values (1)");
                // closed with the transaction open: it must be rolled back, not committed
            }
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select pg_backend_pid(), current_setting('lock_timeout'),"
                         + " to_regclass('pg_temp.scratch') is null, (select count(*) from t)")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the same backend is reused").isEqualTo(pid);
                assertThat(rs.getString(2)).isEqualTo("0");
                assertThat(rs.getBoolean(3)).as("temporary table discarded").isTrue();
                assertThat(rs.getInt(4)).as("open transaction rolled back").isZero();
                assertThat(c.getAutoCommit()).isTrue();
            }
            try (Connection c = db.dataSource().getConnection()) {
                c.setReadOnly(true);
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            }
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("set session characteristics as transaction isolation level repeatable read");
            }
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select current_setting('transaction_isolation'),"
                         + " current_setting('transaction_read_only'), pg_backend_pid()")) {
                rs.next();
                assertThat(rs.getString(3)).as("the same backend is reused").isEqualTo(String.valueOf(pid));
                assertThat(rs.getString(1)).as("isolation set through JDBC or SQL is reset").isEqualTo("read committed");
                assertThat(rs.getString(2)).isEqualTo("off");
                assertThat(c.isReadOnly()).isFalse();
            }
        }
    }

    /**
     * A transaction left open is rolled back before {@code close()} returns: the next phase's DDL must never queue
     * behind the locks of a session its user already closed (whatever else of the reset may one day run later).
     */
    @Test
    void aClosedConnectionsOpenTransactionReleasesItsLocksBeforeCloseReturns() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            execute(db, "create table t (id int)");
            try (Connection other = db.dataSource().getConnection()) {
                for (int i = 0; i < 20; i++) {
                    Connection c = db.dataSource().getConnection();
                    c.setAutoCommit(false);
                    try (Statement st = c.createStatement()) {
                        st.execute("lock table t in access exclusive mode");
                    }
                    c.close();
                    other.setAutoCommit(false);
                    try (Statement st = other.createStatement()) {
                        st.execute("lock table t in access exclusive mode nowait");
                    }
                    other.rollback();
                }
            }
        }
    }

    /**
     * The session state of a handed-back connection is discarded in the background: a connection whose backend died
     * meanwhile fails that discard and is not handed out again; the next user gets a new, working session. Closing the
     * database waits for discards still running, so the drop finds nobody connected.
     */
    @Test
    void aConnectionWhoseResetFailedIsNotHandedOutAgain() throws SQLException {
        EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
        try (db; Connection other = db.dataSource().getConnection(); Statement killer = other.createStatement()) {
            for (int i = 0; i < 3; i++) {
                Connection c = db.dataSource().getConnection();
                int pid;
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
                    rs.next();
                    pid = rs.getInt(1);
                }
                killer.execute("select pg_terminate_backend(" + pid + ", 5000)");
                c.close();
                try (Connection next = db.dataSource().getConnection(); Statement st = next.createStatement();
                     ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("a new session, not the dead one").isNotEqualTo(pid);
                }
            }
            for (int i = 0; i < 4; i++) {
                db.dataSource().getConnection().close();
            }
        }
        try (Connection c = DatabaseProviders.embeddedPostgres().createDatabase().dataSource().getConnection()) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    /**
     * Sessions opened ahead ({@code SessionsAhead}, as a rehearsal asks for its own, the tool's and the lock observer's
     * at once) are the ones handed out next: no backend starts when they are asked for.
     */
    @Test
    void sessionsOpenedAheadAreTheOnesHandedOut() throws Exception {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection watcher = db.dataSource().getConnection()) {
            int own;
            try (Statement st = watcher.createStatement(); ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
                rs.next();
                own = rs.getInt(1);
            }
            ((SessionsAhead) db.dataSource()).openAhead(3);
            Set<Integer> opened = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (opened.size() < 3 && System.nanoTime() < deadline) {
                opened.clear();
                try (Statement st = watcher.createStatement(); ResultSet rs = st.executeQuery("select pid from"
                        + " pg_stat_activity where datname = current_database() and pid <> " + own)) {
                    while (rs.next()) {
                        opened.add(rs.getInt(1));
                    }
                }
                Thread.sleep(10);
            }
            assertThat(opened).as("sessions opened in the background").hasSize(3);
            List<Connection> taken = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Connection c = db.dataSource().getConnection();
                    taken.add(c);
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("a session opened ahead").isIn(opened);
                    }
                }
            } finally {
                for (Connection c : taken) {
                    c.close();
                }
            }
        }
    }

    /**
     * A JVM that starts the shared server and exits without closing it, as a test run's JVM does; with the argument
     * {@code hook}, a shutdown hook of its own closes the server after some work of its own, as the command line's
     * Ctrl-C handler does after writing its partial reports.
     */
    public static final class ExitingJvm {
        public static void main(String[] args) {
            EmbeddedPostgresProvider shared = EmbeddedPostgresProvider.shared();
            shared.createDatabase();
            if (args.length > 0 && args[0].equals("hook")) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    EmbeddedPostgresProvider.closeShared();
                }));
            }
            System.out.println("DATA " + shared.dataDirectory());
            System.out.flush();
            System.exit(0);
        }
    }

    /**
     * Nothing of a server is left when its JVM exits normally: not the process, not the data directory, not the claim;
     * and stopping it at exit logs no error, whichever of the shutdown hooks (zonky's, Rehearsal's, the application's)
     * stops it.
     */
    @ParameterizedTest(name = "closed by a hook of the application''s own: {0}")
    @ValueSource(booleans = {false, true})
    void aJvmThatExitsWithoutClosingLeavesNoServerBehind(boolean closedByItsOwnHook) throws Exception {
        List<String> command = closedByItsOwnHook ? ChildJvm.command(ExitingJvm.class, "hook")
                : ChildJvm.command(ExitingJvm.class);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String data = output.lines().filter(l -> l.startsWith("DATA ")).findFirst().map(l -> l.substring(5))
                .orElseThrow(() -> new AssertionError("the child JVM never started its server:\n" + output));
        Path directory = Path.of(data);
        assertThat(directory).as(output).doesNotExist();
        assertThat(directory.resolveSibling(directory.getFileName() + ".owner")).doesNotExist();
        assertThat(output).doesNotContain("Could not stop postmaster").doesNotContain("[ERROR]").doesNotContain("\tat ");
        assertThat(child.exitValue()).as(output).isZero();
    }

    @Test
    void closingTheProviderDropsItsDatabasesAndStopsTheServer() {
        EmbeddedPostgresProvider provider = EmbeddedPostgresProvider.start(Map.of());
        EphemeralDatabase leftOpen = provider.createDatabase();
        OptionalLong pid = provider.serverPid();
        assertThat(pid).isPresent();
        assertThat(ProcessHandle.of(pid.getAsLong())).get().satisfies(p -> assertThat(p.isAlive()).isTrue());
        provider.close();
        // exited: a zombie its new parent (PID 1) has yet to reap has exited too
        assertThat(Processes.running(pid.getAsLong())).isFalse();
        assertThat(provider.dataDirectory()).as("the data directory goes with the server").doesNotExist();
        assertThatThrownBy(provider::createDatabase).hasMessageContaining("already stopped");
        leftOpen.close();
    }

    /**
     * A copy through the write-ahead log writes every page of its source there (PostgreSQL 15's default); a copy of
     * the files writes a few records, and forces checkpoints, which only a server that does not write through to disk
     * (fsync off, as the embedded one runs) makes cheap. The window measured holds the test's own table, a copy, and
     * the two clones made in the background to replace the two handed out.
     */
    @ParameterizedTest(name = "fsync={0}")
    @ValueSource(strings = {"off", "on"})
    void throwawayDatabasesAndTheirCopiesAreCopiedAsFilesWhereTheServerDoesNotSyncThem(String fsync)
            throws SQLException {
        EmbeddedPostgresProvider provider = EmbeddedPostgresProvider.start(Map.of("fsync", fsync));
        try (EphemeralDatabase first = provider.createDatabase()) {
            provider.flushDrops(); // the clones made ahead are ready: the background is quiet
            long templateBytes = single(first, "select pg_database_size('rehearsal_template')");
            long before = single(first, "select pg_current_wal_lsn() - '0/0'");
            execute(first, "create table t (id bigserial primary key, name text not null);"
                    + " insert into t (name) select 'row ' || i from generate_series(1, 1000) i");
            try (EphemeralDatabase copy = first.copy().orElseThrow();
                 EphemeralDatabase second = provider.createDatabase();
                 EphemeralDatabase third = provider.createDatabase()) {
                provider.flushDrops();
                assertThat(single(copy, "select count(*) from t")).isEqualTo(1000);
                long logged = single(third, "select pg_current_wal_lsn() - '0/0'") - before;
                assertThat(templateBytes).isGreaterThan(4_000_000);
                String what = String.format("bytes of write-ahead log for a copy and two clones of a %d-byte template,"
                        + " fsync %s", templateBytes, fsync);
                if (fsync.equals("off")) {
                    assertThat(logged).as(what).isLessThan(templateBytes / 4);
                } else {
                    assertThat(logged).as(what).isGreaterThan(templateBytes);
                }
                assertThat(second.name()).isNotEqualTo(third.name());
            }
        } finally {
            provider.close();
        }
    }

    private static long single(EphemeralDatabase db, String query) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A speed report, not a timed assertion: the machine is shared and noisy. */
    @Test
    void reportsColdStartAndCloneTimes() throws SQLException {
        EmbeddedPostgresProvider cold = EmbeddedPostgresProvider.start(Map.of());
        long startMillis = cold.startMillis();
        List<Double> clones = new ArrayList<>();
        try {
            for (int i = 0; i < 25; i++) {
                long t0 = System.nanoTime();
                EphemeralDatabase db = cold.createDatabase();
                clones.add((System.nanoTime() - t0) / 1e6);
                // a test's own work between two databases (a small migration)
                execute(db, "create table t (id bigserial primary key, name text not null); create index t_name on t (name)");
                db.close();
            }
        } finally {
            cold.close();
        }
        clones.sort(Double::compare);
        double median = clones.get(clones.size() / 2);
        System.out.printf("[rehearsal-speed] embedded PostgreSQL start: %d ms (target < 4000 ms);"
                + " throwaway database from template: median %.1f ms, max %.1f ms over %d (target median < 50 ms)%n",
                startMillis, median, clones.get(clones.size() - 1), clones.size());
        assertThat(clones).hasSize(25);
    }
}
