package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.db.EphemeralDatabase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Databases a run is done with (the one a restore replaced, a copy kept for a restore that was not needed, a failed
 * round trip's, and at the end its last), each closed on a thread of its own while the run goes on; {@link #close}
 * waits until every one is closed. On PostgreSQL a {@code DROP DATABASE} makes the server write a checkpoint and waits
 * for it (tens of milliseconds on an idle server, more on a busy one), which the next phase would otherwise wait for,
 * and drops that run at once share one checkpoint. A retired database is not used again: the run has already moved
 * to another, and closing it closes its connections.
 */
final class RetiredDatabases implements AutoCloseable {

    private final List<Future<?>> pending = new ArrayList<>();
    private ExecutorService closer;
    private boolean closed;

    /**
     * Closes {@code database} on a thread of this object's; once this object is closed (a rehearsal closed while a
     * phase still ran: Ctrl-C, a part stopped), on the caller's thread, as nobody would wait for it.
     */
    void retire(EphemeralDatabase database) {
        synchronized (this) {
            if (!closed) {
                submit(database);
                return;
            }
        }
        database.close();
    }

    private void submit(EphemeralDatabase database) {
        if (closer == null) {
            closer = Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "rehearsal-retired-databases");
                thread.setDaemon(true); // close() is what waits; a JVM that ends without it leaves orphans, reaped later
                return thread;
            });
        }
        pending.add(closer.submit(database::close));
    }

    /**
     * Waits until every retired database is closed, an interrupt included (what was retired is still dropped before
     * this returns; the interrupt is kept); throws the first failure to close one, with the others added to it.
     */
    @Override
    public void close() {
        Throwable failure = awaitAll();
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) { // EphemeralDatabase.close() declares no checked exception
            throw new IllegalStateException(failure);
        }
    }

    /**
     * Runs {@code before}, then retires {@code last} and closes this object, even where {@code before} failed: its
     * failure is then thrown, with any failure to close a database added to it.
     */
    void closeWithLast(EphemeralDatabase last, Runnable before) {
        try {
            before.run();
        } catch (RuntimeException | Error e) {
            try {
                retire(last);
            } catch (RuntimeException | Error also) {
                e.addSuppressed(also);
            }
            Throwable failure = awaitAll();
            if (failure != null) {
                e.addSuppressed(failure);
            }
            throw e;
        }
        retire(last);
        close();
    }

    /** Waits for every close, and ends the threads; returns the first failure, the others added to it. */
    private synchronized Throwable awaitAll() {
        closed = true;
        Throwable failure = null;
        boolean interrupted = false;
        for (Future<?> closing : pending) {
            while (true) {
                try {
                    closing.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    } else {
                        failure.addSuppressed(e.getCause());
                    }
                    break;
                }
            }
        }
        pending.clear();
        if (closer != null) {
            closer.shutdown();
            closer = null;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failure;
    }
}
