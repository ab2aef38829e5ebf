package dev.rehearsal.core.internal.locks;

import java.sql.Connection;
import java.util.List;

/**
 * Told about every statement run through an {@link ObservedDataSource} while it observes. {@code physical} is the
 * connection underneath, on which the observer may run its own queries (inside the same transaction).
 */
interface StatementObserver {

    /** A connection was handed out or used for the first time while observing. */
    void connectionSeen(Connection physical);

    /** A statement is about to run; returns a token for {@link #after}. */
    Object before(Connection physical, String sql);

    /**
     * The statement ended; {@code failure} is null when it succeeded, {@code warnings} what the server said
     * ({@code SQLSTATE: message}), {@code rowsAffected} its update count (-1 for queries and where unknown).
     */
    void after(Object token, Connection physical, Throwable failure, List<String> warnings, long rowsAffected);

    /** The connection's transaction ended (commit, rollback, or auto-commit switched on). */
    void transactionEnded(Connection physical);

    /** The connection was closed or given back. */
    void connectionClosed(Connection physical);
}
