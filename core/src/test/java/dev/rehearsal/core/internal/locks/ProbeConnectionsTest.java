package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.sql.DelegatingDataSource;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The probe sessions' pool on the embedded PostgreSQL: sessions opened ahead, several at once (a restored copy needs
 * all of its sessions anew), are set up as probes and handed out without opening more; a session that cannot be
 * opened fails the preparation and leaks nothing.
 */
class ProbeConnectionsTest {

    @Test
    void preparedSessionsAreProbeSessionsTakenWithoutOpeningMore() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             ProbeConnections pool = new ProbeConnections(db.dataSource(), db.dialect().locks(), 60_000)) {
            pool.prepare(4);
            assertThat(pool.openSessions()).isEqualTo(4);
            assertThat(probeSessionsOnServer(db)).isEqualTo(4);

            List<Connection> taken = new ArrayList<>();
            Set<Integer> backends = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                Connection c = pool.take();
                taken.add(c);
                backends.add(pool.backendOf(c));
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("show lock_timeout")) {
                    rs.next();
                    assertThat(rs.getString(1)).as("set up as a probe: it must feel every wait").isEqualTo("0");
                }
            }
            assertThat(backends).hasSize(4);
            assertThat(pool.openSessions()).as("taken from the prepared ones").isEqualTo(4);

            pool.prepare(2);
            assertThat(pool.openSessions()).as("none idle: two more opened").isEqualTo(6);
            taken.forEach(c -> pool.give(c, true));
            pool.prepare(3);
            assertThat(pool.openSessions()).as("enough idle: nothing opened").isEqualTo(6);
        }
    }

    @Test
    void aSessionThatCannotOpenFailsThePreparationAndTheOthersStayUsable() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            AtomicInteger asked = new AtomicInteger();
            DataSource failingSecond = new FailingOnce(db.dataSource(), asked, 2);
            try (ProbeConnections pool = new ProbeConnections(failingSecond, db.dialect().locks(), 60_000)) {
                assertThatThrownBy(() -> pool.prepare(3)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("too many clients (planted)");
                assertThat(pool.openSessions()).isEqualTo(2);
                Connection c = pool.take();
                assertThat(pool.openSessions()).as("one of the two opened").isEqualTo(2);
                pool.give(c, true);
            }
            assertThat(probeSessionsOnServerEventually(db)).as("closing the pool gave them back, reset: no probe session is left").isZero();
        }
    }

    private static int probeSessionsOnServer(EphemeralDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from pg_stat_activity where datname = current_database()"
                     + " and application_name = 'rehearsal-probe'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Sessions end a moment after their connections close. */
    private static int probeSessionsOnServerEventually(EphemeralDatabase db) throws SQLException {
        int n = probeSessionsOnServer(db);
        for (int i = 0; i < 100 && n > 0; i++) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            n = probeSessionsOnServer(db);
        }
        return n;
    }

    /** A data source whose {@code failAt}-th connection fails, as a server out of connections would. */
    private static final class FailingOnce extends DelegatingDataSource {
        private final DataSource target;
        private final AtomicInteger asked;
        private final int failAt;

        FailingOnce(DataSource target, AtomicInteger asked, int failAt) {
            this.target = target;
            this.asked = asked;
            this.failAt = failAt;
        }

        @Override
        protected DataSource target() {
            return target;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (asked.incrementAndGet() == failAt) {
                throw new SQLException("FATAL: sorry, too many clients (planted)", "53300");
            }
            return target.getConnection();
        }
    }
}
