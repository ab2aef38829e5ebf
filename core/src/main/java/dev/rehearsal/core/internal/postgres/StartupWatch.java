package dev.rehearsal.core.internal.postgres;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ends zonky's wait for an embedded server that has already died. Zonky runs {@code pg_ctl -w start}, then polls for a
 * connection for its whole start-up wait (10 s) even when the postmaster exited at once (an invalid setting, a
 * damaged cluster): a failed start cost 10 s, and a kept cluster that would not start cost 10 s before initdb.
 * {@code pg_ctl -w} itself exits as soon as the server accepts connections or has exited, and an exiting postmaster
 * removes its {@code postmaster.pid}; so once this data directory's {@code pg_ctl} has come and gone and no
 * {@code postmaster.pid} is left, the server did not start, and the starting thread is interrupted (zonky's wait then
 * returns at once). The caller asks {@link #serverExited()} after the start returns. A watch that never sees its
 * {@code pg_ctl} (the platform hides processes' arguments) changes nothing: zonky waits as before.
 */
final class StartupWatch implements AutoCloseable {

    private static final long POLL_MILLIS = 20;

    private final Path data;
    private final Thread starter = Thread.currentThread();
    private final Thread watcher;
    private volatile boolean exited;
    private volatile boolean closed;

    private StartupWatch(Path data) {
        this.data = data;
        this.watcher = new Thread(this::watch, "rehearsal-embedded-start-watch");
        watcher.setDaemon(true);
    }

    /** Starts watching the server about to start on {@code data}, from the thread that starts it. */
    static StartupWatch on(Path data) {
        StartupWatch watch = new StartupWatch(data);
        watch.watcher.start();
        return watch;
    }

    /** Whether the server was seen to exit during its start (its {@code pg_ctl} gone, no {@code postmaster.pid}). */
    boolean serverExited() {
        return exited;
    }

    private void watch() {
        boolean seen = false;
        while (!closed) {
            boolean running = pgCtlRunning();
            if (running) {
                seen = true;
            } else if (seen) {
                if (!Files.exists(data.resolve("postmaster.pid"))) {
                    exited = true;
                    starter.interrupt();
                }
                return; // pg_ctl is done: the server runs, or it has exited and the start is told so
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Whether a {@code pg_ctl} child of this JVM works on this data directory (its name is unique per server). */
    private boolean pgCtlRunning() {
        String directory = data.getFileName().toString();
        return ProcessHandle.current().children().anyMatch(p -> {
            ProcessHandle.Info info = p.info();
            return info.command().map(c -> c.endsWith("pg_ctl")).orElse(false)
                    && info.arguments().map(a -> String.join(" ", a).contains(directory)).orElse(false);
        });
    }

    /** Stops watching; clears the interrupt this watch sent, so that it reaches nothing after the start. */
    @Override
    public void close() {
        closed = true;
        watcher.interrupt();
        try {
            watcher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (exited) {
            Thread.interrupted();
        }
    }
}
