package dev.rehearsal.core.internal.lifecycle;

import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process that is not our child is still running. {@link ProcessHandle#isAlive()} says yes for a process
 * that has exited but was not yet reaped by its parent (a zombie). A postmaster started through {@code pg_ctl} is
 * handed to PID 1 when {@code pg_ctl} exits, and where PID 1 reaps late (a container without an init, some
 * sandboxes: about a second here) or never (a JVM that is itself PID 1), waiting for {@code isAlive} to turn false
 * after the server stopped waits for that, not for the server. On Linux the process state says it: {@code Z}
 * (zombie) or {@code X} (dead) has exited. Elsewhere {@code isAlive} is all there is.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Processes {

    private Processes() {
    }

    /** Whether the process {@code pid} exists and has not exited. */
    public static boolean running(long pid) {
        return ProcessHandle.of(pid).map(Processes::running).orElse(false);
    }

    /** Whether {@code process} has not exited, an exited but unreaped process counting as exited. */
    public static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        char state = linuxState(process.pid());
        return state != 'Z' && state != 'X';
    }

    /**
     * Waits until the process {@code pid} has exited, at most {@code timeoutMillis}; returns whether it did. Polls
     * every 10 ms: the process is not our child, so there is no exit to wait on.
     */
    public static boolean awaitExit(long pid, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (running(pid)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !running(pid);
            }
        }
        return true;
    }

    /**
     * The state letter in {@code /proc/<pid>/stat} (the field after the command name, which is in parentheses and
     * may itself hold spaces or parentheses); a space when there is no such file (not Linux, or already gone).
     */
    static char linuxState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int end = stat.lastIndexOf(')');
            return end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : ' ';
        } catch (IOException | RuntimeException e) {
            return ' ';
        }
    }
}
