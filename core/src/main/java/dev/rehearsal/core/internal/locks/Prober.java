package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.EngineLocks;
import dev.rehearsal.core.locks.ProbeResult;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;

/**
 * Plays an application against the tables a migration touches, while it runs: per table a reader, a writer (its
 * transaction rolled back) and a locking reader, each in a loop on its own connection, each probe timed. What they
 * wait is the lock wait users would feel. Probe sessions set no lock timeout (they must feel the wait) and a
 * statement timeout as a safety net. A probe must never fail the migration: the lock tracer's watcher cancels any
 * probe found in the migration's way ({@link #cancel}), and such a probe counts as cancelled, not failed.
 * Connections come from {@link ProbeConnections} and go back to it; the probes run on {@link ProbeThreads}, kept
 * between phases.
 */
final class Prober implements TrafficSessions {

    /** One table to probe, and the column its writer sets to itself (null: no writer). */
    /**
     * One table to probe, the column its writer sets to itself (null: no writer), and whether only a reader probes it
     * (where the application's own writes play it: probes writing the rows they write would only wait on each other).
     */
    record Target(String table, String writeColumn, boolean readsOnly) {
        Target(String table, String writeColumn) {
            this(table, writeColumn, false);
        }
    }

    /** A running probe's session: its table and kind. */
    record Session(String table, ProbeResult.Kind kind) {
    }

    /** How long a stopping probe may still wait for a lock before it is cancelled. */
    private static final long STOP_GRACE_MILLIS = 500;
    /**
     * The same where the migration's locks outlast its run (Rehearsal holds its transaction until the restore): long
     * enough for a probe in the middle of a statement to finish it, not for one waiting on those locks.
     */
    private static final long HELD_GRACE_MILLIS = 20;

    private final EngineLocks support;
    private final ProbeConnections connections;
    private final ProbeThreads threads;
    private final List<Target> targets;
    private final long blockedNanos;
    private final long pauseNanos;
    /** The migration's clock: {@link System#nanoTime()} when its trace started. */
    private final long origin;
    private final List<Probe> probes = new ArrayList<>();
    private volatile boolean running;
    /** When the migration ended, where its locks outlast it (see {@link #stop(boolean)}); 0 otherwise. */
    private volatile long heldFrom;

    Prober(EngineLocks support, ProbeConnections connections, ProbeThreads threads, List<Target> targets,
           Duration blockedAbove, Duration pause, long origin) {
        this.origin = origin;
        this.support = support;
        this.connections = connections;
        this.threads = threads;
        this.targets = targets;
        this.blockedNanos = blockedAbove.toNanos();
        this.pauseNanos = pause.toNanos();
    }

    private final class Probe implements Runnable {
        final Target target;
        final ProbeResult.Kind kind;
        final String sql;
        Connection connection;
        int backend;
        /** Counted down when the probe has stopped using its connection (or never started). */
        final CountDownLatch done = new CountDownLatch(1);
        /** The thread running the probe while it runs, to wake it from its pause; null before and after. */
        volatile Thread thread;
        boolean submitted;
        /** Whether its session went back to the pool. */
        boolean returned;
        int count;
        long longest;
        long blocked;
        int failures;
        String firstError;
        /** The probes that waited, the longest {@link ProbeResult#MAX_WAITS} kept. */
        final PriorityQueue<ProbeResult.Wait> waits =
                new PriorityQueue<>(Comparator.comparing(ProbeResult.Wait::took));
        /** Set as the first probe starts: from then on the probe counts at least one probe, however soon it stops. */
        volatile boolean began;
        volatile boolean cancelRequested;
        volatile int cancelled;
        volatile Statement statement;

        Probe(Target target, ProbeResult.Kind kind, String sql) {
            this.target = target;
            this.kind = kind;
            this.sql = sql;
        }

        @Override
        public void run() {
            Thread current = Thread.currentThread();
            String idle = current.getName();
            current.setName("rehearsal-probe-" + kind.label() + "-" + target.table());
            thread = current;
            try {
                probe();
            } finally {
                thread = null;
                current.setName(idle);
                done.countDown();
            }
        }

        private void probe() {
            try (Statement st = connection.createStatement()) {
                statement = st;
                while (running) {
                    began = true;
                    long t = System.nanoTime();
                    long end = 0;
                    ProbeResult.Outcome outcome = ProbeResult.Outcome.COMPLETED;
                    try {
                        if (kind == ProbeResult.Kind.READ) {
                            st.execute(sql);
                        } else {
                            connection.setAutoCommit(false);
                            st.execute(sql);
                            connection.rollback();
                        }
                    } catch (SQLException e) {
                        long held = heldFrom;
                        if (cancelRequested && !running && held != 0) {
                            // stopped while it waited on locks the held transaction keeps past the migration's end:
                            // the deploy's commit would have let it through then, so its wait ends there
                            end = Math.max(held, t);
                        } else if (cancelRequested) {
                            cancelled++; // the watcher took it out of the migration's way: expected, not a failure
                            outcome = ProbeResult.Outcome.CANCELLED;
                        } else {
                            failures++;
                            outcome = ProbeResult.Outcome.FAILED;
                            if (firstError == null) {
                                firstError = e.getMessage().lines().findFirst().orElse("");
                            }
                        }
                        rollbackQuietly();
                    }
                    cancelRequested = false;
                    long d = (end != 0 ? end : System.nanoTime()) - t;
                    count++;
                    longest = Math.max(longest, d);
                    if (d > blockedNanos) {
                        blocked += d;
                        waits.add(new ProbeResult.Wait(Duration.ofNanos(Math.max(0, t - origin)), Duration.ofNanos(d), outcome));
                        if (waits.size() > ProbeResult.MAX_WAITS) {
                            waits.poll();
                        }
                    }
                    if (pauseNanos > 0 && running) {
                        Thread.sleep(pauseNanos / 1_000_000, (int) (pauseNanos % 1_000_000));
                    }
                }
            } catch (SQLException e) {
                failures++;
                firstError = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                rollbackQuietly();
            }
        }

        private void rollbackQuietly() {
            try {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
            } catch (SQLException ignored) {
                // the connection is checked when it goes back to the pool
            }
        }
    }

    /** How many sessions probing {@code targets} takes: a reader and a locking reader each, and a writer where it can write. */
    static int sessions(List<Target> targets) {
        return targets.stream().mapToInt(t -> t.readsOnly() ? 1 : t.writeColumn() == null ? 2 : 3).sum();
    }

    /**
     * Takes the probe sessions and starts the probes (they begin within a millisecond or so), on threads the caller
     * has {@linkplain ProbeThreads#reserve reserved} for them.
     */
    void start() throws SQLException {
        for (Target t : targets) {
            probes.add(new Probe(t, ProbeResult.Kind.READ, support.readProbe(t.table())));
            if (t.readsOnly()) {
                continue;
            }
            if (t.writeColumn() != null) {
                probes.add(new Probe(t, ProbeResult.Kind.WRITE, support.writeProbe(t.table(), t.writeColumn())));
            }
            probes.add(new Probe(t, ProbeResult.Kind.LOCKING_READ, support.lockingReadProbe(t.table())));
        }
        running = true;
        threads.reserve(probes.size()); // the caller reserves for the whole phase; this only ever grows the pool
        try {
            for (Probe p : probes) {
                p.connection = connections.take();
                p.backend = connections.backendOf(p.connection);
                threads.run(p);
                p.submitted = true;
            }
        } catch (SQLException | RuntimeException e) {
            stop();
            throw e;
        }
    }

    /**
     * Whether every probe has started probing. A test waits for this rather than for a fixed time: on a busy machine
     * a probe thread may not run at all within a short phase (the probe then reports no probes, which is true).
     */
    boolean allBegan() {
        return probes.stream().allMatch(p -> p.began);
    }

    /** The probe sessions, by the engine's session id. */
    @Override
    public Map<Integer, Session> sessions() {
        Map<Integer, Session> sessions = new HashMap<>();
        for (Probe p : probes) {
            if (p.connection != null) {
                sessions.put(p.backend, new Session(p.target.table(), p.kind));
            }
        }
        return sessions;
    }

    /**
     * Cancels the statement of the probe on session {@code backend} (one of {@link #sessions()}; any other id is
     * refused, so no session but a probe is ever cancelled). Its failure then counts as a cancellation.
     */
    @Override
    public void cancel(Connection observer, int backend) throws SQLException {
        Probe probe = probes.stream().filter(p -> p.connection != null && p.backend == backend).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("session " + backend + " is not a probe"));
        probe.cancelRequested = true;
        support.cancel(observer, backend);
    }

    /**
     * Stops the probes, waits for them, returns what they felt. A probe still waiting for a lock after a short grace
     * (someone else's transaction holds it: the migration's are over by now) is cancelled, so ending a run never
     * waits on another session.
     */
    List<ProbeResult> stop() {
        return stop(false);
    }

    /**
     * As {@link #stop()}; where {@code locksOutlastMigration}, the migration's transaction stays open after it (held
     * by Rehearsal for a restore by rollback), so probes waiting on its locks are cancelled after a short grace, and
     * each such wait counts up to now, the migration's end, where a real commit would have released them.
     */
    List<ProbeResult> stop(boolean locksOutlastMigration) {
        if (locksOutlastMigration) {
            heldFrom = System.nanoTime();
        }
        long grace = locksOutlastMigration ? HELD_GRACE_MILLIS : STOP_GRACE_MILLIS;
        running = false;
        for (Probe p : probes) {
            Thread t = p.thread;
            if (t != null) {
                // wakes a probe that is pausing; one waiting on a lock finishes its probe first. An interrupt that
                // lands after the probe ended finds an idle pool thread, which clears it before its next probe.
                t.interrupt();
            }
        }
        List<ProbeResult> results = new ArrayList<>();
        for (Probe p : probes) {
            boolean ended = threads.awaitEnd(p.submitted, p.done, grace, () -> {
                Statement running = p.statement;
                if (running != null) {
                    p.cancelRequested = true;
                    running.cancel();
                }
            });
            if (p.connection != null && !p.returned) {
                p.returned = true; // given back once, even where a failed start stops the probes twice
                connections.give(p.connection, ended);
            }
            results.add(new ProbeResult(p.target.table(), p.kind, p.count, Duration.ofNanos(p.longest),
                    Duration.ofNanos(p.blocked), p.failures, p.firstError, p.cancelled,
                    p.waits.stream().sorted(Comparator.comparing(ProbeResult.Wait::startedAt)).toList()));
        }
        return results;
    }
}
