package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rehearsal keeps Flyway's history table exactly as Flyway would, so Flyway itself can continue from any state. */
class FlywayBehaviourTest {

    private static List<String> historyRows(MigrationRehearsal rehearsal) throws SQLException {
        try (Connection c = rehearsal.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select coalesce(version, 'R') || ':' || script || ':' || success"
                     + " from flyway_schema_history order by installed_rank")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }

    @Test
    void readsTheHistoryThroughFlywayAndPairsUndoScripts() {
        try (MigrationRehearsal rehearsal = Histories.rehearse("good")) {
            MigrationHistory history = rehearsal.history();
            assertThat(history.versioned()).extracting(m -> m.version().toString()).containsExactly("1", "2", "3", "4");
            assertThat(history.versioned()).allSatisfy(m -> assertThat(m.reversible()).isTrue());
            assertThat(history.versioned().get(2).down().name()).isEqualTo("U3__add_order_status.sql");
            assertThat(history.versioned().get(2).checksum()).isNotNull();
            assertThat(history.repeatable()).extracting(Migration::description).containsExactly("order summary");
        }
    }

    @Test
    void migratesUpAndDownKeepingFlywaysHistoryTable() throws SQLException {
        try (MigrationRehearsal rehearsal = Histories.rehearse("good")) {
            MigrationRun up = rehearsal.migrateTo("3");
            assertThat(up.direction()).isEqualTo(MigrationRun.Direction.UP);
            assertThat(up.migrations()).hasSize(3);
            assertThat(historyRows(rehearsal)).containsExactly(
                    "1:V1__create_customers.sql:true", "2:V2__create_orders.sql:true", "3:V3__add_order_status.sql:true");
            assertThat(rehearsal.schema().column("orders", "status")).isPresent();

            MigrationRun down = rehearsal.migrateDown();
            assertThat(down.migrations()).extracting(Migration::displayName).containsExactly("V3 add order status");
            assertThat(historyRows(rehearsal)).containsExactly("1:V1__create_customers.sql:true", "2:V2__create_orders.sql:true");
            assertThat(rehearsal.schema().column("orders", "status")).isEmpty();
            assertThat(rehearsal.schema().find(ObjectKind.TYPE, "order_status")).isEmpty();

            rehearsal.migrateUp();
            assertThat(rehearsal.currentVersion()).contains(MigrationVersion.parse("3"));

            rehearsal.migrateTo("4");
            assertThat(historyRows(rehearsal)).endsWith("4:V4__touch_trigger.sql:true");
            assertThat(rehearsal.schema().find(ObjectKind.VIEW, "order_summary"))
                    .as("repeatable migrations wait for \"latest\"").isEmpty();

            rehearsal.migrateTo("1");
            assertThat(rehearsal.schema().table("orders")).isEmpty();
            rehearsal.migrateTo("base");
            assertThat(rehearsal.schema().table("customers")).isEmpty();
            assertThat(rehearsal.currentVersion()).isEmpty();
        }
    }

    @Test
    void latestAppliesRepeatableMigrationsAfterTheVersionedOnes() throws SQLException {
        try (MigrationRehearsal rehearsal = Histories.rehearse("good")) {
            rehearsal.migrateTo("latest");
            assertThat(historyRows(rehearsal)).endsWith("4:V4__touch_trigger.sql:true", "R:R__order_summary.sql:true");
            assertThat(rehearsal.schema().find(ObjectKind.VIEW, "order_summary")).isPresent();
        }
    }

    @Test
    void flywayItselfContinuesFromTheStateRehearsalLeaves() {
        try (MigrationRehearsal rehearsal = Histories.rehearse("good")) {
            rehearsal.migrateTo("4");
            rehearsal.migrateTo("2");
            Flyway flyway = Flyway.configure()
                    .dataSource(rehearsal.dataSource())
                    .locations("classpath:histories/good")
                    .load();
            // U scripts make Flyway community refuse to validate naming, so leave that off as its default does
            assertThat(flyway.migrate().migrationsExecuted).isEqualTo(3);
            assertThat(rehearsal.currentVersion()).contains(MigrationVersion.parse("4"));
        }
    }

    @Test
    void replacesPlaceholdersInUndoScriptsAsFlywayDoesInMigrations() {
        try (MigrationRehearsal rehearsal = Histories.rehearse(Histories.settings("placeholders")
                .withPlaceholders(Map.of("prefix", "shop")))) {
            rehearsal.migrateTo("1");
            assertThat(rehearsal.schema().table("shop_items")).get()
                    .satisfies(t -> assertThat(t.fact(SchemaFact.COMMENT)).contains("owned by postgres"));
            rehearsal.migrateTo("base");
            assertThat(rehearsal.schema().table("shop_items")).isEmpty();
        }
    }

    /**
     * Flyway's own placeholders in ups Rehearsal applies itself and in undo scripts: the database's name is the one the
     * script runs on, also where a migration without an undo script is re-applied on a copy of the database.
     */
    @Test
    void flywaysOwnPlaceholdersNameTheDatabaseTheScriptRunsOn(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("V1__seen.sql"), "create table seen (script text, db text, schema_name text);");
        Files.writeString(dir.resolve("U1__seen.sql"), "drop table seen;");
        String record = "insert into seen values ('${flyway:filename}', '${flyway:database}', '${flyway:defaultSchema}');";
        Files.writeString(dir.resolve("V2__items.sql"), "create table items (id int); " + record);
        Files.writeString(dir.resolve("U2__items.sql"), "drop table items; " + record);
        // no undo script: rehearsed by rolling back the up's transaction and applying the up again
        Files.writeString(dir.resolve("V3__more.sql"), "create table more (id int); " + record);
        try (MigrationRehearsal rehearsal = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + dir),
                DatabaseProviders.embeddedPostgres(), getClass().getClassLoader())) {
            // the scripts' rows differ between runs by design (Rehearsal reports that): only the rows matter here
            RoundTripReport report = rehearsal.runRoundTrips();
            assertThat(report.steps()).hasSize(3);
            List<String> rows = new ArrayList<>();
            String database;
            try (Connection c = rehearsal.dataSource().getConnection(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("select current_database()")) {
                    rs.next();
                    database = rs.getString(1);
                }
                try (ResultSet rs = st.executeQuery("select script, db, schema_name from seen")) {
                    while (rs.next()) {
                        rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
                    }
                }
            }
            // every script ran on the rehearsal's one database: V3's restore rolled its first up back, row included
            assertThat(database).startsWith("rehearsal_");
            assertThat(rows).as(report.toText()).containsExactlyInAnyOrder("V2__items.sql " + database + " public",
                    "U2__items.sql " + database + " public", "V2__items.sql " + database + " public",
                    "V3__more.sql " + database + " public");
        }
    }

    @Test
    void runsFlywaySqlCallbacksWithPlaceholders() throws SQLException {
        try (MigrationRehearsal rehearsal = Histories.rehearse(Histories.settings("callbacks")
                .withPlaceholders(Map.of("event_name", "'after each'")))) {
            rehearsal.migrateTo("2");
            try (Connection c = rehearsal.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select count(*) from callback_log where event = 'after each'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
    }

    @Test
    void readsFilesystemLocations() {
        try (MigrationRehearsal rehearsal = Histories.rehearse(RehearsalSettings.of("filesystem:src/test/resources/histories/good"))) {
            assertThat(rehearsal.history().versioned()).hasSize(4);
            assertThat(rehearsal.history().versioned().get(0).up().location()).endsWith("V1__create_customers.sql");
            assertThat(rehearsal.runRoundTrips().failed()).isFalse();
        }
    }

    @Test
    void revertingAMigrationWithoutDownScriptIsRefusedBeforeAnythingRuns() {
        try (MigrationRehearsal rehearsal = Histories.rehearse("irreversible")) {
            rehearsal.migrateTo("3");
            assertThatThrownBy(() -> rehearsal.migrateTo("1"))
                    .hasMessageContaining("Cannot revert V3 drop legacy: it has no down script (expected U3__drop_legacy.sql");
            assertThat(rehearsal.currentVersion()).contains(MigrationVersion.parse("3"));
        }
    }
}
