package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.sql.HistoryTableReads;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where Flyway would do nothing but run the scripts and record them, Rehearsal applies the ups itself after Flyway's
 * first migrate has made its history table (or, later in the JVM, the statements Flyway made it with). The rows
 * must be the ones Flyway writes, so that Flyway itself validates the database and can carry on from it; Flyway's
 * validation at the repeatable step catches a row that is not.
 */
class FlywayDirectUpsTest {

    /** Every column of Flyway's history table but the rank, the time and the duration, in rank order. */
    private static List<String> rows(MigrationRehearsal rehearsal) throws SQLException {
        try (Connection c = rehearsal.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select concat_ws('|', version, description, type, script, checksum,"
                     + " installed_by, success) from flyway_schema_history order by installed_rank")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }

    private static Flyway flywayOn(MigrationRehearsal rehearsal) {
        return Flyway.configure(FlywayDirectUpsTest.class.getClassLoader()).dataSource(rehearsal.dataSource())
                .locations("classpath:histories/good").cleanDisabled(true).load();
    }

    @Test
    void historyRowsWrittenWithoutFlywayAreTheOnesFlywayWritesAndFlywayValidatesThem() throws SQLException {
        List<String> byFlyway;
        try (MigrationRehearsal flyway = Histories.rehearse("good")) {
            flyway.migrateTo("latest"); // one migrate from an empty database: Flyway makes its table and every row
            byFlyway = rows(flyway);
        }
        try (MigrationRehearsal rehearsal = Histories.rehearse("good")) {
            rehearsal.migrateTo("1");    // Flyway: its first migrate creates the history table
            rehearsal.migrateTo("4");    // V2, V3, V4 applied directly
            rehearsal.migrateDown();
            rehearsal.migrateUp();       // V4 again, directly
            rehearsal.migrateTo("latest"); // the repeatable, by Flyway, which validates what was written
            assertThat(rows(rehearsal)).isEqualTo(byFlyway).hasSize(5);

            Flyway flyway = flywayOn(rehearsal);
            assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
            assertThat(flyway.info().all()).extracting(MigrationInfo::getState).containsOnly(MigrationState.SUCCESS);
            assertThat(flyway.migrate().migrationsExecuted).as("Flyway finds nothing left to do").isZero();
        }
    }

    /** Flyway's history table as the catalog describes it: columns, constraints, indexes and owner. */
    private static List<String> definition(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     select concat_ws('|', 'column', column_name, ordinal_position, data_type, character_maximum_length,
                            is_nullable, column_default)
                       from information_schema.columns where table_name = 'flyway_schema_history'
                     union all
                     select concat_ws('|', 'constraint', conname, pg_get_constraintdef(oid))
                       from pg_constraint where conrelid = 'flyway_schema_history'::regclass
                     union all
                     select concat_ws('|', 'index', indexdef) from pg_indexes where tablename = 'flyway_schema_history'
                     union all
                     select concat_ws('|', 'table', tableowner, schemaname, tablespace) from pg_tables
                      where tablename = 'flyway_schema_history'
                     order by 1""")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }

    /**
     * A rehearsal after the first in a JVM makes Flyway's history table with the statements Flyway made it with
     * before, not through Flyway's migrate: the table must be the one Flyway makes, and Flyway must take it as its own.
     */
    @Test
    void aHistoryTableMadeWithFlywaysKeptStatementsIsTheOneFlywayMakes() throws SQLException {
        try (MigrationRehearsal first = Histories.rehearse("good")) {
            first.migrateTo("1"); // Flyway makes its table here, unless an earlier test of this JVM saw it do so
        }
        List<String> byFlyway;
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            Flyway.configure(FlywayDirectUpsTest.class.getClassLoader()).dataSource(db.dataSource())
                    .locations("classpath:histories/good").cleanDisabled(true).load().migrate();
            byFlyway = definition(db.dataSource());
        }
        try (MigrationRehearsal rehearsal = Histories.rehearse("good")) {
            rehearsal.migrateTo("1");
            assertThat(definition(rehearsal.dataSource())).isEqualTo(byFlyway)
                    .anyMatch(d -> d.startsWith("index|CREATE INDEX flyway_schema_history_s_idx"))
                    .anyMatch(d -> d.startsWith("constraint|flyway_schema_history_pk|PRIMARY KEY"));
            assertThat(rows(rehearsal)).hasSize(1);
            Flyway flyway = Flyway.configure(FlywayDirectUpsTest.class.getClassLoader())
                    .dataSource(rehearsal.dataSource()).locations("classpath:histories/good")
                    .ignoreMigrationPatterns("*:pending").cleanDisabled(true).load();
            assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
            assertThat(flyway.info().applied()).extracting(i -> i.getVersion().getVersion()).containsExactly("1");
        }
    }

    /**
     * The versions Flyway recorded are read before every step (once or twice per phase): the read is prepared on the
     * server from its first run, so a session plans it once.
     */
    @Test
    void theVersionReadIsPlannedOncePerSession() throws SQLException {
        try (MigrationRehearsal rehearsal = Histories.rehearse("good")) {
            rehearsal.migrateTo("2");
            try (Connection c = rehearsal.dataSource().getConnection()) {
                assertThat(((HistoryTableReads) rehearsal.tool()).currentVersionOn(c))
                        .map(MigrationVersion::toString).contains("2");
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from"
                        + " pg_prepared_statements where statement like 'select version from %' and not from_sql")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("version reads prepared on the server after one read").isOne();
                }
            }
        }
    }

    @Test
    void aFailingScriptRecordsNothingAndNamesItsStatement() throws SQLException {
        try (MigrationRehearsal rehearsal = Histories.rehearse("good")) {
            rehearsal.migrateTo("1");
            try (Connection c = rehearsal.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("create table orders (id int)"); // V2 creates orders: it must fail now
            }
            assertThatThrownBy(() -> rehearsal.migrateTo("2"))
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("V2__create_orders.sql")
                    .hasMessageContaining("already exists");
            assertThat(rows(rehearsal)).hasSize(1);
            assertThat(rehearsal.currentVersion()).contains(MigrationVersion.parse("1"));
        }
    }

    @Test
    void flywaysValidationAtTheRepeatableStepCatchesAHistoryRowFlywayWouldNotHaveWritten() throws SQLException {
        try (MigrationRehearsal rehearsal = Histories.rehearse("good")) {
            rehearsal.migrateTo("1");
            rehearsal.migrateTo("4");
            try (Connection c = rehearsal.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("update flyway_schema_history set checksum = checksum + 1 where version = '3'");
            }
            assertThatThrownBy(() -> rehearsal.migrateTo("latest"))
                    .isInstanceOf(RehearsalException.class)
                    .hasMessageContaining("3")
                    .hasMessageContaining("checksum");
        }
    }
}
