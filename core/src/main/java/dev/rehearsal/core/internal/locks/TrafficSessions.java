package dev.rehearsal.core.internal.locks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * Sessions that play traffic beside a migration ({@link Prober}'s probes, {@link ApplicationTraffic}'s statements),
 * which the lock tracer's watcher may cancel when the migration waits for one of them: traffic must never fail a
 * migration.
 */
interface TrafficSessions {

    /** The running sessions, by the engine's session id: the table each plays against, and what it does there. */
    Map<Integer, Prober.Session> sessions();

    /**
     * Cancels the statement of the session {@code backend} (one of {@link #sessions()}; any other id is refused, so
     * no session but this traffic's is ever cancelled). Its failure then counts as a cancellation.
     */
    void cancel(Connection observer, int backend) throws SQLException;
}
