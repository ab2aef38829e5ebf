package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.EngineLocks.ObservedLock;
import dev.rehearsal.core.internal.locks.TraceRecords.HeldRecord;
import dev.rehearsal.core.internal.locks.TraceRecords.LockKey;
import dev.rehearsal.core.internal.locks.TraceRecords.Polled;
import dev.rehearsal.core.internal.locks.TraceRecords.Seen;
import dev.rehearsal.core.internal.locks.TraceRecords.Stmt;
import dev.rehearsal.core.internal.sql.StatementText;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.ProbeCollision;
import dev.rehearsal.core.locks.StatementTrace;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what a {@link LockTracer} recorded into its {@link LockTracer.Result}: keeps the statements of the scripts
 * and those that locked user relations, gives each lock its statement, hold time and wait, groups statements into
 * transactions, and attributes probe collisions. Pure: it reads the records and changes nothing.
 */
final class TraceAssembler {

    private final Set<String> excluded;
    private final Set<String> existing;
    private final long t0;
    private final long pollNanos;
    /** The script's statements by their {@link #normalize normalized} text, read once per trace. */
    private final Map<String, LockTracer.ScriptStatement> byText = new HashMap<>();

    /**
     * @param excluded  tables whose locks are the tool's own (its history table and its indexes)
     * @param existing  tables that existed before the migration
     * @param script    the statements of the scripts run, to locate traced statements
     * @param t0        when the trace started ({@link System#nanoTime()})
     * @param pollNanos the poller's interval, the resolution of waits seen by polling
     */
    TraceAssembler(Set<String> excluded, Set<String> existing, List<LockTracer.ScriptStatement> script, long t0,
                   long pollNanos) {
        this.excluded = excluded;
        this.existing = existing;
        this.t0 = t0;
        this.pollNanos = pollNanos;
        for (LockTracer.ScriptStatement s : script) {
            byText.putIfAbsent(normalize(s.sql()), s); // of two statements with one text, the first
        }
    }

    /** The result of a trace that ended at {@code end}; {@code failure} is the poller's or watcher's, if any. */
    LockTracer.Result assemble(List<Stmt> statements, List<HeldRecord> records, Collection<Polled> polled,
                               Collection<Seen> seen, long end, SQLException failure) {
        List<Stmt> kept = new ArrayList<>();
        Map<Stmt, Integer> index = new HashMap<>();
        for (Stmt s : statements) {
            boolean locks = records.stream().anyMatch(r -> r.statement == s && relevant(r.lock))
                    || polled.stream().anyMatch(p -> p.statement == s && relevant(p.lock)
                    && (!s.inTransaction || p.waitingFrom >= 0));
            if (s.script != null || locate(s.sql) != null || locks || !s.rewritten.isEmpty() || s.failed || !s.warnings.isEmpty()) {
                index.put(s, kept.size());
                kept.add(s);
            }
        }
        List<StatementTrace> traces = new ArrayList<>();
        for (Stmt s : kept) {
            LockTracer.ScriptStatement where = s.script != null ? new LockTracer.ScriptStatement(s.script, s.line, s.sql)
                    : locate(s.sql);
            long stop = s.end == 0 ? end : s.end;
            traces.add(new StatementTrace(index.get(s), where == null ? null : where.script(),
                    where == null ? 0 : where.line(), s.sql, since(s.start), Duration.ofNanos(stop - s.start),
                    s.inTransaction, s.rewritten, s.lockTimeout, s.failed, s.warnings, s.walBytes,
                    s.rowsAffected));
        }
        List<HeldLock> locks = new ArrayList<>();
        Set<LockKey> covered = new HashSet<>();
        for (HeldRecord r : records) {
            if (!relevant(r.lock) || !index.containsKey(r.statement)) {
                continue;
            }
            Polled wait = waitFor(polled, r.lock, r.statement);
            Duration waited = wait == null ? Duration.ZERO : Duration.ofNanos(wait.waitingUntil - wait.waitingFrom + pollNanos);
            long released = r.released < 0 ? end : r.released;
            long acquired = r.statement.start + waited.toNanos();
            locks.add(new HeldLock(r.lock.relation(), r.lock.kind(), r.lock.mode(), index.get(r.statement),
                    since(acquired), Duration.ofNanos(Math.max(0, released - acquired)), waited,
                    existing.contains(r.lock.relation())));
            covered.add(LockKey.of(r.lock));
        }
        for (Polled p : polled) {
            if (!relevant(p.lock) || !index.containsKey(p.statement)
                    || covered.contains(LockKey.of(p.lock))) {
                continue;
            }
            Duration waited = p.waitingFrom < 0 ? Duration.ZERO : Duration.ofNanos(p.waitingUntil - p.waitingFrom + pollNanos);
            long grantedFrom = p.waitingFrom < 0 ? p.firstSeen : p.waitingUntil;
            Duration held = p.lastSeen > grantedFrom || p.waitingFrom < 0
                    ? Duration.ofNanos(p.lastSeen - grantedFrom + pollNanos) : Duration.ZERO;
            locks.add(new HeldLock(p.lock.relation(), p.lock.kind(), p.lock.mode(), index.get(p.statement),
                    since(p.firstSeen), held, waited, existing.contains(p.lock.relation())));
        }
        locks.sort(Comparator.comparingInt(HeldLock::statement).thenComparing(HeldLock::acquiredAt));
        Map<Integer, Long> transactions = new HashMap<>();
        for (Stmt s : kept) {
            // (session, transaction number) packed into one id; statements outside a transaction get their own
            transactions.put(index.get(s), s.inTransaction ? ((long) s.pid << 32) | s.transaction : -1L - index.get(s));
        }
        List<ProbeCollision> collisions = new ArrayList<>();
        for (Seen c : seen) {
            Integer at = index.get(c.statement);
            if (at == null) {
                // the waiting statement is not one the report keeps: attribute it to the last kept statement
                at = kept.isEmpty() ? null : kept.size() - 1;
            }
            if (at != null) {
                collisions.add(new ProbeCollision(at, c.probe.table(), c.probe.kind(), c.cycle, c.count));
            }
        }
        return new LockTracer.Result(traces, locks, transactions, collisions, failure);
    }

    private static Polled waitFor(Collection<Polled> polled, ObservedLock lock, Stmt s) {
        return polled.stream().filter(p -> p.statement == s && p.waitingFrom >= 0
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

    /** The script statement {@code sql} is, or null for a statement the tool ran on its own. */
    LockTracer.ScriptStatement locate(String sql) {
        String wanted = normalize(sql);
        return wanted.isEmpty() ? null : byText.get(wanted);
    }

    static String normalize(String sql) {
        return StatementText.normalize(sql);
    }

    private Duration since(long nanos) {
        return Duration.ofNanos(Math.max(0, nanos - t0));
    }
}
