package dev.rehearsal.core;

import dev.rehearsal.core.model.MigrationVersion;

import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.LockSettings;
import dev.rehearsal.core.locks.ProbeResult;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The probes' watcher: a probe never fails a migration, the collision is reported as a risk, and sessions that are
 * not probes are never cancelled.
 */
class ProbeWatcherTest {

    /**
     * V2 updates every row, then asks for ACCESS EXCLUSIVE in the same transaction. The writer probe waits for a row
     * the UPDATE locked, and its ROW EXCLUSIVE then blocks the ALTER: a wait cycle. Before the watcher, PostgreSQL's
     * deadlock check (run by the migration, whose wait started last) killed the migration with 40P01.
     */
    @Test
    void aProbeInADeadlockWithTheMigrationIsCancelledAndReportedAsARisk() {
        try (MigrationRehearsal r = LockTraceTest.loaded("locks-upgrade")) {
            int probeSessionsBefore = probeSessions(r);
            LockReport report = r.migrateTo("2").locks();
            // The writer and the locking reader both wait for rows the UPDATE locked. Whichever of them waited since
            // before the ALTER is in the cycle once the ALTER waits, and only the watcher can free the migration then:
            // each ran its deadlock check when it began to wait, when there was no cycle yet. A probe that begins to
            // wait after the ALTER may find the cycle itself first and lose it (probes run with a 20 ms
            // deadlock_timeout so that they, never the migration, lose one); which kind does is the machine's timing.
            List<ProbeResult> rowProbes = report.probes().stream()
                    .filter(p -> p.kind() != ProbeResult.Kind.READ && p.table().equals("accounts")).toList();
            assertThat(rowProbes).as(report.toText()).hasSize(2);
            assertThat(rowProbes.stream().mapToInt(ProbeResult::cancelled).sum()).as(report.toText()).isPositive();
            assertThat(rowProbes).filteredOn(p -> p.cancelled() > 0).allSatisfy(p ->
                    assertThat(p.toString()).contains("cancelled because the migration waited for"));
            assertThat(rowProbes).filteredOn(p -> p.failures() > 0).allSatisfy(p ->
                    assertThat(p.firstError()).as(report.toText()).contains("deadlock detected"));
            LockRisk risk = report.risks().stream().filter(x -> x.rule().equals("deadlock-with-writers")).findFirst()
                    .orElseThrow(() -> new AssertionError(report.toText()));
            assertThat(risk.statement()).startsWith("V2__lowercase_status_then_default.sql line 4: alter table accounts");
            assertThat(risk.table()).isEqualTo("accounts");
            assertThat(risk.reason())
                    .contains("an application writer updating a accounts row while this migration runs deadlocks with it")
                    .contains("line 3 (update accounts set status = lower(status))")
                    .contains("then line 4 asks for ACCESS EXCLUSIVE on accounts")
                    .contains("it happened in this rehearsal");
            assertThat(risk.alternative()).contains("separate transactions").contains("NOT VALID");
            assertThat(r.currentVersion()).hasValue(MigrationVersion.parse("2"));
            // a cancelled probe goes back to the pool: no session leaks, none is left in a transaction
            assertThat(probeSessions(r)).isLessThanOrEqualTo(Math.max(probeSessionsBefore, 4));
            assertThat(r.query("select count(*) from pg_stat_activity where application_name = 'rehearsal-probe'"
                    + " and state <> 'idle'").singleValue()).hasValue(0L);
        }
    }

    @Test
    void theLockUpgradeIsARiskFromTheTraceAloneWhenNoProbeCollides() {
        RehearsalSettings settings = RehearsalSettings.of("classpath:histories/locks-base,classpath:histories/locks-upgrade")
                .withLocks(LockSettings.DEFAULTS.withObservation(true, false));
        try (MigrationRehearsal r = Histories.rehearse(settings)) {
            r.migrateTo("1");
            execute(r, "insert into accounts (email, score, status, created_at) select 'u' || i || '@example.com', i,"
                    + " 'ACTIVE', now() from generate_series(1, 100) i");
            LockReport report = r.migrateTo("2").locks();
            assertThat(report.probes()).isEmpty();
            assertThat(report.risks()).filteredOn(x -> x.rule().equals("deadlock-with-writers")).singleElement()
                    .satisfies(x -> assertThat(x.reason()).contains("line 3").doesNotContain("it happened"));
        }
    }

    @Test
    void aTransactionThatOnlyReadsOrWritesAnotherTableBeforeTheAlterIsNoDeadlockRisk() {
        RehearsalSettings settings = RehearsalSettings.of("classpath:histories/locks-base,classpath:histories/locks-type-change")
                .withLocks(LockSettings.DEFAULTS.withObservation(true, false));
        try (MigrationRehearsal r = Histories.rehearse(settings)) {
            r.migrateTo("1");
            execute(r, "insert into accounts (email, score, status, created_at) select 'u' || i || '@example.com', i,"
                    + " 'active', now() from generate_series(1, 100) i");
            assertThat(r.migrateTo("2").locks().risks()).extracting(LockRisk::rule)
                    .doesNotContain("deadlock-with-writers", "deadlock-with-readers");
        }
    }

    /**
     * A deadlock with a session that is not a probe (here the test's own, standing for another migration session)
     * is the migration's own problem: the watcher leaves that session alone and the migration fails with the
     * server's full message, script and line.
     */
    @Test
    void aDeadlockWithASessionThatIsNotAProbeStillFailsTheMigrationWithTheFullMessage() throws Exception {
        RehearsalSettings settings = RehearsalSettings.of("classpath:histories/locks-base,classpath:histories/locks-upgrade");
        try (MigrationRehearsal r = Histories.rehearse(settings)) {
            r.migrateTo("1");
            execute(r, "insert into accounts (email, score, status, created_at) select 'u' || i || '@example.com', i,"
                    + " 'ACTIVE', now() from generate_series(1, 1000) i");
            try (Connection other = r.dataSource().getConnection(); Statement st = other.createStatement()) {
                st.execute("set application_name = 'other-migration-session'");
                st.execute("set deadlock_timeout = '30s'"); // the migration, not this session, runs the deadlock check
                other.setAutoCommit(false);
                st.execute("update accounts set score = score where id = 500"); // the migration's UPDATE waits here
                CompletableFuture<Void> lockTable = CompletableFuture.runAsync(() -> {
                    try (Statement s2 = other.createStatement()) {
                        waitUntilAMigrationSessionWaits(r);
                        s2.execute("lock table accounts in share mode"); // waits for the migration's ROW EXCLUSIVE
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                MigrationFailedException e = assertThrows(MigrationFailedException.class, () -> r.migrateTo("2"));
                assertThat(e.sqlState()).hasValue("40P01");
                assertThat(e.getMessage()).contains("V2__lowercase_status_then_default.sql, line 3")
                        .contains("deadlock detected").contains("update accounts set status = lower(status)");
                lockTable.get(30, TimeUnit.SECONDS); // never cancelled: it got its lock once the migration gave up
                other.rollback();
            }
            assertThat(r.currentVersion()).hasValue(MigrationVersion.parse("1"));
        }
    }

    private static void waitUntilAMigrationSessionWaits(MigrationRehearsal r) {
        for (int i = 0; i < 2_000; i++) {
            try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement();
                 var rs = st.executeQuery("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                         + " and query like '%update accounts set status = lower%' and application_name <> 'rehearsal-probe'")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
                Thread.sleep(5);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("the migration's UPDATE never waited for the row lock");
    }

    private static void execute(MigrationRehearsal r, String sql) {
        try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int probeSessions(MigrationRehearsal r) {
        return ((Number) r.query("select count(*) from pg_stat_activity where application_name = 'rehearsal-probe'")
                .singleValue().orElseThrow()).intValue();
    }
}
