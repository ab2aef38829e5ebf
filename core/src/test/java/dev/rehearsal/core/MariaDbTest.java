package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trips on the machine's MariaDB (127.0.0.1:3306, root), through the MariaDB dialect and server provider. */
class MariaDbTest {

    static final String URL = "jdbc:mariadb://127.0.0.1:3306/test";
    private static DatabaseProvider provider;

    @BeforeAll
    static void connect() {
        provider = DatabaseProviders.server(URL, "root", "");
    }

    @AfterAll
    static void close() {
        provider.close();
    }

    private static MigrationRehearsal rehearse(String history) {
        return MigrationRehearsal.start(Histories.settings(history), provider, MariaDbTest.class.getClassLoader());
    }

    @Test
    void golangMigrateHistoryRoundTripsOnMariaDb() throws Exception {
        String name;
        try (MigrationRehearsal r = rehearse("mariadb-golang")) {
            name = r.database().name();
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.database()).matches("MariaDB 1\\d\\.\\d+\\.\\d+ server at 127\\.0\\.0\\.1:3306");
            assertThat(r.query("select version, dirty from schema_migrations").rows()).containsExactly(List.of(3L, false));
            assertThat(r.schema().toText()).contains("trigger orders.orders_bi").contains("constraint orders.orders_user_fk")
                    .contains("index orders.PRIMARY").contains("type: decimal(10,2)").contains("comment: display name");
        }
        try (Connection c = DriverManager.getConnection(URL, "root", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from information_schema.schemata where schema_name = '" + name + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the throwaway database is dropped").isZero();
        }
    }

    @Test
    void aDownThatForgetsAnIndexIsCaught() {
        try (MigrationRehearsal r = rehearse("mariadb-forgets-index")) {
            PhaseResult down = r.runRoundTrips().steps().get(1).phase(Phase.DOWN).orElseThrow();
            assertThat(down.status()).isEqualTo(Status.FAILED);
            assertThat(down.message()).contains("+ index users_name_idx ON users USING BTREE (name)");
        }
    }

    @Test
    void aMigrationThatFailsHalfWayIsReportedAsPartial() {
        try (MigrationRehearsal r = rehearse("mariadb-partial")) {
            PhaseResult up = r.runRoundTrips().steps().get(1).phase(Phase.UP).orElseThrow();
            assertThat(up.status()).isEqualTo(Status.FAILED);
            assertThat(up.message())
                    .contains("000002_audit.up.sql, line 2").contains("no_such_table")
                    .contains("It failed half-way and left these changes behind (PARTIAL: MariaDB")
                    .contains("+ table audit");
        }
    }

    @Test
    void badServersAndPasswords() {
        assertThatThrownBy(() -> DatabaseProviders.server("jdbc:mariadb://127.0.0.1:1/test", "root", "s3cr3t-pw"))
                .hasMessageContaining("Cannot reach the MariaDB server at 127.0.0.1:1").hasMessageNotContaining("s3cr3t-pw");
        assertThatThrownBy(() -> DatabaseProviders.server(URL, "no_such_user", "s3cr3t-pw"))
                .hasMessageContaining("refused user no_such_user").hasMessageNotContaining("s3cr3t-pw");
    }
}
