package dev.rehearsal.core.internal.locks;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread that polls lock traces for one throwaway database, started at the first observed phase and kept
 * until the database's observation closes. A history runs three observed phases per migration; starting a thread
 * for each would cost more than a whole empty-table migration.
 * It polls one trace at a time, the one {@link #watch} handed it, every poll interval of that trace, and wakes at
 * once when the trace is {@link #release released}.
 */
final class LockPoller implements AutoCloseable {

    private final Object monitor = new Object();
    /** Held while a trace is polled: {@link #release} waits for it, so no poll of a released trace runs after. */
    private final ReentrantLock polling = new ReentrantLock();
    private LockTracer current;
    private boolean closed;
    private Thread thread;

    /** Polls {@code tracer} from now on, until {@link #release}. */
    void watch(LockTracer tracer) {
        synchronized (monitor) {
            if (closed) {
                throw new IllegalStateException("the lock poller is closed");
            }
            current = tracer;
            if (thread == null) {
                thread = new Thread(this::run, "rehearsal-lock-poller");
                thread.setDaemon(true);
                thread.start();
            }
            monitor.notifyAll();
        }
    }

    /** Stops polling {@code tracer}; when this returns, no poll of it is running or will run. */
    void release(LockTracer tracer) {
        synchronized (monitor) {
            if (current == tracer) {
                current = null;
            }
            monitor.notifyAll();
        }
        polling.lock();
        polling.unlock();
    }

    private void run() {
        try {
            while (true) {
                LockTracer tracer;
                synchronized (monitor) {
                    while (current == null && !closed) {
                        monitor.wait();
                    }
                    if (closed) {
                        return;
                    }
                    tracer = current;
                }
                long now = System.nanoTime();
                boolean again;
                polling.lock();
                try {
                    synchronized (monitor) {
                        if (current != tracer) {
                            continue; // released meanwhile
                        }
                    }
                    again = tracer.pollOnce(now);
                } finally {
                    polling.unlock();
                }
                synchronized (monitor) {
                    if (!again && current == tracer) {
                        current = null; // it failed: the trace reports why, and the phase goes on unwatched
                    }
                    long sleep = tracer.pollNanos() - (System.nanoTime() - now);
                    if (current == tracer && sleep > 0) {
                        monitor.wait(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the thread; a trace still watched is released first. */
    @Override
    public void close() {
        Thread t;
        synchronized (monitor) {
            closed = true;
            current = null;
            t = thread;
            monitor.notifyAll();
        }
        if (t != null) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
