package dev.rehearsal.core.internal.sql;

import org.apiguardian.api.API;

/**
 * Marks a connection lent from a transaction Rehearsal holds open across an up and its checks, to roll it back
 * afterwards: its {@code commit()} and {@code rollback()} are savepoints of that transaction. Code that would end a
 * transaction by sending {@code COMMIT} as SQL asks {@code connection.isWrapperFor(LentConnection.class)} first, and
 * calls {@code commit()} instead where it is one.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface LentConnection {
}
