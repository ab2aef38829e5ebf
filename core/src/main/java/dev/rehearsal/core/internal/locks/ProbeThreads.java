package dev.rehearsal.core.internal.locks;

import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run probes for one throwaway database, kept between phases. A seeded phase probes up to six
 * tables with three probes each; starting a new thread for every probe of every phase would cost more than a small
 * migration, as it would for the lock poller ({@link LockPoller}). A thread idle for a minute ends; {@link #close()} ends them all.
 *
 * <p>A phase first {@linkplain #reserve reserves} a thread for each of its probes, so no probe waits for a thread;
 * a pool that started a thread only when none was idle raced with the previous phase's threads, which had ended
 * their probes but were not yet idle again, and started more threads on a busy machine.
 */
final class ProbeThreads implements AutoCloseable {

    /** The name of a thread waiting for its next probe; a running probe names its thread after itself. */
    static final String IDLE_NAME = "rehearsal-probe-idle";

    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), task -> {
        Thread t = new Thread(task, IDLE_NAME);
        t.setDaemon(true);
        started.incrementAndGet();
        return t;
    });

    ProbeThreads() {
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Makes room for {@code probes} probes beside those {@linkplain #abandoned() abandoned} (each may still hold its
     * thread), so each gets a thread of its own as soon as it is {@linkplain #run run}.
     */
    synchronized void reserve(int probes) {
        int needed = probes + abandoned.get();
        if (needed > pool.getCorePoolSize()) {
            pool.setMaximumPoolSize(needed);
            pool.setCorePoolSize(needed);
        }
    }

    /** Runs {@code probe} on one of the threads {@linkplain #reserve reserved} for it. */
    void run(Runnable probe) {
        pool.execute(probe);
    }

    /**
     * Records a probe whose phase ended without it (its statement did not return even after a cancel): its thread
     * may stay busy, so later phases reserve one more. Counting it when it ends would race as counting idle threads
     * did; a thread kept idle for the rest of the rehearsal costs nothing.
     */
    void abandoned() {
        abandoned.incrementAndGet();
    }

    /** Cancels a traffic session's running statement. */
    interface Cancel {
        void run() throws SQLException;
    }

    /**
     * Waits for one traffic session's loop to end after its phase was told to stop: {@code grace} milliseconds, then
     * {@code cancel} (a statement still waiting for someone else's lock), then up to two minutes. A loop that never
     * ended is counted {@linkplain #abandoned() abandoned}. Returns whether it ended, so its session can be reused.
     */
    boolean awaitEnd(boolean submitted, CountDownLatch done, long grace, Cancel cancel) {
        if (!submitted) {
            return true;
        }
        boolean ended = false;
        try {
            ended = done.await(grace, TimeUnit.MILLISECONDS);
            if (!ended) {
                cancel.run();
            }
            ended = ended || done.await(2, TimeUnit.MINUTES);
        } catch (SQLException e) {
            // the cancel did not get through: the session's statement timeout still ends it, and the session is
            // closed rather than handed out again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!ended) {
            abandoned(); // its thread may stay busy: later phases reserve one more
        }
        return ended;
    }

    /** How many threads this pool has started so far: a test checks that phases reuse them. */
    int started() {
        return started.get();
    }

    /** Ends the idle threads; a probe still running (its run was not stopped) ends its thread when it returns. */
    @Override
    public void close() {
        pool.shutdown();
    }
}
