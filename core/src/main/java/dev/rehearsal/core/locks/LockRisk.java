package dev.rehearsal.core.locks;

import org.apiguardian.api.API;

/**
 * A risky thing a migration did, found from what really happened when it ran (the trace, the table sizes, the
 * schema before), not from its text alone.
 *
 * @param rule        the rule's id ({@code non-concurrent-index})
 * @param statement   where: script, line and statement
 * @param table       the table at risk
 * @param reason      one line: what happens in production
 * @param alternative the safe way to do it
 * @param suppressed  why it is allowed, when the migration suppresses the rule; else null
 */
@API(status = API.Status.STABLE, since = "0.1")
public record LockRisk(String rule, String statement, String table, String reason, String alternative, String suppressed) {

    /** The rule of a migration that breaks queries of the running application ({@code rehearsal.queries.file}). */
    public static final String BREAKS_RUNNING_APP = "breaks-running-app";

    /** Whether the migration allows this risk (with a reason). */
    public boolean isSuppressed() {
        return suppressed != null;
    }

    @Override
    public String toString() {
        return "[" + rule + "] " + statement + "\n      " + reason + "\n      safer: " + alternative
                + (suppressed == null ? "" : "\n      allowed: " + suppressed);
    }
}
