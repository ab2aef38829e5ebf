package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rehearsal's lookups by oid run without sequential scans and without JIT (a plan without sequential scans costs more
 * than {@code jit_above_cost} up to PostgreSQL 17, and compiling it took ~290 ms a drain of the DDL log on the
 * machine's PostgreSQL 15 server), and neither setting outlives the statement: the same session also hashes whole
 * tables for data fingerprints, which must scan them.
 */
class ServerPreparedTest {

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"the embedded server", "the machine's PostgreSQL server"})
    void lookupsRunWithoutSequentialScansOrJitAndLeaveTheSessionAsItWas(String where) throws SQLException {
        try (DatabaseProvider provider = where.equals("the embedded server") ? DatabaseProviders.embeddedPostgres()
                : DatabaseProviders.server("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", null)) {
            EphemeralDatabase db;
            try {
                db = provider.createDatabase();
            } catch (RuntimeException e) {
                Assumptions.abort("no PostgreSQL server at 127.0.0.1:5432: " + e.getMessage());
                return;
            }
            try (db; Connection c = db.dataSource().getConnection()) {
                String seqScans = setting(c, "enable_seqscan");
                String jit = setting(c, "jit");
                try (PreparedStatement ps = ServerPrepared.lookups(c,
                        "select current_setting('enable_seqscan'), current_setting('jit'), ?::int");
                     ResultSet rs = bound(ps, 7)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as("sequential scans, within the lookup").isEqualTo("off");
                    assertThat(rs.getString(2)).as("JIT, within the lookup").isEqualTo("off");
                    assertThat(rs.getInt(3)).isEqualTo(7);
                }
                assertThat(setting(c, "enable_seqscan")).as("after the lookup").isEqualTo(seqScans).isEqualTo("on");
                assertThat(setting(c, "jit")).as("after the lookup").isEqualTo(jit);

                try (PreparedStatement ps = ServerPrepared.lookups(c, "select 1 / ?::int")) {
                    assertThatThrownBy(() -> bound(ps, 0)).hasMessageContaining("division by zero");
                }
                assertThat(setting(c, "enable_seqscan")).as("after a lookup that failed").isEqualTo("on");
                assertThat(setting(c, "jit")).as("after a lookup that failed").isEqualTo(jit);
            }
        }
    }

    private static ResultSet bound(PreparedStatement ps, int value) throws SQLException {
        ps.setInt(1, value);
        return ServerPrepared.rows(ps);
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("show " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
