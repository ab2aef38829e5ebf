package dev.rehearsal.core.locks;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.Objects;

/**
 * The application traffic Rehearsal plays while a migration runs. {@link #probes()}: readers, writers and locking
 * readers on each table the migration touches. {@link #behindLongTransaction(Duration)} adds a transaction that
 * has read those tables and stays open (as a slow report query would), to rehearse the lock queue: a migration
 * that waits for it makes every later query wait too, unless it sets a {@code lock_timeout} and gives up.
 *
 * @param runProbes       whether probes run
 * @param longTransaction how long the blocking transaction stays open after the migration starts; zero for none
 */
@API(status = API.Status.STABLE, since = "0.1")
public record Traffic(boolean runProbes, Duration longTransaction) {

    public Traffic {
        Objects.requireNonNull(longTransaction, "longTransaction");
        if (longTransaction.isNegative()) {
            throw new IllegalArgumentException("longTransaction must not be negative");
        }
    }

    /** Probes on every touched table, no blocking transaction. */
    public static Traffic probes() {
        return new Traffic(true, Duration.ZERO);
    }

    /** No traffic: the migration runs alone (its locks are still traced). */
    public static Traffic none() {
        return new Traffic(false, Duration.ZERO);
    }

    /** A copy with a transaction that holds read locks on the touched tables for {@code hold} once the migration starts. */
    public Traffic behindLongTransaction(Duration hold) {
        return new Traffic(runProbes, hold);
    }
}
