package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.LockSupport;
import dev.rehearsal.core.db.LockSupport.ObservedLock;
import dev.rehearsal.core.db.LockSupport.SessionState;
import dev.rehearsal.core.locks.HeldLock;
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

    /** One statement of a migration script, to find where a traced statement came from. */
    record ScriptStatement(String script, int line, String sql) {
    }

    private final LockSupport support;
    private final Connection observer;
    private final Set<String> excluded;
    private final Set<String> existing;
    private final Set<String> watched;
    private final List<ScriptStatement> script;
    private final long timeoutNanos;
    private final long pollNanos;
    private final long t0 = System.nanoTime();

    private final Map<Connection, Session> sessions = new IdentityHashMap<>();
    private final List<Stmt> statements = new ArrayList<>();
    private final List<Record> records = new ArrayList<>();
    private final Map<String, Polled> polled = new LinkedHashMap<>();
    private Map<String, Long> storage;
    private volatile boolean running = true;
    private volatile String timeoutMessage;
    private Thread poller;
    private SQLException pollerFailure;
    private volatile Prober prober;
    private Map<Integer, Prober.Session> probeSessions = Map.of();
    private SQLException watcherFailure;

    /** A collision while it is being recorded, against the tracer's own statement. */
    private static final class Seen {
        Stmt statement;
        Prober.Session probe;
        boolean cycle;
        int count;
    }

    private final Map<String, Seen> seenCollisions = new LinkedHashMap<>();

    private static final class Session {
        final int pid;
        int transaction;
        Stmt current;
        final Map<String, Record> open = new LinkedHashMap<>();

        Session(int pid) {
            this.pid = pid;
        }
    }

    private static final class Stmt {
        int index;
        String sql;
        long start;
        long end;
        boolean inTransaction;
        int transaction;
        int pid;
        boolean failed;
        String lockTimeout;
        Set<String> rewritten = Set.of();
    }

    /** A lock found held after a statement, open until its transaction ends. */
    private static final class Record {
        ObservedLock lock;
        Stmt statement;
        long released = -1;
    }

    /** A lock seen by the poller: first and last time, granted or waiting. */
    private static final class Polled {
        ObservedLock lock;
        Stmt statement;
        long firstSeen;
        long lastSeen;
        long waitingFrom = -1;
        long waitingUntil = -1;
    }

    LockTracer(LockSupport support, Connection observer, Set<String> excluded, Set<String> existing, Set<String> watched,
               List<ScriptStatement> script, Duration timeout, Duration pollInterval) throws SQLException {
        this.watched = watched;
        this.support = support;
        this.observer = observer;
        this.excluded = excluded;
        this.existing = existing;
        this.script = script;
        this.timeoutNanos = timeout.toNanos();
        this.pollNanos = pollInterval.toNanos();
        this.storage = support.storage(observer, watched);
    }

    /** Watches these probes: any of them the migration waits for is cancelled. Call before {@link #start()}. */
    void watch(Prober probes) {
        this.prober = probes;
        this.probeSessions = Map.copyOf(probes.sessions());
    }

    void start() {
        poller = new Thread(this::poll, "rehearsal-lock-poller");
        poller.setDaemon(true);
        poller.start();
    }

    /** Why the migration was stopped, or null when it was not. */
    String timeoutMessage() {
        return timeoutMessage;
    }

    private void poll() {
        while (running) {
            long now = System.nanoTime();
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
                    pause(now);
                    continue;
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
                        if (at == null || lock.granted() && session.open.containsKey(lock.relation() + "|" + lock.mode())) {
                            continue; // unknown, or already attributed to the statement that took it
                        }
                        // first seen wins: a lock still held while later statements of its transaction run
                        // belongs to the statement that took it
                        String key = lock.backend() + "|" + lock.relation() + "|" + lock.mode() + "|"
                                + (at.inTransaction ? "t" + at.transaction : "s" + at.index);
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
            } catch (SQLException e) {
                pollerFailure = e;
                return;
            }
            pause(now);
        }
    }

    /**
     * Cancels every probe session a migration session waits for. The server checks for deadlocks only when a
     * waiter's own {@code deadlock_timeout} fires, and it would then kill whichever session found the cycle, often
     * the migration; cancelling the probe first breaks the wait, so the migration goes on.
     */
    private void cancelProbesInTheWay(List<Integer> migration) {
        Prober probes = prober;
        if (probes == null || probeSessions.isEmpty() || watcherFailure != null) {
            return;
        }
        try {
            List<Integer> all = new ArrayList<>(migration);
            all.addAll(probeSessions.keySet());
            List<LockSupport.Wait> waits = support.waitsAmong(observer, all);
            Set<Integer> cancelled = new HashSet<>();
            for (LockSupport.Wait w : waits) {
                Prober.Session probe = probeSessions.get(w.holder());
                if (!migration.contains(w.waiter()) || probe == null || !cancelled.add(w.holder())) {
                    continue;
                }
                boolean cycle = waits.stream().anyMatch(x -> x.waiter() == w.holder() && migration.contains(x.holder()));
                probes.cancel(observer, w.holder());
                synchronized (this) {
                    Session session = sessions.values().stream().filter(x -> x.pid == w.waiter()).findFirst().orElse(null);
                    Stmt at = session == null ? null : session.current != null ? session.current : last(session);
                    if (at == null) {
                        continue;
                    }
                    Seen seen = seenCollisions.computeIfAbsent(at.index + "|" + w.holder(), k -> {
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

    private void pause(long since) {
        long sleep = pollNanos - (System.nanoTime() - since);
        if (sleep > 0 && running) {
            try {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            } catch (InterruptedException e) {
                running = false;
            }
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
            Session session = session(physical);
            Stmt s = new Stmt();
            s.sql = sql;
            s.inTransaction = !physical.getAutoCommit();
            s.pid = session.pid;
            s.start = System.nanoTime();
            synchronized (this) {
                s.index = statements.size();
                s.transaction = session.transaction;
                statements.add(s);
                session.current = s;
            }
            return s;
        } catch (SQLException e) {
            return null;
        }
    }

    @Override
    public void after(Object token, Connection physical, Throwable failure) {
        if (!(token instanceof Stmt s)) {
            return;
        }
        s.end = System.nanoTime();
        s.failed = failure != null;
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
        try {
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
            synchronized (this) {
                for (ObservedLock lock : state.locks()) {
                    String key = lock.relation() + "|" + lock.mode();
                    if (s.inTransaction && !session.open.containsKey(key)) {
                        Record r = new Record();
                        r.lock = lock;
                        r.statement = s;
                        session.open.put(key, r);
                        records.add(r);
                    }
                }
            }
        } catch (SQLException e) {
            // the statement ended its own transaction in a failed state: nothing more to learn from this session
        }
    }

    /**
     * Whether to ask the session what it holds after this statement: for the scripts' statements, not for the
     * migration tool's own bookkeeping (long statements of any kind are still seen by the poller).
     */
    private boolean worthAsking(String sql) {
        return locate(sql) != null;
    }

    @Override
    public void transactionEnded(Connection physical) {
        long now = System.nanoTime();
        synchronized (this) {
            Session session = sessions.get(physical);
            if (session == null) {
                return;
            }
            session.open.values().forEach(r -> r.released = now);
            session.open.clear();
            session.transaction++;
        }
    }

    @Override
    public void connectionClosed(Connection physical) {
        transactionEnded(physical);
    }

    /** Stops the poller; returns the statements and locks, keeping the statements of the scripts and those that locked user relations. */
    Result finish() {
        running = false;
        if (poller != null) {
            poller.interrupt();
            try {
                poller.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long end = System.nanoTime();
        synchronized (this) {
            List<Stmt> kept = new ArrayList<>();
            Map<Stmt, Integer> index = new HashMap<>();
            for (Stmt s : statements) {
                boolean locks = records.stream().anyMatch(r -> r.statement == s && relevant(r.lock))
                        || polled.values().stream().anyMatch(p -> p.statement == s && relevant(p.lock)
                        && (!s.inTransaction || p.waitingFrom >= 0));
                if (locate(s.sql) != null || locks || !s.rewritten.isEmpty() || s.failed) {
                    index.put(s, kept.size());
                    kept.add(s);
                }
            }
            List<StatementTrace> traces = new ArrayList<>();
            for (Stmt s : kept) {
                ScriptStatement where = locate(s.sql);
                long stop = s.end == 0 ? end : s.end;
                traces.add(new StatementTrace(index.get(s), where == null ? null : where.script(),
                        where == null ? 0 : where.line(), s.sql, since(s.start), Duration.ofNanos(stop - s.start),
                        s.inTransaction, s.rewritten, s.lockTimeout, s.failed));
            }
            List<HeldLock> locks = new ArrayList<>();
            Set<String> covered = new HashSet<>();
            for (Record r : records) {
                if (!relevant(r.lock) || !index.containsKey(r.statement)) {
                    continue;
                }
                Polled wait = waitFor(r.lock, r.statement);
                Duration waited = wait == null ? Duration.ZERO : Duration.ofNanos(wait.waitingUntil - wait.waitingFrom + pollNanos);
                long released = r.released < 0 ? end : r.released;
                long acquired = r.statement.start + waited.toNanos();
                locks.add(new HeldLock(r.lock.relation(), r.lock.kind(), r.lock.mode(), index.get(r.statement),
                        since(acquired), Duration.ofNanos(Math.max(0, released - acquired)), waited,
                        existing.contains(r.lock.relation())));
                covered.add(r.lock.backend() + "|" + r.lock.relation() + "|" + r.lock.mode());
            }
            for (Polled p : polled.values()) {
                if (!relevant(p.lock) || !index.containsKey(p.statement)
                        || covered.contains(p.lock.backend() + "|" + p.lock.relation() + "|" + p.lock.mode())) {
                    continue;
                }
                Duration waited = p.waitingFrom < 0 ? Duration.ZERO : Duration.ofNanos(p.waitingUntil - p.waitingFrom + pollNanos);
                long grantedFrom = p.waitingFrom < 0 ? p.firstSeen : p.waitingUntil;
                Duration held = p.lastSeen > grantedFrom || p.waitingFrom < 0
                        ? Duration.ofNanos(p.lastSeen - grantedFrom + pollNanos) : Duration.ZERO;
                locks.add(new HeldLock(p.lock.relation(), p.lock.kind(), p.lock.mode(), index.get(p.statement),
                        since(p.firstSeen), held, waited, existing.contains(p.lock.relation())));
            }
            locks.sort(java.util.Comparator.comparingInt(HeldLock::statement).thenComparing(HeldLock::acquiredAt));
            Map<Integer, Long> transactions = new HashMap<>();
            for (Stmt s : kept) {
                // (session, transaction number) packed into one id; statements outside a transaction get their own
                transactions.put(index.get(s), s.inTransaction ? ((long) s.pid << 32) | s.transaction : -1L - index.get(s));
            }
            List<ProbeCollision> collisions = new ArrayList<>();
            for (Seen c : seenCollisions.values()) {
                Integer at = index.get(c.statement);
                if (at == null) {
                    // the waiting statement is not one the report keeps: attribute it to the last kept statement
                    at = kept.isEmpty() ? null : kept.size() - 1;
                }
                if (at != null) {
                    collisions.add(new ProbeCollision(at, c.probe.table(), c.probe.kind(), c.cycle, c.count));
                }
            }
            return new Result(traces, locks, transactions, collisions,
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

    private Polled waitFor(ObservedLock lock, Stmt s) {
        return polled.values().stream().filter(p -> p.statement == s && p.waitingFrom >= 0
                && p.lock.relation().equals(lock.relation()) && p.lock.mode() == lock.mode()).findFirst().orElse(null);
    }

    private boolean relevant(ObservedLock lock) {
        for (String table : excluded) {
            if (lock.relation().equals(table) || lock.relation().startsWith(table + "_")) {
                return false;
            }
        }
        return true;
    }

    private ScriptStatement locate(String sql) {
        String wanted = normalize(sql);
        if (wanted.isEmpty()) {
            return null;
        }
        for (ScriptStatement s : script) {
            if (normalize(s.sql()).equals(wanted)) {
                return s;
            }
        }
        return null;
    }

    static String normalize(String sql) {
        String s = sql.replaceAll("(?m)^\\s*--.*$", " ").replaceAll("\\s+", " ").trim();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    private static String firstLine(String sql) {
        String line = sql.strip().lines().findFirst().orElse("");
        return line.length() > 100 ? line.substring(0, 97) + "..." : line;
    }

    private Duration since(long nanos) {
        return Duration.ofNanos(Math.max(0, nanos - t0));
    }
}
