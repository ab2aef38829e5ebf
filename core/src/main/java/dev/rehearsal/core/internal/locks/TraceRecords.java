package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.EngineLocks.ObservedLock;
import dev.rehearsal.core.locks.LockMode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link LockTracer} writes down while a migration runs, for {@link TraceAssembler} to turn into a report:
 * statements, sessions, locks held after a statement, locks seen by the poller, probe collisions, and the typed keys
 * that identify them. Mutable, and only touched under the tracer's lock.
 */
final class TraceRecords {

    private TraceRecords() {
    }

    /** A collision while it is being recorded, against the tracer's own statement. */
    static final class Seen {
        Stmt statement;
        Prober.Session probe;
        boolean cycle;
        int count;
    }

    /** A relation lock mode held by one session. */
    record LockKey(int backend, String relation, LockMode mode) {
        static LockKey of(ObservedLock lock) {
            return new LockKey(lock.backend(), lock.relation(), lock.mode());
        }
    }

    /** A lock as the poller attributes it: to a transaction of its session, or to a statement outside one. */
    record PolledKey(LockKey lock, boolean inTransaction, int transactionOrStatement) {
    }

    /** A probe session in the way of one statement. */
    record CollisionKey(int statement, int probeSession) {
    }

    static final class Session {
        final int pid;
        int transaction;
        Stmt current;
        final Map<LockKey, HeldRecord> open = new LinkedHashMap<>();

        Session(int pid) {
            this.pid = pid;
        }
    }

    static final class Stmt {
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
        List<String> warnings = List.of();
        /** Bytes of write-ahead log written since the previous statement asked about (or the trace's start); -1 unknown. */
        long walBytes = -1;
        /** Its update count: rows inserted, updated or deleted; -1 for queries and where unknown. */
        long rowsAffected = -1;
        /** Where it came from, as a tool outside the JVM said (a revision file); null: found by its text, if at all. */
        String script;
        int line;
    }

    /** A lock found held after a statement, open until its transaction ends. */
    static final class HeldRecord {
        ObservedLock lock;
        Stmt statement;
        long released = -1;
    }

    /** A lock seen by the poller: first and last time, granted or waiting. */
    static final class Polled {
        ObservedLock lock;
        Stmt statement;
        long firstSeen;
        long lastSeen;
        long waitingFrom = -1;
        long waitingUntil = -1;
    }
}
