package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.EngineLocks.ObservedLock;
import dev.rehearsal.core.db.EngineLocks.SessionState;
import dev.rehearsal.core.db.EngineLocks;
import dev.rehearsal.core.internal.locks.TraceRecords.CollisionKey;
import dev.rehearsal.core.internal.locks.TraceRecords.HeldRecord;
import dev.rehearsal.core.internal.locks.TraceRecords.LockKey;
import dev.rehearsal.core.internal.locks.TraceRecords.Polled;
import dev.rehearsal.core.internal.locks.TraceRecords.PolledKey;
import dev.rehearsal.core.internal.locks.TraceRecords.Seen;
import dev.rehearsal.core.internal.locks.TraceRecords.Session;
import dev.rehearsal.core.internal.locks.TraceRecords.Stmt;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.ProbeCollision;
import dev.rehearsal.core.locks.StatementTrace;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Records what a migration's statements do to locks. After each statement inside a transaction it asks the
 * migration's own session which relation locks it holds (as eugene does), so each lock is attributed to the
 * statement that took it and held until the transaction ends. A poller on a second connection watches the same
 * sessions every few milliseconds, which catches what the first way cannot see: locks of statements that run
 * outside a transaction ({@code CREATE INDEX CONCURRENTLY}) and waits for locks other sessions hold. The poller also
 * stops a migration that runs past its timeout, so a lock wait never hangs a build, and it is the probes' watcher:
 * while a statement runs, it asks who the migration waits for and cancels at once any probe session among them
 * (and never any other session), so that a probe can never make a migration fail, not even in a deadlock the
 * server would resolve by killing the migration. Each such cancellation is kept as a {@link ProbeCollision}.
 */
final class LockTracer implements StatementObserver {

    /** {@code COMMIT}, {@code END}, {@code ROLLBACK}, {@code ABORT} as statements (not to a savepoint, not prepared). */
    static final Pattern ENDS_TRANSACTION = Pattern.compile(
            "^(?:\\s|--[^\\n]*\\n|/\\*.*?\\*/)*(?:COMMIT|END|ROLLBACK|ABORT)(?:\\s+(?:WORK|TRANSACTION)(?:\\s+AND\\s+(?:NO\\s+)?CHAIN)?)?\\s*;?\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** One statement of a migration script, to find where a traced statement came from. */
    record ScriptStatement(String script, int line, String sql) {
    }

    private final EngineLocks support;
    private final Connection observer;
    private final Set<String> excluded;
    private final Set<String> existing;
    private final Set<String> watched;
    private final List<ScriptStatement> script;
    private final long timeoutNanos;
    private final long pollNanos;
    private final long t0 = System.nanoTime();
    private final TraceAssembler assembler;

    /** The sessions seen, by their connection, or for a tool outside the JVM by a key of {@link #toolKeys}. */
    private final Map<Object, Session> sessions = new IdentityHashMap<>();
    private final Map<Integer, Object> toolKeys = new HashMap<>();
    private final List<Stmt> statements = new ArrayList<>();
    private final List<HeldRecord> records = new ArrayList<>();
    private final Map<PolledKey, Polled> polled = new LinkedHashMap<>();
    private Map<String, Long> storage;
    /** The write-ahead log position after the last statement asked about; -1 where the engine cannot say. */
    private long walPosition;
    private volatile String timeoutMessage;
    private LockPoller poller;
    private volatile SQLException pollerFailure;
    private volatile List<TrafficSessions> traffic = List.of();
    private Map<Integer, Prober.Session> probeSessions = Map.of();
    private Map<Integer, TrafficSessions> owners = Map.of();
    private SQLException watcherFailure;

    private final Map<CollisionKey, Seen> seenCollisions = new LinkedHashMap<>();

    /** {@code start} is where the trace starts from ({@link EngineLocks#startingPoint}), read on {@code observer}. */
    LockTracer(EngineLocks support, Connection observer, Set<String> excluded, Set<String> existing, Set<String> watched,
               EngineLocks.StartingPoint start, List<ScriptStatement> script, Duration timeout, Duration pollInterval) {
        this.watched = watched;
        this.support = support;
        this.observer = observer;
        this.excluded = excluded;
        this.existing = existing;
        this.script = script;
        this.timeoutNanos = timeout.toNanos();
        this.pollNanos = pollInterval.toNanos();
        this.storage = start.storage();
        this.walPosition = start.walPosition().orElse(-1);
        this.assembler = new TraceAssembler(excluded, existing, script, t0, pollNanos);
    }

    /** The trace's clock: {@link System#nanoTime()} when it started; statements and locks are timed from it. */
    long origin() {
        return t0;
    }

    /** Watches this traffic: any of its sessions the migration waits for is cancelled. Call before {@link #start()}. */
    void watch(List<TrafficSessions> played) {
        Map<Integer, Prober.Session> all = new HashMap<>();
        Map<Integer, TrafficSessions> by = new HashMap<>();
        for (TrafficSessions t : played) {
            t.sessions().forEach((backend, session) -> {
                all.put(backend, session);
                by.put(backend, t);
            });
        }
        this.probeSessions = Map.copyOf(all);
        this.owners = Map.copyOf(by);
        this.traffic = List.copyOf(played);
    }

    /** Has {@code poller} poll this trace until {@link #finish()}. */
    void start(LockPoller poller) {
        this.poller = poller;
        poller.watch(this);
    }

    /** How often the poller looks. */
    long pollNanos() {
        return pollNanos;
    }

    /** Why the migration was stopped, or null when it was not. */
    String timeoutMessage() {
        return timeoutMessage;
    }

    /** One look by the poller; false when the observer session failed and polling should stop (kept for the report). */
    boolean pollOnce(long now) {
        try {
            List<Integer> pids;
            boolean busy;
            synchronized (this) {
                pids = sessions.values().stream().map(s -> s.pid).toList();
                // look only while a statement has run for a poll interval: shorter ones hold their locks too
                // briefly to matter, and those inside a transaction are read after they end anyway
                busy = sessions.values().stream().anyMatch(s -> s.current != null && now - s.current.start >= pollNanos);
            }
            if (!busy && now - t0 <= timeoutNanos) {
                return true;
            }
            if (busy) {
                cancelProbesInTheWay(pids);
            }
            List<ObservedLock> seen = support.locksOf(observer, pids);
            synchronized (this) {
                for (ObservedLock lock : seen) {
                    Session session = sessions.values().stream().filter(s -> s.pid == lock.backend()).findFirst().orElse(null);
                    if (session == null || session.current == null && lock.granted()) {
                        continue;
                    }
                    Stmt at = session.current != null ? session.current : last(session);
                    if (at == null || lock.granted() && session.open.containsKey(LockKey.of(lock))) {
                        continue; // unknown, or already attributed to the statement that took it
                    }
                    // first seen wins: a lock still held while later statements of its transaction run
                    // belongs to the statement that took it
                    PolledKey key = new PolledKey(LockKey.of(lock), at.inTransaction,
                            at.inTransaction ? at.transaction : at.index);
                    Polled p = polled.computeIfAbsent(key, k -> {
                        Polled n = new Polled();
                        n.lock = lock;
                        n.statement = at;
                        n.firstSeen = now;
                        return n;
                    });
                    p.lastSeen = now;
                    if (!lock.granted()) {
                        if (p.waitingFrom < 0) {
                            p.waitingFrom = now;
                        }
                        p.waitingUntil = now;
                    }
                }
            }
            if (timeoutMessage == null && now - t0 > timeoutNanos) {
                stopMigration(pids);
            }
            return true;
        } catch (SQLException e) {
            pollerFailure = e;
            return false;
        }
    }

    /**
     * Cancels every probe session a migration session waits for. The server checks for deadlocks only when a
     * waiter's own {@code deadlock_timeout} fires, and it would then kill whichever session found the cycle, often
     * the migration; cancelling the probe first breaks the wait, so the migration goes on.
     */
    private void cancelProbesInTheWay(List<Integer> migration) {
        if (traffic.isEmpty() || probeSessions.isEmpty() || watcherFailure != null) {
            return;
        }
        try {
            List<Integer> all = new ArrayList<>(migration);
            all.addAll(probeSessions.keySet());
            List<EngineLocks.Wait> waits = support.waitsAmong(observer, all);
            Set<Integer> cancelled = new HashSet<>();
            for (EngineLocks.Wait w : waits) {
                Prober.Session probe = probeSessions.get(w.holder());
                if (!migration.contains(w.waiter()) || probe == null || !cancelled.add(w.holder())) {
                    continue;
                }
                boolean cycle = waits.stream().anyMatch(x -> x.waiter() == w.holder() && migration.contains(x.holder()));
                owners.get(w.holder()).cancel(observer, w.holder());
                synchronized (this) {
                    Session session = sessions.values().stream().filter(x -> x.pid == w.waiter()).findFirst().orElse(null);
                    Stmt at = session == null ? null : session.current != null ? session.current : last(session);
                    if (at == null) {
                        continue;
                    }
                    Seen seen = seenCollisions.computeIfAbsent(new CollisionKey(at.index, w.holder()), k -> {
                        Seen n = new Seen();
                        n.statement = at;
                        n.probe = probe;
                        return n;
                    });
                    seen.cycle |= cycle;
                    seen.count++;
                }
            }
        } catch (SQLException e) {
            // the wait graph cannot be read here: the timeout still guards the run, the report says what failed
            watcherFailure = e;
        }
    }

    private void stopMigration(List<Integer> pids) throws SQLException {
        StringBuilder why = new StringBuilder();
        Stmt at;
        synchronized (this) {
            at = statements.isEmpty() ? null : statements.get(statements.size() - 1);
        }
        for (int pid : pids) {
            String blockers = support.blockers(observer, pid);
            if (!blockers.isEmpty()) {
                why.append(" It was waiting for a lock held by ").append(blockers).append('.');
            }
        }
        timeoutMessage = "stopped after " + Duration.ofNanos(timeoutNanos).toMillis() + " ms, the migration timeout"
                + (at == null ? "" : ", while running: " + firstLine(at.sql)) + "." + why;
        for (int pid : pids) {
            support.cancel(observer, pid);
        }
    }

    private Stmt last(Session session) {
        for (int i = statements.size() - 1; i >= 0; i--) {
            if (statements.get(i).pid == session.pid) {
                return statements.get(i);
            }
        }
        return null;
    }

    private Session session(Connection physical) throws SQLException {
        Session s;
        synchronized (this) {
            s = sessions.get(physical);
        }
        if (s == null) {
            s = new Session(support.backendId(physical));
            synchronized (this) {
                sessions.put(physical, s);
            }
        }
        return s;
    }

    @Override
    public void connectionSeen(Connection physical) {
        // the session is registered at its first statement: asking its id now could disturb the caller's set-up
    }

    @Override
    public Object before(Connection physical, String sql) {
        try {
            return begin(session(physical), sql, !physical.getAutoCommit());
        } catch (SQLException e) {
            return null;
        }
    }

    /** A statement starts on {@code session}: recorded, and the session's current one until it ends. */
    Stmt begin(Session session, String sql, boolean inTransaction) {
        Stmt s = new Stmt();
        s.sql = sql;
        s.inTransaction = inTransaction;
        s.pid = session.pid;
        s.start = System.nanoTime();
        synchronized (this) {
            s.index = statements.size();
            s.transaction = session.transaction;
            statements.add(s);
            session.current = s;
        }
        return s;
    }

    /** The locks {@code session} holds after {@code s}, attributed to {@code s} when no earlier statement took them. */
    synchronized void hold(Session session, Stmt s, List<ObservedLock> locks) {
        for (ObservedLock lock : locks) {
            LockKey key = LockKey.of(lock);
            if (s.inTransaction && lock.granted() && !session.open.containsKey(key)) {
                HeldRecord r = new HeldRecord();
                r.lock = lock;
                r.statement = s;
                session.open.put(key, r);
                records.add(r);
            }
        }
    }

    /** The transaction of {@code session} (null: unknown) ended: what it held is released now. */
    synchronized void release(Session session) {
        if (session == null) {
            return;
        }
        long now = System.nanoTime();
        session.open.values().forEach(r -> r.released = now);
        session.open.clear();
        session.transaction++;
    }

    @Override
    public void after(Object token, Connection physical, Throwable failure, List<String> warnings, long rowsAffected) {
        if (!(token instanceof Stmt s)) {
            return;
        }
        s.end = System.nanoTime();
        s.failed = failure != null;
        s.warnings = warnings;
        s.rowsAffected = rowsAffected;
        if (failure == null && s.inTransaction && ENDS_TRANSACTION.matcher(s.sql).find()) {
            // the script's own COMMIT or ROLLBACK ended the transaction the tool opened: later statements run in
            // another one, and what this one held is released now
            transactionEnded(physical);
            return;
        }
        Session session;
        synchronized (this) {
            session = sessions.get(physical);
            if (session != null) {
                session.current = null;
            }
        }
        if (failure != null || session == null || !worthAsking(s.sql)) {
            return;
        }
        try (ComponentTiming ignored = ComponentTiming.time("locks.trace (in tool)")) {
            SessionState state = support.sessionState(physical, watched);
            s.lockTimeout = state.lockTimeout();
            Set<String> rewritten = new HashSet<>();
            state.storage().forEach((table, file) -> {
                Long before = storage.get(table);
                if (before != null && !before.equals(file)) {
                    rewritten.add(table);
                }
            });
            s.rewritten = rewritten;
            storage = state.storage();
            if (state.walPosition().isPresent()) {
                long now = state.walPosition().getAsLong();
                s.walBytes = walPosition < 0 ? -1 : Math.max(0, now - walPosition);
                walPosition = now;
            }
            hold(session, s, state.locks());
        } catch (SQLException e) {
            // the statement ended its own transaction in a failed state: nothing more to learn from this session
        }
    }

    /**
     * Whether to ask the session what it holds after this statement: for the scripts' statements, not for the
     * migration tool's own bookkeeping (long statements of any kind are still seen by the poller).
     */
    private boolean worthAsking(String sql) {
        return assembler.locate(sql) != null;
    }

    @Override
    public void transactionEnded(Connection physical) {
        Session session;
        synchronized (this) {
            session = sessions.get(physical);
        }
        release(session);
    }

    @Override
    public void connectionClosed(Connection physical) {
        transactionEnded(physical);
    }

    /** The session of a tool outside the JVM, by its backend id, made at its first statement. */
    Session toolSession(int backend) {
        synchronized (this) {
            Object key = toolKeys.computeIfAbsent(backend, b -> new Object());
            return sessions.computeIfAbsent(key, k -> new Session(backend));
        }
    }

    /** What session {@code backend} holds now, read on the observer (locks of open transactions included). */
    List<ObservedLock> locksHeldBy(int backend) throws SQLException {
        try (ComponentTiming ignored = ComponentTiming.time("locks.trace (in tool)")) {
            synchronized (observer) {
                return support.locksOf(observer, List.of(backend));
            }
        }
    }

    /** The observer failed while the trace read it: the report says the trace is incomplete. */
    void observerFailed(SQLException e) {
        pollerFailure = e;
    }

    /** Stops the poller; returns the statements and locks, keeping the statements of the scripts and those that locked user relations. */
    Result finish() {
        if (poller != null) {
            poller.release(this);
        }
        long end = System.nanoTime();
        synchronized (this) {
            return assembler.assemble(statements, records, polled.values(), seenCollisions.values(), end,
                    pollerFailure != null ? pollerFailure : watcherFailure);
        }
    }

    /**
     * What a trace found; {@code transactions} maps a statement index to an id shared by statements of one
     * transaction; {@code collisions} are the probes cancelled because the migration waited for them.
     */
    record Result(List<StatementTrace> statements, List<HeldLock> locks, Map<Integer, Long> transactions,
                  List<ProbeCollision> collisions, SQLException pollerFailure) {
    }

    private static String firstLine(String sql) {
        String line = sql.strip().lines().findFirst().orElse("");
        return line.length() > 100 ? line.substring(0, 97) + "..." : line;
    }
}
