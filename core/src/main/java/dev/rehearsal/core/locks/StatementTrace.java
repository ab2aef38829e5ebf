package dev.rehearsal.core.locks;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One statement of a traced migration: what ran, where it is in its script, how long it took, and what it did to
 * locks and tables.
 *
 * @param index          position in the trace, from 0
 * @param script         the script it came from, when known
 * @param line           its line in the script, 0 when unknown
 * @param sql            the statement as executed
 * @param startedAt      when it started, from the start of the migration
 * @param duration       how long it ran (lock waits included)
 * @param inTransaction  whether it ran inside a transaction (else it committed by itself, or forbids one)
 * @param rewritten      tables whose storage it rewrote (their relfilenode changed)
 * @param lockTimeout    the session's {@code lock_timeout} when it ran ({@code 0} when none)
 * @param failed         whether it failed (the trace ends with it)
 * @param warnings       what the server said while it ran ({@code SQLWarning}s: PostgreSQL's NOTICE and WARNING
 *                       messages, MariaDB's warnings), each as {@code SQLSTATE: message}
 * @param walBytes       bytes of write-ahead log the server wrote while it ran (PostgreSQL; a rewrite writes the
 *                       table again, a catalog-only change almost nothing); {@code -1} where unknown. Other sessions'
 *                       writes meanwhile (probe traffic) count too
 * @param rowsAffected   the rows it inserted, updated or deleted, as the server counted them (its update count; 0
 *                       for schema changes); {@code -1} for queries and where unknown
 */
@API(status = API.Status.STABLE, since = "0.1")
public record StatementTrace(int index, String script, int line, String sql, Duration startedAt, Duration duration,
                             boolean inTransaction, Set<String> rewritten, String lockTimeout, boolean failed,
                             List<String> warnings, long walBytes, long rowsAffected) {

    public StatementTrace {
        rewritten = Set.copyOf(rewritten);
        warnings = List.copyOf(warnings);
    }

    /** A statement whose update count is not known. */
    public StatementTrace(int index, String script, int line, String sql, Duration startedAt, Duration duration,
                          boolean inTransaction, Set<String> rewritten, String lockTimeout, boolean failed,
                          List<String> warnings, long walBytes) {
        this(index, script, line, sql, startedAt, duration, inTransaction, rewritten, lockTimeout, failed, warnings,
                walBytes, -1);
    }

    /** A statement whose write-ahead log is not known. */
    public StatementTrace(int index, String script, int line, String sql, Duration startedAt, Duration duration,
                          boolean inTransaction, Set<String> rewritten, String lockTimeout, boolean failed,
                          List<String> warnings) {
        this(index, script, line, sql, startedAt, duration, inTransaction, rewritten, lockTimeout, failed, warnings, -1);
    }

    /** A statement the server said nothing about. */
    public StatementTrace(int index, String script, int line, String sql, Duration startedAt, Duration duration,
                          boolean inTransaction, Set<String> rewritten, String lockTimeout, boolean failed) {
        this(index, script, line, sql, startedAt, duration, inTransaction, rewritten, lockTimeout, failed, List.of());
    }

    /** The first line of the statement, shortened, for messages. */
    public String summary() {
        String first = sql.strip().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("--"))
                .findFirst().orElse("");
        return first.length() > 90 ? first.substring(0, 87) + "..." : first;
    }

    /** {@code V5__x.sql line 3: create index ...}. */
    public String where() {
        return (script == null ? "statement " + (index + 1) : script + (line > 0 ? " line " + line : "")) + ": " + summary();
    }

    /**
     * The server's notices among {@link #warnings()}: what it says for information only (reports count them rather
     * than list them).
     */
    public List<String> notices() {
        return warnings.stream().filter(StatementTrace::isNotice).toList();
    }

    /** {@link #warnings()} less its {@link #notices()}: what the server warned about. */
    public List<String> warningsBeyondNotices() {
        return warnings.stream().filter(w -> !isNotice(w)).toList();
    }

    /**
     * Whether a warning as {@link #warnings()} holds it ({@code SQLSTATE: message}) is a notice: PostgreSQL's NOTICE,
     * INFO and {@code RAISE NOTICE} messages carry SQLSTATE {@code 00000} (successful completion: {@code table "x" does
     * not exist, skipping}, {@code drop cascades to ...}), and its {@code IF NOT EXISTS} notices end in
     * {@code , skipping} under the code of the object found ({@code 42P07: relation "x" already exists, skipping}).
     * Anything else (a WARNING such as {@code 25001}, MariaDB's warnings) is not.
     */
    public static boolean isNotice(String warning) {
        String w = warning.strip();
        return w.startsWith("00000:") || w.endsWith(", skipping");
    }

    /** Whether no lock timeout was set when it ran. */
    public boolean noLockTimeout() {
        return lockTimeout == null || lockTimeout.equals("0") || lockTimeout.equals("0ms");
    }
}
