package dev.rehearsal.cli;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.report.ReportWriter;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (SIGINT) or SIGTERM during a check: writes the reports as they stand, marked partial, closes the rehearsal
 * (dropping its databases), stops the embedded server, then ends the process with the code shells and CI runners
 * expect of a process a signal ended: 130 for SIGINT, 143 for SIGTERM (128 + the signal's number). The main
 * thread, whose migration the closing database interrupts, stops at once. Any other end of the JVM during a check
 * (SIGHUP, a closed terminal) does the same through a shutdown hook, and exits 2.
 */
final class Interrupt {

    static final int SIGINT_EXIT = 130;
    static final int SIGTERM_EXIT = 143;

    private final boolean enabled;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch handled = new CountDownLatch(1);
    private volatile String running;
    private volatile int exitCode = RehearsalCli.ERROR;
    private Thread hook;
    private final List<Runnable> restore = new ArrayList<>();

    /** @param enabled whether signals end the check cleanly: only in a real process, whose JVM a signal ends */
    Interrupt(boolean enabled) {
        this.enabled = enabled;
    }

    void arm(MigrationRehearsal rehearsal, Outputs outputs, PrintWriter out, PrintWriter err, Progress progress) {
        if (!enabled) {
            return;
        }
        Runnable stop = () -> {
            try {
                // the step the loop was in, not the first the report shows unfinished: the migration the closing
                // database cuts off may already be recorded as failed
                String step = running;
                String where = step == null ? "" : " before " + step + " finished";
                progress.note("rehearsal: interrupted" + where + "; writing partial reports and dropping the"
                        + " throwaway databases");
                RoundTripReport report = rehearsal.report();
                ReportWriter writer = ReportWriter.of(report, rehearsal.history(), Path.of("")).partial(step);
                outputs.write(writer, report, out, progress);
            } catch (RuntimeException e) {
                err.println("rehearsal: the partial reports could not be written: " + e.getMessage());
            } finally {
                try {
                    rehearsal.close();
                } catch (RuntimeException e) {
                    err.println("rehearsal: the throwaway databases could not all be dropped (" + e.getMessage()
                            + "); on a named server, drop the rehearsal_* databases left there");
                }
                DatabaseProviders.stopSharedEmbeddedPostgres();
                err.flush();
                out.flush();
                handled.countDown();
                Runtime.getRuntime().halt(exitCode);
            }
        };
        handle("INT", SIGINT_EXIT, stop);
        handle("TERM", SIGTERM_EXIT, stop);
        hook = new Thread(() -> {
            if (requested.compareAndSet(false, true)) {
                stop.run();
            } else {
                awaitQuietly(); // a signal's handler is at work: the JVM ends when it halts
            }
        }, "rehearsal-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * The JVM's own handling of {@code signal} (starting its shutdown, exit code 128 + its number, whatever the
     * hooks did) replaced while a check runs, so that the exit code says which signal ended it. A platform without
     * the signal keeps the JVM's handling; the shutdown hook then does the work.
     */
    @SuppressWarnings("removal")
    private void handle(String signal, int code, Runnable stop) {
        try {
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                if (requested.compareAndSet(false, true)) {
                    exitCode = code;
                    new Thread(stop, "rehearsal-" + signal.toLowerCase(Locale.ROOT)).start();
                }
            });
            restore.add(() -> sun.misc.Signal.handle(new sun.misc.Signal(signal), previous));
        } catch (IllegalArgumentException e) {
            // no such signal here (or the JVM runs with -Xrs): the shutdown hook handles the end of the process
        }
    }

    boolean requested() {
        return requested.get();
    }

    /** The migration whose round trip is running now, or null between and after them. */
    void running(String migration) {
        running = migration;
    }

    /** Waits for the handler, which then ends the process; returns its exit code. */
    int await() {
        awaitQuietly();
        return exitCode;
    }

    private void awaitQuietly() {
        try {
            handled.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Gives the signals back to the JVM and removes the hook: the check is over. */
    void disarm() {
        restore.forEach(Runnable::run);
        restore.clear();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already: the hook runs
            }
            hook = null;
        }
    }
}
