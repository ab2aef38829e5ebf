package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.locks.ProbeResult;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Probes on the embedded PostgreSQL, run phase after phase as a history's round trips run them: each phase's probes
 * probe, and they run on the same threads (a thread per probe per phase cost about a millisecond per phase). A probe
 * stuck behind another session's lock when its phase ends is cancelled, and the next phase probes as before on the
 * same sessions and threads.
 */
class ProberTest {

    private static final List<Prober.Target> TARGETS =
            List.of(new Prober.Target("accounts", "status"), new Prober.Target("audit", null));

    @Test
    void phasesAfterTheFirstProbeOnTheSameThreads() throws Exception {
        try (EphemeralDatabase db = tables();
             ProbeConnections connections = new ProbeConnections(db.dataSource(), db.dialect().locks(), 60_000);
             ProbeThreads threads = new ProbeThreads()) {
            int sessions = Prober.sessions(TARGETS);
            assertThat(sessions).isEqualTo(5);
            for (int phase = 1; phase <= 4; phase++) {
                List<ProbeResult> results = probeFor(db, connections, threads, Duration.ofMillis(40));
                assertThat(results).as("phase %d", phase).hasSize(sessions)
                        .allSatisfy(r -> {
                            assertThat(r.probes()).as(r.table() + " " + r.kind()).isPositive();
                            assertThat(r.failures()).as(r.firstError()).isZero();
                        });
                assertThat(threadsNamed("rehearsal-probe-")).as("a probe that ended gives its thread its idle name back")
                        .isZero();
            }
            assertThat(threads.started()).as("threads started over four phases of five probes").isEqualTo(sessions);
            assertThat(connections.openSessions()).as("sessions kept, none leaked").isEqualTo(sessions);
            threads.close();
            assertThat(idleThreadsEventually()).as("idle probe threads after close").isZero();
        }
    }

    @Test
    void aProbeStuckBehindAnotherSessionsLockIsCancelledAndTheNextPhaseProbes() throws Exception {
        try (EphemeralDatabase db = tables();
             ProbeConnections connections = new ProbeConnections(db.dataSource(), db.dialect().locks(), 60_000);
             ProbeThreads threads = new ProbeThreads()) {
            List<ProbeResult> stuck;
            try (Connection holder = db.dataSource().getConnection(); Statement st = holder.createStatement()) {
                holder.setAutoCommit(false);
                st.execute("lock table accounts in access exclusive mode");
                stuck = probeFor(db, connections, threads, Duration.ofMillis(40));
                holder.rollback();
            }
            assertThat(stuck).filteredOn(r -> r.table().equals("accounts"))
                    .hasSize(3).allSatisfy(r -> assertThat(r.cancelled()).as(r.kind().label()).isEqualTo(1));
            assertThat(connections.openSessions()).as("the cancelled probes' sessions went back, rolled back").isEqualTo(5);

            List<ProbeResult> next = probeFor(db, connections, threads, Duration.ofMillis(40));
            assertThat(next).hasSize(5).allSatisfy(r -> {
                assertThat(r.probes()).isPositive();
                assertThat(r.failures()).as(r.firstError()).isZero();
                assertThat(r.cancelled()).isZero();
            });
            assertThat(threads.started()).as("the cancelled probes' threads were reused")
                    .isEqualTo(5);
        }
    }

    /**
     * Where Rehearsal holds the migration's transaction open for a restore by rollback, its locks outlast the
     * migration: a probe waiting on them when the migration ends is not cancelled as stuck behind someone else's
     * lock, but counts as a probe that got through when the migration ended, its wait ending there.
     */
    @Test
    void aProbeWaitingOnLocksHeldPastTheMigrationsEndWaitsUntilThatEnd() throws Exception {
        try (EphemeralDatabase db = tables();
             ProbeConnections connections = new ProbeConnections(db.dataSource(), db.dialect().locks(), 60_000);
             ProbeThreads threads = new ProbeThreads()) {
            List<ProbeResult> held;
            long origin = System.nanoTime();
            long stopped;
            try (Connection migration = db.dataSource().getConnection(); Statement st = migration.createStatement()) {
                migration.setAutoCommit(false);
                st.execute("lock table accounts in access exclusive mode");
                held = probeFor(db, connections, threads, Duration.ofMillis(40), true, origin);
                stopped = System.nanoTime() - origin;
                migration.rollback();
            }
            assertThat(held).filteredOn(r -> r.table().equals("accounts")).hasSize(3).allSatisfy(r -> {
                assertThat(r.cancelled()).as(r.kind().label() + ": not cancelled as stuck").isZero();
                assertThat(r.failures()).as(r.firstError()).isZero();
                assertThat(r.waits()).as(r.kind().label()).isNotEmpty().allSatisfy(w -> {
                    assertThat(w.outcome()).isEqualTo(ProbeResult.Outcome.COMPLETED);
                    assertThat(w.startedAt().plus(w.took()).toNanos()).as("the wait ends by the migration's end")
                            .isLessThanOrEqualTo(stopped);
                });
            });
            assertThat(connections.openSessions()).as("the stopped probes' sessions went back").isEqualTo(5);
            assertThat(probeFor(db, connections, threads, Duration.ofMillis(40))).allSatisfy(r -> {
                assertThat(r.probes()).isPositive();
                assertThat(r.cancelled()).isZero();
            });
        }
    }

    private static List<ProbeResult> probeFor(EphemeralDatabase db, ProbeConnections connections, ProbeThreads threads,
                                              Duration how) throws SQLException, InterruptedException {
        return probeFor(db, connections, threads, how, false, System.nanoTime());
    }

    private static List<ProbeResult> probeFor(EphemeralDatabase db, ProbeConnections connections, ProbeThreads threads,
                                              Duration how, boolean locksOutlast, long origin)
            throws SQLException, InterruptedException {
        connections.prepare(Prober.sessions(TARGETS));
        threads.reserve(Prober.sessions(TARGETS)); // as a phase reserves a thread for each of its sessions
        Prober prober = new Prober(db.dialect().locks(), connections, threads, TARGETS, Duration.ofMillis(5),
                Duration.ofMillis(6), origin);
        prober.start();
        // every probe under way first (a busy machine may not schedule a thread within the phase), then the phase
        for (int i = 0; i < 3000 && !prober.allBegan(); i++) {
            Thread.sleep(10);
        }
        assertThat(prober.allBegan()).as("every probe started within 30 s").isTrue();
        Thread.sleep(how.toMillis());
        return prober.stop(locksOutlast);
    }

    private static EphemeralDatabase tables() throws SQLException {
        EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("create table accounts (id int primary key, status text)");
            st.execute("insert into accounts select i, 'open' from generate_series(1, 100) i");
            st.execute("create table audit (id int primary key)");
            st.execute("insert into audit select generate_series(1, 100)");
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix) && !t.getName().equals(ProbeThreads.IDLE_NAME))
                .count();
    }

    /** Idle threads end a moment after the pool shuts down. */
    private static long idleThreadsEventually() throws InterruptedException {
        long n = idle();
        for (int i = 0; i < 100 && n > 0; i++) {
            Thread.sleep(20);
            n = idle();
        }
        return n;
    }

    private static long idle() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals(ProbeThreads.IDLE_NAME)).count();
    }
}
