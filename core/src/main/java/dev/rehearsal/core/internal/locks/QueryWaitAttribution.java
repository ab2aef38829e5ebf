package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.locks.QueryWaits;
import dev.rehearsal.core.locks.StatementTrace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Places each application statement's longest wait behind the migration's lock that caused it: a lock on the
 * statement's table whose mode conflicts with the one the statement needs, held (or queued for) while the statement
 * waited; of several, the one that overlapped the wait longest, then the strongest. Only table locks on the
 * statement's own table are placed: a wait on a row lock, or on another table it reads, stays unplaced, as does any
 * wait where the engine's lock modes were not traced (MariaDB without {@code performance_schema}).
 */
final class QueryWaitAttribution {

    private QueryWaitAttribution() {
    }

    static List<QueryWaits> of(List<ApplicationTraffic.Played> played, List<StatementTrace> statements,
                               List<HeldLock> locks, Engine engine) {
        List<QueryWaits> waits = new ArrayList<>();
        for (ApplicationTraffic.Played p : played) {
            TrafficStatement s = p.statement();
            Optional<QueryWaits.Behind> behind = p.waited() == 0 ? Optional.empty()
                    : behind(s, p.longestStartedAt(), p.longest(), locks, engine)
                    .map(l -> new QueryWaits.Behind(l.statement(), l.statement() < statements.size()
                            ? statements.get(l.statement()).where() : "statement " + (l.statement() + 1), l));
            waits.add(new QueryWaits(s.query(), s.origin(), s.table(), s.kind(), p.runs(), p.waited(), p.longest(),
                    p.longestStartedAt(), p.p95(), p.failed(), p.firstError(), p.cancelled(), behind));
        }
        return waits;
    }

    static Optional<HeldLock> behind(TrafficStatement s, Duration from, Duration took, List<HeldLock> locks,
                                     Engine engine) {
        LockMode wanted = wanted(s.kind(), engine);
        long start = from.toNanos();
        long end = start + took.toNanos();
        return locks.stream().filter(l -> l.relation().equals(s.table()) && l.mode().conflictsWith(wanted))
                .filter(l -> overlap(l, start, end) > 0)
                .max(Comparator.comparingLong((HeldLock l) -> overlap(l, start, end))
                        .thenComparing(l -> l.mode().ordinal()) // of two held together, the stronger one
                        .thenComparing(HeldLock::held));
    }

    private static long overlap(HeldLock l, long start, long end) {
        long from = l.acquiredAt().toNanos();
        long until = from + Math.max(l.held().toNanos(), l.waited().toNanos());
        return Math.max(0, Math.min(end, until) - Math.max(start, from));
    }

    /**
     * The table lock the statement needs, in the modes the trace uses: on MariaDB a locking read takes the same
     * metadata lock as a write (SHARED_WRITE, traced as ROW EXCLUSIVE).
     */
    static LockMode wanted(ProbeResult.Kind kind, Engine engine) {
        return switch (kind) {
            case READ -> LockMode.ACCESS_SHARE;
            case WRITE -> LockMode.ROW_EXCLUSIVE;
            case LOCKING_READ -> engine == Engine.MARIADB ? LockMode.ROW_EXCLUSIVE : LockMode.ROW_SHARE;
        };
    }
}
