package dev.rehearsal.core.db;

import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.RiskRuleSet;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * How to watch locks on one engine: who holds what, which tables were rewritten, and the SQL of the probe traffic.
 * Obtained from {@link Dialect#locks()}. PostgreSQL reads {@code pg_locks} and {@code pg_class.relfilenode};
 * MariaDB/MySQL would read {@code performance_schema.metadata_locks}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface EngineLocks {

    /** A lock seen in the engine's lock table. */
    record ObservedLock(int backend, String relation, HeldLock.RelationKind kind, LockMode mode, boolean granted) {
    }

    /** The engine's id of the session behind {@code connection} (PostgreSQL: the backend pid). */
    int backendId(Connection connection) throws SQLException;

    /** The relation locks held or awaited by these sessions, user relations only, seen from another session. */
    List<ObservedLock> locksOf(Connection observer, Collection<Integer> backends) throws SQLException;

    /**
     * What the session of {@code connection} holds now, asked on that very connection (inside its transaction):
     * its relation locks, the storage identity of the {@code watched} tables (to spot rewrites), and its lock timeout.
     */
    SessionState sessionState(Connection connection, Collection<String> watched) throws SQLException;

    /**
     * A query that returns, as the one column of one row, the lock timeout of the session it runs in, in the form of
     * {@link SessionState#lockTimeout()}: what a migration tool outside the JVM (Alembic's helper) runs after each
     * statement on its own session, which Rehearsal cannot ask. Null where the engine has none.
     */
    default String lockTimeoutQuery() {
        return null;
    }

    /** The storage identity (PostgreSQL: relfilenode) of the {@code watched} tables, by name. */
    Map<String, Long> storage(Connection connection, Collection<String> watched) throws SQLException;

    /** Cancels what a session is running (it fails with a cancellation error). */
    void cancel(Connection observer, int backend) throws SQLException;

    /** One edge of the wait graph: session {@code waiter} waits for a lock session {@code holder} holds or is ahead for. */
    record Wait(int waiter, int holder) {
    }

    /**
     * Who waits for whom among {@code sessions} now, seen from another session: relation, row and transaction locks
     * (PostgreSQL: {@code pg_blocking_pids}; MariaDB: the InnoDB lock waits and the pending metadata locks). The
     * watcher uses it while a migration runs to find probe sessions in the migration's way.
     */
    List<Wait> waitsAmong(Connection observer, Collection<Integer> sessions) throws SQLException;

    /**
     * The engine's risk rules: what is risky in a traced run, and what to do instead, differs by engine. There is no
     * default; each engine brings its own.
     */
    RiskRuleSet riskRules();

    /** One line on who holds the locks a session waits for, for timeout messages; empty when it waits for none. */
    String blockers(Connection observer, int backend) throws SQLException;

    /** Statements that prepare a probe session: no lock timeout, a statement timeout as a safety net. */
    List<String> probeSession(long statementTimeoutMillis);

    /** A plain read of one row. */
    String readProbe(String table);

    /** A write of one row (setting {@code column} to itself); run in a transaction that is rolled back. */
    String writeProbe(String table, String column);

    /** A locking read of one row; run in a transaction that is rolled back. */
    String lockingReadProbe(String table);

    /**
     * The server's write-ahead log position in bytes, read from any session (the log is the server's); empty where
     * the engine cannot say. The tracer reads it when a trace starts, and {@link #sessionState} after each
     * statement, to tell how much each statement wrote.
     */
    default OptionalLong walPosition(Connection observer) throws SQLException {
        return OptionalLong.empty();
    }

    /**
     * Where a trace starts from, read on the observer's connection: the storage identity of the {@code watched}
     * tables, the write-ahead log position, and which of those tables are known to hold no rows (no probe can wait
     * on them, and their row count is known without counting). Engines that can should answer in one round trip,
     * since every observed migration phase asks.
     */
    default StartingPoint startingPoint(Connection observer, Collection<String> watched) throws SQLException {
        return new StartingPoint(storage(observer, watched), walPosition(observer), Set.of());
    }

    /**
     * @param storage     storage identity of the watched tables
     * @param walPosition the write-ahead log position (see {@link #walPosition}), empty where unknown
     * @param withoutRows watched tables that hold no rows for certain; empty where the engine cannot tell cheaply
     */
    record StartingPoint(Map<String, Long> storage, OptionalLong walPosition,
                         Set<String> withoutRows) {
    }

    /**
     * @param locks       relation locks of the session, user relations only
     * @param storage     storage identity of every user table
     * @param lockTimeout the session's lock timeout setting
     * @param walPosition the write-ahead log position (see {@link #walPosition}), empty where unknown
     */
    record SessionState(List<ObservedLock> locks, Map<String, Long> storage, String lockTimeout,
                        OptionalLong walPosition) {

        /** A state without a log position. */
        public SessionState(List<ObservedLock> locks, Map<String, Long> storage, String lockTimeout) {
            this(locks, storage, lockTimeout, OptionalLong.empty());
        }
    }
}
