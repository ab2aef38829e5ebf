package dev.rehearsal.core.locks;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.Locale;

/**
 * A lock a migration's backend held (or waited for) on one relation.
 *
 * @param relation   the relation ({@code orders}, {@code orders_status_idx}, {@code audit.log})
 * @param kind       table, index, sequence, view...
 * @param mode       the lock mode
 * @param statement  the index (0-based) in the trace of the statement that took it
 * @param acquiredAt when it was first seen, from the start of the migration
 * @param held       how long it was held: until the transaction ended, or, for a statement outside a transaction,
 *                   while it was seen
 * @param waited     how long the backend waited to get it (zero when granted at once)
 * @param existing   whether the relation existed before the migration (locks on relations it creates block nobody)
 */
@API(status = API.Status.STABLE, since = "0.1")
public record HeldLock(String relation, RelationKind kind, LockMode mode, int statement, Duration acquiredAt,
                       Duration held, Duration waited, boolean existing) {

    /** What kind of relation a lock is on. */
    public enum RelationKind { TABLE, INDEX, SEQUENCE, VIEW, MATERIALIZED_VIEW, OTHER }

    @Override
    public String toString() {
        return mode + " on " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " " + relation
                + " held " + held.toMillis() + " ms" + (waited.isZero() ? "" : " after waiting " + waited.toMillis() + " ms")
                + (existing ? "" : " (created by the migration)");
    }
}
