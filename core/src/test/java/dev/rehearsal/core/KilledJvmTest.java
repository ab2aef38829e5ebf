package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.lifecycle.EmbeddedServerReaper;
import dev.rehearsal.core.internal.lifecycle.ProcessOwner;
import dev.rehearsal.core.internal.lifecycle.Processes;
import dev.rehearsal.core.internal.mariadb.MariaDbServerProvider;
import dev.rehearsal.core.internal.postgres.EmbeddedPostgresProvider;
import dev.rehearsal.core.internal.postgres.PostgresServerProvider;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a test JVM mid-run (a cancelled CI job, the OOM killer, an IDE's stop button) leaves an embedded server
 * running and throwaway databases on named servers; the next run reaps exactly those, and nothing of a live run
 * or anything not marked as Rehearsal's.
 */
class KilledJvmTest {

    static final String PG = "jdbc:postgresql://127.0.0.1:5432/postgres";
    static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/test";

    /** The child JVM: starts what a run starts, says so, and waits to be killed. */
    public static void main(String[] args) throws Exception {
        EmbeddedPostgresProvider embedded = EmbeddedPostgresProvider.startWithInitdb(Map.of());
        EphemeralDatabase pg = PostgresServerProvider.connect(PG, "postgres", null).createDatabase();
        EphemeralDatabase maria = MariaDbServerProvider.connect(MARIADB, "root", "").createDatabase();
        System.out.println("READY " + embedded.serverPid().orElseThrow() + " " + pg.name() + " " + maria.name());
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(10));
    }

    /**
     * The embedded servers' folder is the temporary directory's: the child and this test get one of their own, so that
     * no other test JVM's start reaps the orphan first, and what is reaped and left here is exactly theirs. Both start
     * their servers with initdb, keeping no cluster: nothing goes on writing there in the background.
     */
    @Test
    void whatAKilledJvmLeftIsReapedByTheNextRunAndNothingElse() throws Exception {
        String tmpdir = System.getProperty("java.io.tmpdir");
        Path own = Files.createTempDirectory("killed-jvm");
        System.setProperty("java.io.tmpdir", own.toString());
        try {
            killedJvmIsReaped();
        } finally {
            EmbeddedServerReaper.reap(); // what a failed run left: the folder goes next, and with it the orphan's claim
            System.setProperty("java.io.tmpdir", tmpdir);
            try (Stream<Path> files = Files.walk(own)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private void killedJvmIsReaped() throws Exception {
        List<String> command = ChildJvm.command(KilledJvmTest.class);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String[] ready;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("the child JVM never got ready:\n" + seen).isNotNull();
            ready = line.split(" ");
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        long postmaster = Long.parseLong(ready[1]);
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("the orphan is really there").hasValue(true);

        // the embedded server: reaped, and a server of this (live) JVM is left alone
        EmbeddedPostgresProvider mine = EmbeddedPostgresProvider.startWithInitdb(Map.of()); // reaps first
        try {
            assertThat(Processes.running(postmaster)).isFalse();
            assertThat(EmbeddedServerReaper.reap()).isEmpty();
            assertThat(ProcessHandle.of(mine.serverPid().orElseThrow()).map(ProcessHandle::isAlive)).hasValue(true);
            try (var files = Files.list(EmbeddedServerReaper.root())) {
                assertThat(files.filter(f -> f.toString().endsWith(".owner")).count())
                        .as("the orphan's claim is gone, this server's stays").isEqualTo(1);
            }
        } finally {
            mine.close();
        }

        // the named servers: the orphan is dropped; a live run's database and an unmarked one are kept
        String alien = "rehearsal_not_ours_" + ProcessHandle.current().pid();
        String gone = "rehearsal_gone_owner_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(PG, "postgres", null); Statement st = c.createStatement()) {
            st.execute("create database " + alien);
            st.execute("create database " + gone);
            // a mark whose owner is on another host: this machine cannot tell, so it stays
            st.execute("comment on database " + gone + " is 'rehearsal throwaway database, safe to drop; "
                    + new ProcessOwner("another-host", 1, 1).mark() + "'");
        }
        try (DatabaseProvider live = PostgresServerProvider.connect(PG, "postgres", null);
             EphemeralDatabase livesOn = live.createDatabase();
             DatabaseProvider next = PostgresServerProvider.connect(PG, "postgres", null)) {
            assertThat(pgDatabases()).doesNotContain(ready[2]).contains(livesOn.name(), alien, gone);
        } finally {
            try (Connection c = DriverManager.getConnection(PG, "postgres", null); Statement st = c.createStatement()) {
                st.execute("drop database " + alien);
                st.execute("drop database " + gone);
            }
        }
        try (DatabaseProvider next = MariaDbServerProvider.connect(MARIADB, "root", "")) {
            assertThat(mariaDbDatabases()).doesNotContain(ready[3]);
        }
    }

    private static List<String> pgDatabases() throws Exception {
        try (Connection c = DriverManager.getConnection(PG, "postgres", null); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select datname from pg_database")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }

    private static List<String> mariaDbDatabases() throws Exception {
        try (Connection c = DriverManager.getConnection(MARIADB, "root", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select schema_name from information_schema.schemata")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }
}
