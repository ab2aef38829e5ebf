package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.sql.Tables;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which recorded statements made Flyway's history table: only a run of DDL on that table, from its CREATE TABLE to the
 * commit of the same connection, is kept; anything else there, or a transaction rolled back, keeps nothing, so that
 * Flyway goes on making the table itself.
 */
class FlywayHistoryTablesTest {

    private static final String CREATE = "CREATE TABLE \"public\".\"history\" (\"installed_rank\" INT NOT NULL)";
    private static final String PK = "ALTER TABLE \"public\".\"history\" ADD CONSTRAINT \"history_pk\""
            + " PRIMARY KEY (\"installed_rank\")";

    /** Runs {@code statements} in one transaction through a recorder, committed or rolled back. */
    private static FlywayHistoryTables.Recorder recorded(EphemeralDatabase db, boolean commit, String... statements)
            throws SQLException {
        FlywayHistoryTables.Recorder recorder = new FlywayHistoryTables.Recorder(db.dataSource());
        try (Connection other = recorder.getConnection(); Connection c = recorder.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement(); Statement elsewhere = other.createStatement()) {
                st.execute("select 1"); // before the table's creation: not part of it
                for (String sql : statements) {
                    st.execute(sql);
                    elsewhere.execute("select 2"); // another connection's statements in between are not either
                }
            }
            if (commit) {
                c.commit();
            } else {
                c.rollback();
            }
        }
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("drop table if exists \"public\".\"history\""); // the next recording makes it again
        }
        return recorder;
    }

    @Test
    void keepsTheTablesDdlUpToItsCommit() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            assertThat(FlywayHistoryTables.creation(recorded(db, true, CREATE, PK), "history"))
                    .containsExactly(CREATE, PK);
        }
    }

    @Test
    void keepsNothingWhenAnotherStatementRanInTheSameTransactionOrItWasRolledBack() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            assertThat(FlywayHistoryTables.creation(recorded(db, true, CREATE,
                    "insert into \"public\".\"history\" values (1)", PK), "history")).isEmpty();
            assertThat(FlywayHistoryTables.creation(recorded(db, false, CREATE, PK), "history")).isEmpty();
            assertThat(FlywayHistoryTables.creation(recorded(db, true, CREATE, PK), "other_table")).isEmpty();
        }
    }

    @Test
    void aReplayTheServerRefusesLeavesNothingBehind() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection c = db.dataSource().getConnection()) {
            assertThat(FlywayHistoryTables.replay(c, List.of(CREATE, PK.replace("installed_rank", "no_such_column"))))
                    .isFalse();
            assertThat(Tables.exists(c, "public", "history")).as("the table the refused replay began").isFalse();
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(FlywayHistoryTables.replay(c, List.of(CREATE, PK))).isTrue();
            assertThat(Tables.exists(c, "public", "history")).isTrue();
        }
    }
}
