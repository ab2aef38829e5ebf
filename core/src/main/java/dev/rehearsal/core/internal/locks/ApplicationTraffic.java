package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.internal.sql.PreparedOnServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/**
 * Plays the application's own statements against the tables a migration touches, while it runs: one session per
 * table and kind (reads, writes, locking reads), each running its statements in turn, first each once, then at the mix their call counts give, with
 * the probes' pause between runs. Every run is timed per statement, its wait being what it took beyond its own time
 * before the migration. Each runs in a transaction rolled back at once (a read too: a function it calls may write),
 * so the data checks see none of them, on a session closed when the phase ends. Sessions come from
 * {@link ProbeConnections} and run on {@link ProbeThreads}, as the probes' do; the lock tracer's watcher cancels any
 * of them found in the migration's way, which then counts as cancelled, not failed.
 */
final class ApplicationTraffic implements TrafficSessions {

    /** What one statement felt during the phase. */
    record Played(TrafficStatement statement, int runs, int waited, Duration longest, Duration longestStartedAt,
                  Duration p95, int failed, String firstError, int cancelled) {
    }


    /** What {@code once} says of a statement the traffic stopped before it ran. */
    private static final String STOPPED = new String("stopped");

    /** Runs kept per statement for its percentile: enough for any phase a test or a benchmark runs. */
    private static final int KEPT_RUNS = 20_000;
    private static final long STOP_GRACE_MILLIS = 500;
    private static final long HELD_GRACE_MILLIS = 20;

    private final ProbeConnections connections;
    private final ProbeThreads threads;
    private final List<Lane> lanes = new ArrayList<>();
    private final long blockedNanos;
    private final long pauseNanos;
    private final long origin;
    private volatile boolean running;
    private volatile long heldFrom;

    ApplicationTraffic(ProbeConnections connections, ProbeThreads threads, List<TrafficStatement> statements,
                       Duration blockedAbove, Duration pause, long origin) {
        this.connections = connections;
        this.threads = threads;
        this.blockedNanos = blockedAbove.toNanos();
        this.pauseNanos = pause.toNanos();
        this.origin = origin;
        Map<Prober.Session, List<TrafficStatement>> byLane = new LinkedHashMap<>();
        statements.forEach(s -> byLane.computeIfAbsent(lane(s), t -> new ArrayList<>()).add(s));
        byLane.forEach((lane, played) -> lanes.add(new Lane(lane, played)));
    }

    /**
     * The session a statement runs on: one per table and kind, so that a write waiting for a lock does not hold up
     * the reads of its table, which may not have to wait, as the application's many sessions would not.
     */
    private static Prober.Session lane(TrafficStatement s) {
        return new Prober.Session(s.table(), s.kind());
    }

    /** How many sessions playing {@code statements} takes: one per table and kind. */
    static int sessions(List<TrafficStatement> statements) {
        return (int) statements.stream().map(ApplicationTraffic::lane).distinct().count();
    }

    /** One statement's account while its lane runs. */
    private final class Account {
        final TrafficStatement statement;
        /** Each run's time and start (from the migration's start), the first {@value #KEPT_RUNS}. */
        long[] runs = new long[16];
        long[] starts = new long[16];
        int count;
        int failed;
        String firstError;
        int cancelled;

        Account(TrafficStatement statement) {
            this.statement = statement;
        }

        void ran(long nanos, long startedAt) {
            if (count < KEPT_RUNS) {
                if (count == runs.length) {
                    runs = Arrays.copyOf(runs, runs.length * 2);
                    starts = Arrays.copyOf(starts, starts.length * 2);
                }
                runs[count] = nanos;
                starts[count] = startedAt;
            }
            count++;
        }

        /**
         * The runs' waits: what each took beyond the statement's own time with no one in its way, the quicker of its
         * trial before the migration and its quickest run now (a table grown since the trial makes every run slower,
         * none of them waiting), so a statement that is slow by itself does not count as waiting.
         */
        Played played() {
            int kept = Math.min(count, KEPT_RUNS);
            long own = statement.unobstructed().toNanos();
            for (int i = 0; i < kept; i++) {
                own = Math.min(own, runs[i]);
            }
            long[] waits = new long[kept];
            int waited = 0;
            long longest = 0;
            long longestStart = 0;
            for (int i = 0; i < kept; i++) {
                waits[i] = runs[i] - own;
                if (waits[i] > blockedNanos) {
                    waited++;
                }
                if (waits[i] > longest) {
                    longest = waits[i];
                    longestStart = starts[i];
                }
            }
            Arrays.sort(waits);
            long p95 = kept == 0 ? 0 : waits[Math.min(kept - 1, (int) Math.ceil(kept * 0.95) - 1)];
            return new Played(statement, count, waited, Duration.ofNanos(longest), Duration.ofNanos(longestStart),
                    Duration.ofNanos(p95), failed, firstError, cancelled);
        }
    }

    /** One session playing one table's statements of one kind. */
    private final class Lane implements Runnable {
        final Prober.Session session;
        final String table;
        final List<Account> accounts = new ArrayList<>();
        final long[] cumulative;
        final Random random;
        Connection connection;
        int backend;
        final CountDownLatch done = new CountDownLatch(1);
        volatile Thread thread;
        boolean submitted;
        boolean returned;
        volatile boolean cancelRequested;
        volatile PreparedStatement current;

        Lane(Prober.Session session, List<TrafficStatement> statements) {
            this.session = session;
            this.table = session.table();
            statements.forEach(s -> accounts.add(new Account(s)));
            cumulative = new long[accounts.size()];
            long sum = 0;
            for (int i = 0; i < accounts.size(); i++) {
                sum += accounts.get(i).statement.weight();
                cumulative[i] = sum;
            }
            random = new Random((table + session.kind().name()).hashCode()); // the same mix on every run
        }

        /** Each statement once, then drawn by weight. */
        Account next(int turn) {
            if (turn < accounts.size()) {
                return accounts.get(turn);
            }
            long pick = (long) (random.nextDouble() * cumulative[cumulative.length - 1]);
            int i = Arrays.binarySearch(cumulative, pick + 1);
            return accounts.get(i >= 0 ? i : -i - 1);
        }

        @Override
        public void run() {
            Thread me = Thread.currentThread();
            String idle = me.getName();
            me.setName("rehearsal-application-" + session.kind().label() + "-" + table);
            thread = me;
            try {
                play();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                thread = null;
                me.setName(idle);
                done.countDown();
            }
        }

        private void play() throws InterruptedException {
            Map<TrafficStatement, PreparedStatement> prepared = new HashMap<>();
            try {
                for (int turn = 0; running; turn++) {
                    Account account = next(turn);
                    long t = System.nanoTime();
                    long end = 0;
                    String error = once(account.statement, prepared);
                    if (error == STOPPED) {
                        break;
                    }
                    if (error != null) {
                        long held = heldFrom;
                        if (cancelRequested && !running && held != 0) {
                            end = Math.max(held, t); // waited on locks the held transaction keeps past the migration
                        } else if (cancelRequested) {
                            // taken out of the migration's way: its time is the migration's wait, not the statement's
                            account.cancelled++;
                            cancelRequested = false;
                            pause();
                            continue;
                        } else {
                            account.failed++;
                            if (account.firstError == null) {
                                account.firstError = error;
                            }
                        }
                    }
                    cancelRequested = false;
                    long d = (end != 0 ? end : System.nanoTime()) - t;
                    account.ran(d, Math.max(0, t - origin));
                    pause();
                }
            } finally {
                for (PreparedStatement p : prepared.values()) {
                    closeQuietly(p);
                }
                rollbackQuietly();
            }
        }

        private void pause() throws InterruptedException {
            if (pauseNanos > 0 && running) {
                Thread.sleep(pauseNanos / 1_000_000, (int) (pauseNanos % 1_000_000));
            }
        }

        /** Runs the statement once; null when it ran, {@link #STOPPED}, else {@code SQLSTATE: message}. */
        private String once(TrafficStatement s, Map<TrafficStatement, PreparedStatement> prepared) {
            try {
                return run(s, prepared) ? null : STOPPED;
            } catch (SQLException e) {
                rollbackQuietly();
                if (PreparedOnServer.staleAfterDdl(e) && !cancelRequested) {
                    // the driver's plan predates the migration's DDL: a new session would describe it again
                    closeQuietly(prepared.remove(s));
                    try {
                        PreparedOnServer.forgetAll(connection);
                        return run(s, prepared) ? null : STOPPED;
                    } catch (SQLException again) {
                        rollbackQuietly();
                        return describe(again);
                    }
                }
                return describe(e);
            }
        }

        /**
         * Runs the statement in a transaction rolled back at once, a read too (a function it calls may write); false
         * when the traffic stopped before it ran.
         */
        private boolean run(TrafficStatement s, Map<TrafficStatement, PreparedStatement> prepared) throws SQLException {
            PreparedStatement ps = prepared.get(s);
            if (ps == null) {
                ps = connection.prepareStatement(s.jdbc());
                ps.setMaxRows(TrafficStatement.MAX_ROWS);
                prepared.put(s, ps);
            }
            for (int i = 0; i < s.values().size(); i++) {
                Object v = s.values().get(i);
                if (v instanceof String && s.untyped()) {
                    ps.setObject(i + 1, v, Types.OTHER);
                } else {
                    ps.setObject(i + 1, v);
                }
            }
            connection.setAutoCommit(false);
            current = ps;
            try {
                if (!running) {
                    return false; // stopped meanwhile: a cancel at the stop may not have seen this statement
                }
                ps.execute();
            } finally {
                current = null;
                rollbackQuietly(); // a failure to roll back is the session's, checked as the pool takes it back
            }
            return true;
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

    private static void closeQuietly(PreparedStatement p) {
        if (p != null) {
            try {
                p.close();
            } catch (SQLException ignored) {
                // its session goes back to the pool, which checks it
            }
        }
    }

    /** {@code 42703: column "x" does not exist}: the SQLState and the server's first line. */
    static String describe(SQLException e) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip()
                .replaceFirst("^ERROR:\\s*", "").replaceFirst("^\\([^)]*\\)\\s*", "");
        return (e.getSQLState() == null ? "" : e.getSQLState() + ": ") + message;
    }

    /**
     * Takes a session per table and kind and starts playing, on threads the caller has
     * {@linkplain ProbeThreads#reserve reserved} for them.
     */
    void start() throws SQLException {
        running = true;
        threads.reserve(lanes.size()); // the caller reserves for the whole phase; this only ever grows the pool
        try {
            for (Lane lane : lanes) {
                lane.connection = connections.take();
                lane.backend = connections.backendOf(lane.connection);
                threads.run(lane);
                lane.submitted = true;
            }
        } catch (SQLException | RuntimeException e) {
            stop(false);
            throw e;
        }
    }

    @Override
    public Map<Integer, Prober.Session> sessions() {
        Map<Integer, Prober.Session> sessions = new HashMap<>();
        for (Lane lane : lanes) {
            if (lane.connection != null) {
                sessions.put(lane.backend, lane.session);
            }
        }
        return sessions;
    }

    @Override
    public void cancel(Connection observer, int backend) throws SQLException {
        Lane lane = lanes.stream().filter(l -> l.connection != null && l.backend == backend).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("session " + backend + " is not application traffic"));
        lane.cancelRequested = true;
        connections.support().cancel(observer, backend);
    }

    /**
     * Tells the sessions the migration has ended (as its last statement did, not later when the probes have stopped
     * too): no run starts after this, and where its locks outlast it, waits on them count up to now.
     */
    void halt(boolean locksOutlastMigration) {
        if (!running) {
            return;
        }
        if (locksOutlastMigration) {
            heldFrom = System.nanoTime();
        }
        running = false;
        for (Lane lane : lanes) {
            Thread t = lane.thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    /**
     * Stops playing, waits for the sessions, returns what each statement felt. As {@link Prober#stop(boolean)}: a run
     * still waiting after a short grace is cancelled, and where the migration's locks outlast it, such a wait counts
     * up to the migration's end.
     */
    List<Played> stop(boolean locksOutlastMigration) {
        halt(locksOutlastMigration);
        long grace = locksOutlastMigration ? HELD_GRACE_MILLIS : STOP_GRACE_MILLIS;
        List<Played> played = new ArrayList<>();
        for (Lane lane : lanes) {
            boolean ended = threads.awaitEnd(lane.submitted, lane.done, grace, () -> {
                PreparedStatement running = lane.current;
                if (running != null) {
                    lane.cancelRequested = true;
                    running.cancel();
                }
            });
            if (lane.connection != null && !lane.returned) {
                // closed rather than kept: it ran the application's statements, and no session crosses a phase
                lane.returned = true;
                connections.give(lane.connection, false);
            }
            lane.accounts.forEach(a -> played.add(a.played()));
        }
        return played;
    }
}
