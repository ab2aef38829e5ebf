package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.locks.StatementTrace;
import dev.rehearsal.core.locks.Traffic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metadata-lock tracing and probes on MariaDB: in the container (performance schema on, lock modes traced) and on
 * the machine's server (performance schema off: probes still measure waits). Assertions compare measurements of one
 * run with each other, never with fixed times.
 */
class MariaDbLocksTest {

    static final int ROWS = 100_000;

    @AfterAll
    static void stop() {
        DatabaseProviders.stopContainers();
    }

    static MigrationRehearsal loaded(DatabaseProvider provider) {
        return loaded(provider, ROWS);
    }

    static MigrationRehearsal loaded(DatabaseProvider provider, int rows) {
        MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("mariadb-locks"), provider,
                MariaDbLocksTest.class.getClassLoader());
        r.migrateTo("1");
        try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("insert into accounts (email, score) select concat('user', seq, '@example.com'), seq % 1000"
                    + " from seq_1_to_" + rows);
        } catch (SQLException e) {
            r.close();
            throw new AssertionError(e);
        }
        return r;
    }

    private static StatementTrace statement(LockReport report, String prefix) {
        return report.statements().stream().filter(s -> s.sql().trim().toUpperCase().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no statement " + prefix + " in\n" + report.toText()));
    }

    @Test
    void aCopyingAlterIsTracedAsARewriteThatBlocksWrites() {
        try (MigrationRehearsal r = loaded(DatabaseProviders.container(ContainerProviderTest.MARIADB_IMAGE))) {
            LockReport online = r.migrateTo("2").locks();
            StatementTrace add = statement(online, "ALTER TABLE");
            assertThat(add.rewritten()).as(online.toText()).isEmpty();
            assertThat(add.noLockTimeout()).isFalse();
            assertThat(online.risks()).as(online.toText()).extracting(LockRisk::rule)
                    .doesNotContain("table-rewrite", "no-lock-timeout", "writes-blocked");

            LockReport copy = r.migrateTo("3").locks();
            StatementTrace modify = statement(copy, "ALTER TABLE");
            assertThat(modify.script()).isEqualTo("000003_widen_balance.up.sql");
            assertThat(modify.rewritten()).as(copy.toText()).containsExactly("accounts");
            assertThat(copy.locks()).as(copy.toText())
                    .filteredOn(l -> l.statement() == modify.index() && l.relation().equals("accounts"))
                    .extracting(HeldLock::mode).anyMatch(LockMode::blocksWrites);
            assertThat(copy.risks()).extracting(LockRisk::rule).contains("column-type-rewrite", "no-lock-timeout");
            assertThat(copy.longestWait(ProbeResult.Kind.WRITE)).as(copy.toText())
                    .isGreaterThan(copy.longestWait(ProbeResult.Kind.READ));
        }
    }

    @Test
    void anAlterWithoutLockWaitTimeoutQueuesBehindALongTransactionAndReadersQueueBehindIt() {
        // The copying ALTER asks for its exclusive lock only at its end, once it has copied the table, so the long
        // transaction must outlast the start of the migration and the copy. With 100,000 rows and a 1.5 s transaction
        // that failed once on a loaded 2-core machine (three test JVMs): the copy held its lock 916 ms, the
        // transaction had ended by then, and nothing queued. 10,000 rows copy in a few milliseconds.
        try (MigrationRehearsal r = loaded(DatabaseProviders.container(ContainerProviderTest.MARIADB_IMAGE), 10_000)) {
            r.migrateTo("2");
            LockReport report = r.migrateTo("3", Traffic.probes().behindLongTransaction(Duration.ofMillis(2500))).locks();
            LockReport.LockQueue queue = report.queue().orElseThrow(() -> new AssertionError(report.toText()));
            assertThat(queue.gaveUp()).isFalse();
            assertThat(queue.lock().mode()).as(report.toText()).isEqualTo(LockMode.ACCESS_EXCLUSIVE);
            assertThat(queue.statement().script()).isEqualTo("000003_widen_balance.up.sql");
            assertThat(report.longestWait(ProbeResult.Kind.READ)).as(report.toText())
                    .isGreaterThan(queue.waited().dividedBy(2));
            assertThat(report.risks()).extracting(LockRisk::rule).contains("no-lock-timeout");
        }
    }

    @Test
    void withoutThePerformanceSchemaProbesStillMeasureWaits() {
        DatabaseProvider server = DatabaseProviders.server(MariaDbTest.URL, "root", "");
        try (MigrationRehearsal r = loaded(server)) {
            r.migrateTo("2");
            LockReport copy = r.migrateTo("3").locks();
            StatementTrace modify = statement(copy, "ALTER TABLE");
            assertThat(modify.rewritten()).as("rewrites come from InnoDB's table ids").containsExactly("accounts");
            assertThat(copy.locks()).as("lock modes need the performance schema").isEmpty();
            assertThat(copy.probes()).as(copy.toText()).isNotEmpty();
            assertThat(copy.longestWait(ProbeResult.Kind.WRITE)).as(copy.toText())
                    .isGreaterThan(copy.longestWait(ProbeResult.Kind.READ));
            assertThat(copy.risks()).extracting(LockRisk::rule).contains("column-type-rewrite");
        } finally {
            server.close();
        }
    }
}
