package dev.rehearsal.samples.golangmigrate;

import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What MariaDB's DDL does to a busy table, measured while it runs: probe traffic reads and writes {@code accounts}
 * (50,000 rows) during each ALTER. Adding a column with {@code ALGORITHM=INSTANT} blocks nobody; changing a column's
 * type copies the table and writes wait until the copy ends. The waits are compared with each other, never with a
 * fixed time.
 */
@MigrationTest(migrations = "classpath:db/lock-examples", engines = Engine.MARIADB)
class MariaDbLockTest {

    private static void loadAccounts(Rehearsal rehearsal) throws SQLException {
        rehearsal.migrateTo("1");
        try (Connection c = rehearsal.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("insert into accounts (email, balance) select concat('user', seq, '@example.com'), seq % 1000"
                    + " from seq_1_to_50000");
        }
    }

    @Test
    void anInstantAddColumnBlocksNobody(Rehearsal rehearsal) throws SQLException {
        loadAccounts(rehearsal);
        MigrationRun run = rehearsal.migrateTo("2", Traffic.probes());
        assertThat(run.locks().statements()).anySatisfy(s -> assertThat(s.rewritten()).isEmpty());
        assertThat(run).hasNoRisk("table-rewrite").hasNoRisk("column-type-rewrite");
    }

    @Test
    void aTypeChangeCopiesTheTableWhileWritesWait(Rehearsal rehearsal) throws SQLException {
        loadAccounts(rehearsal);
        rehearsal.migrateTo("2");
        MigrationRun run = rehearsal.migrateTo("3", Traffic.probes());
        assertThat(run.locks().risks()).extracting(LockRisk::rule).contains("column-type-rewrite");
        Duration writes = run.locks().longestWait(ProbeResult.Kind.WRITE);
        assertThat(writes).as(run.locks().toText()).isGreaterThan(run.locks().longestWait(ProbeResult.Kind.READ));
        assertThatThrownBy(() -> assertThat(run).hasNoRisk("column-type-rewrite"))
                .hasMessageContaining("000003_widen_balance_unsafely.up.sql line 2")
                .hasMessageContaining("ALGORITHM=INSTANT or LOCK=NONE");
    }
}
