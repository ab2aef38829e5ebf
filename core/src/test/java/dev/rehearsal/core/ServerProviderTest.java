package dev.rehearsal.core;

import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.lifecycle.ProcessOwner;
import dev.rehearsal.core.internal.postgres.PostgresServerProvider;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Throwaway databases on the machine's own PostgreSQL server (127.0.0.1:5432, started by .ci/setup.sh), as a CI
 * pipeline with a database service would use them.
 */
class ServerProviderTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    /** Runs statements as the server's superuser: roles for the tests that need an account that is not one. */
    private static void asSuperuser(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private static List<String> query(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    @Test
    void roundTripsOnAThrowawayDatabaseThatIsMarkedAndDroppedAndLeavesTheNamedDatabaseAlone() throws Exception {
        // the server is shared with other rehearsals: look only at what this history makes
        String historysTables = "select relname from pg_class where relnamespace = 'public'::regnamespace"
                + " and relname in ('customers', 'orders', 'order_summary', 'flyway_schema_history')";
        List<String> tablesBefore = query(historysTables);
        String name;
        try (DatabaseProvider provider = DatabaseProviders.postgresServer(URL, "postgres", null)) {
            assertThat(provider.describe()).matches("PostgreSQL 1\\d\\.\\d+ server at 127\\.0\\.0\\.1:5432");
            try (MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("good"), provider,
                    getClass().getClassLoader())) {
                name = r.database().name();
                assertThat(name).startsWith("rehearsal_");
                assertThat(query("select shobj_description(oid, 'pg_database') from pg_database where datname = '" + name + "'"))
                        .containsExactly("rehearsal throwaway database, safe to drop; "
                                + ProcessOwner.current().mark());
                RoundTripReport report = r.runRoundTrips();
                assertThat(report.failed()).as(report.toText()).isFalse();
                assertThat(report.database()).startsWith("PostgreSQL 1");
                assertThat(r.database().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/" + name);
            }
            assertThat(query("select datname from pg_database where datname = '" + name + "'")).isEmpty();
        }
        assertThat(query(historysTables)).as("the named database is left alone").isEqualTo(tablesBefore);
    }

    /**
     * A throwaway database needs no durability: its sessions, and its copies' sessions, do not wait at each commit for
     * the server's disk (synchronous_commit off), which the database's owner may set without being a superuser.
     */
    @Test
    void throwawayDatabasesAndTheirCopiesDoNotWaitForCommitsOnDisk() throws Exception {
        asSuperuser("drop role if exists rehearsal_createdb_only_commits",
                "create role rehearsal_createdb_only_commits login createdb");
        try (DatabaseProvider provider = DatabaseProviders.postgresServer(URL, "rehearsal_createdb_only_commits", null);
             EphemeralDatabase db = provider.createDatabase();
             EphemeralDatabase copy = db.copy().orElseThrow()) {
            for (EphemeralDatabase each : List.of(db, copy)) {
                try (Connection c = each.dataSource().getConnection(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("show synchronous_commit")) {
                    rs.next();
                    assertThat(rs.getString(1)).as(each.name()).isEqualTo("off");
                }
            }
            assertThat(query("select count(*) from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase"
                    + " where d.datname = 'postgres'")).as("the named database is left alone").containsExactly("0");
        } finally {
            asSuperuser("drop role if exists rehearsal_createdb_only_commits");
        }
    }

    /**
     * Migrations without a down script are rehearsed on copies of the throwaway database (CREATE DATABASE ... TEMPLATE
     * by the account that owns it); the copies carry Rehearsal's mark and none outlives the provider. The account here
     * may create databases but is no superuser, so reads are full ones: the restore does not depend on the DDL log.
     */
    @Test
    void migrationsWithoutDownScriptsAreRestoredFromCopiesThatAreDroppedAfterwards() throws Exception {
        asSuperuser("drop role if exists rehearsal_createdb_only", "create role rehearsal_createdb_only login createdb");
        // other rehearsals may use the server meanwhile: only the databases this JVM marked as its own are counted
        String ours = "select datname from pg_database where datname like 'rehearsal\\_%'"
                + " and shobj_description(oid, 'pg_database') like '%"
                + ProcessOwner.current().mark().replace("'", "''") + "%'";
        try (DatabaseProvider provider = DatabaseProviders.postgresServer(URL, "rehearsal_createdb_only", null)) {
            for (String history : List.of("no-undo", "irreversible")) {
                try (MigrationRehearsal r = MigrationRehearsal.start(Histories.settings(history)
                        .withData(DataSettings.DEFAULTS.withRoundTripSeeding(20)), provider,
                        getClass().getClassLoader())) {
                    RoundTripReport report = r.runRoundTrips();
                    if (history.equals("no-undo")) {
                        assertThat(report.steps().get(1).phase(PhaseResult.Phase.RESTORE).orElseThrow().status())
                                .as(report.toText()).isEqualTo(PhaseResult.Status.PASSED);
                        assertThat(report.steps().get(2).phase(PhaseResult.Phase.RESTORE).orElseThrow().message())
                                .contains("V3 normalize names is not atomic");
                    } else {
                        assertThat(report.failed()).as(report.toText()).isFalse();
                        assertThat(report.steps().get(2).phase(PhaseResult.Phase.RESTORE).orElseThrow().status())
                                .isEqualTo(PhaseResult.Status.PASSED);
                    }
                }
            }
        } finally {
            asSuperuser("drop role if exists rehearsal_createdb_only");
        }
        // a step that kept a copy but never restored it: the copy goes when the rehearsal closes
        try (DatabaseProvider provider = DatabaseProviders.postgresServer(URL, "postgres", null)) {
            var server = (PostgresServerProvider) provider;
            try (MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("no-undo"), provider,
                    getClass().getClassLoader())) {
                List<RoundTripStep> steps = r.roundTripSteps();
                steps.get(0).up();
                assertThat(server.liveDatabases()).hasSize(2);
            }
            assertThat(server.liveDatabases()).isEmpty();
        }
        assertThat(query(ours)).as("no copy this JVM made outlives its provider").isEmpty();
    }

    /**
     * A restore does not wait for the database it replaced to be dropped (a DROP DATABASE waits for a checkpoint of the
     * whole server): that drop runs beside the next phases, and the rehearsal's close waits for it. Here a transaction
     * holds a lock on the replaced database, which a DROP DATABASE of it must wait for: a restore that dropped it on
     * its way would not return while the transaction lasts, and a close that did not wait for the drop would.
     */
    @Test
    void aRestoreGoesOnWhileTheDatabaseItReplacedIsDroppedAndTheCloseWaitsForTheDrop() throws Exception {
        try (DatabaseProvider provider = DatabaseProviders.postgresServer(URL, "postgres", null)) {
            MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("no-undo"), provider,
                    getClass().getClassLoader());
            String replaced = r.database().name();
            CompletableFuture<Void> closing = null;
            try (Connection blocker = DriverManager.getConnection(URL, "postgres", "");
                 Statement st = blocker.createStatement()) {
                List<RoundTripStep> steps = r.roundTripSteps();
                steps.get(0).up(); // keeps a copy of the database before it, which the restore brings back
                assertThat(((PostgresServerProvider) provider).liveDatabases()).hasSize(2);
                blocker.setAutoCommit(false);
                st.execute("comment on database " + replaced + " is 'held by a test'"); // rolled back: the mark stays
                assertThat(CompletableFuture.runAsync(() -> steps.get(0).restore()))
                        .as("the restore, with the replaced database's drop waiting").succeedsWithin(Duration.ofMinutes(2));
                assertThat(r.database().name()).as("the copy is the database now").isNotEqualTo(replaced);
                steps.get(0).upAgain();
                assertThat(steps.get(0).result().failedPhases()).as(steps.get(0).result().toString()).isEmpty();
                assertThat(query("select datname from pg_database where datname = '" + replaced + "'"))
                        .as("its drop waits for the transaction").containsExactly(replaced);
                closing = CompletableFuture.runAsync(r::close);
                PostgresServerProvider server = (PostgresServerProvider) provider;
                for (int i = 0; i < 1200 && !server.liveDatabases().equals(Set.of(replaced)); i++) {
                    Thread.sleep(100); // until every other drop has ended: the copy's, the database now
                }
                assertThat(server.liveDatabases()).as("only the blocked drop left").containsExactly(replaced);
                assertThat(closing).as("the close, while the drop waits").isNotDone();
                blocker.rollback();
            } finally {
                if (closing == null) {
                    r.close();
                }
            }
            assertThat(closing).as("the close, once the drop can run").succeedsWithin(Duration.ofMinutes(2));
            assertThat(query("select datname from pg_database where datname = '" + replaced + "'"))
                    .as("dropped before the rehearsal's close returned").isEmpty();
        }
    }

    /**
     * An account that may create databases but not event triggers, as a CI database service often gives: the round
     * trips pass with full schema reads, and the report says once why they are full ones.
     */
    @Test
    void anAccountWithoutEventTriggersGetsFullSchemaReadsAndIsToldWhy() throws Exception {
        asSuperuser("drop role if exists rehearsal_createdb_only", "create role rehearsal_createdb_only login createdb");
        try (DatabaseProvider provider = DatabaseProviders.postgresServer(URL, "rehearsal_createdb_only", null);
             MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("good"), provider,
                     getClass().getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps().get(0).note()).contains("every schema read is a full one")
                    .contains("may not create event triggers");
            assertThat(report.steps().stream().skip(1).map(StepResult::note))
                    .noneMatch(n -> n.contains("full one"));
        } finally {
            asSuperuser("drop role if exists rehearsal_createdb_only");
        }
    }

    @Test
    void aDatabaseItDidNotCreateIsNeverDropped() throws Exception {
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("drop database if exists rehearsal_not_ours");
            st.execute("create database rehearsal_not_ours");
        }
        try (DatabaseProvider provider = DatabaseProviders.postgresServer(URL, "postgres", null)) {
            EphemeralDatabase db = provider.createDatabase();
            // someone strips the mark: the database no longer proves it is Rehearsal's, so it is left alone
            try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement st = c.createStatement()) {
                st.execute("comment on database " + db.name() + " is 'production copy'");
            }
            db.close();
            assertThat(query("select datname from pg_database where datname = '" + db.name() + "'")).containsExactly(db.name());
            try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement st = c.createStatement()) {
                st.execute("drop database " + db.name());
            }
        }
        assertThat(query("select datname from pg_database where datname = 'rehearsal_not_ours'")).containsExactly("rehearsal_not_ours");
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("drop database rehearsal_not_ours");
        }
    }

    @Test
    void badServersGetOneClearMessageAndNoPassword() {
        assertThatThrownBy(() -> DatabaseProviders.postgresServer("jdbc:postgresql://127.0.0.1:1/postgres", "postgres", "s3cr3t-pw"))
                .hasMessageContaining("Cannot reach the PostgreSQL server at 127.0.0.1:1 named by rehearsal.jdbc.url")
                .hasMessageNotContaining("s3cr3t-pw");
        assertThatThrownBy(() -> DatabaseProviders.postgresServer(URL, "no_such_role", "s3cr3t-pw"))
                .hasMessageContaining("The PostgreSQL server at 127.0.0.1:5432 refused user no_such_role")
                .hasMessageContaining("rehearsal.jdbc.user and rehearsal.jdbc.password")
                .hasMessageNotContaining("s3cr3t-pw");
        assertThatThrownBy(() -> DatabaseProviders.postgresServer(
                "jdbc:postgresql://127.0.0.1:1/postgres?user=x&password=s3cr3t-pw", null, null))
                .hasMessageContaining("password=***").hasMessageNotContaining("s3cr3t-pw");
        assertThatThrownBy(() -> DatabaseProviders.postgresServer("jdbc:mariadb://127.0.0.1:3306/test", "root", null))
                .hasMessageContaining("names a MariaDB/MySQL server");
        assertThatThrownBy(() -> DatabaseProviders.postgresServer("postgres://127.0.0.1/x", "root", null))
                .hasMessageContaining("is not a PostgreSQL JDBC URL");
    }
}
