package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.model.RehearsalException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A throwaway database being created on a thread of its own (a daemon, so that a JVM ending does not wait for it),
 * while the caller does other work. Whoever holds one either takes the database ({@link #get}) or discards it, which
 * waits for the creation to end and drops what it made: nothing is left on the server either way.
 */
final class FutureDatabase {

    private final CompletableFuture<EphemeralDatabase> creation;

    private FutureDatabase(CompletableFuture<EphemeralDatabase> creation) {
        this.creation = creation;
    }

    static FutureDatabase create(DatabaseProvider provider) {
        return new FutureDatabase(CompletableFuture.supplyAsync(provider::createDatabase, task -> {
            Thread thread = new Thread(task, "rehearsal-create-database");
            thread.setDaemon(true);
            thread.start();
        }));
    }

    /**
     * The database, once created; the provider's failure to create it as it threw it. An interrupt while waiting
     * drops the database once it is made, then ends the wait.
     */
    EphemeralDatabase get() {
        try {
            return creation.get();
        } catch (InterruptedException e) {
            // the creation still ends (the provider's own timeouts bound it), and what it made is dropped before this
            // returns: nothing is left on the server
            try {
                creation.join().close();
            } catch (RuntimeException | Error failure) {
                e.addSuppressed(failure);
            }
            Thread.currentThread().interrupt();
            throw new RehearsalException("Interrupted while the throwaway database was being created", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new RehearsalException("Could not create the throwaway database: " + e.getCause(), e.getCause());
        }
    }

    /** Drops the database once it is created; a failure to create or drop it is added to {@code failure}. */
    void discard(Throwable failure) {
        try {
            get().close();
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
    }
}
