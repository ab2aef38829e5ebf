package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.EngineLocks.ObservedLock;
import dev.rehearsal.core.internal.locks.TraceRecords.Session;
import dev.rehearsal.core.internal.locks.TraceRecords.Stmt;

import java.sql.SQLException;
import java.util.List;

/**
 * The statements of a tool outside the JVM, traced by a {@link LockTracer} as those of a tool in the JVM are: each
 * reported before and after it runs, while the tool waits, and the locks its open transaction holds read from the
 * observer (a lock table shows every session's locks). What only the session itself can say (rewritten tables, the
 * write-ahead log it wrote) is not known for it; its lock timeout is what the tool read.
 */
final class ToolSessionTrace implements ToolSessions {

    private final LockTracer trace;

    ToolSessionTrace(LockTracer trace) {
        this.trace = trace;
    }

    @Override
    public Object before(int backend, String sql, boolean inTransaction, String script, int line) {
        Stmt s = trace.begin(trace.toolSession(backend), sql, inTransaction);
        s.script = script;
        s.line = line;
        return s;
    }

    @Override
    public void after(Object token, boolean failed, long rowsAffected, String lockTimeout) {
        if (!(token instanceof Stmt s)) {
            return;
        }
        s.end = System.nanoTime();
        s.failed = failed;
        s.rowsAffected = rowsAffected;
        s.lockTimeout = lockTimeout;
        Session session = trace.toolSession(s.pid);
        synchronized (trace) {
            session.current = null;
        }
        if (!failed && s.inTransaction && LockTracer.ENDS_TRANSACTION.matcher(s.sql).find()) {
            trace.release(session); // the revision's own COMMIT or ROLLBACK
            return;
        }
        if (failed || !s.inTransaction || s.script == null) {
            return; // Alembic's own bookkeeping, and statements outside a transaction (seen by the poller)
        }
        try {
            List<ObservedLock> held = trace.locksHeldBy(s.pid);
            trace.hold(session, s, held);
        } catch (SQLException e) {
            trace.observerFailed(e);
        }
    }

    @Override
    public void transactionEnded(int backend) {
        trace.release(trace.toolSession(backend));
    }
}
