package dev.rehearsal.core.internal.tools.command;

import dev.rehearsal.core.internal.helper.ToolProcessEnvironment;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a command line in a shell ({@code sh -c}), its standard output and error merged and kept (the last
 * {@value #KEPT_CHARS} characters), bounded by a timeout after which the command and every process it started are
 * killed. Written here rather than taken from a library (commons-exec, zt-exec) because what matters is small and
 * specific: killing the whole process tree, found before its root dies, which {@link ProcessHandle} does directly.
 */
final class ShellCommand {

    /** How much of the output is kept for messages: the end, where tools print their errors. */
    static final int KEPT_CHARS = 16_000;

    /** How a run ended. */
    record Result(String command, int exitCode, String output, boolean timedOut, int killed, List<String> refused,
                  boolean contained) {

        boolean succeeded() {
            return !timedOut && exitCode == 0;
        }

        /** The last {@code lines} lines of the output, indented for a message. */
        String tail(int lines) {
            List<String> all = output.strip().lines().toList();
            List<String> shown = all.subList(Math.max(0, all.size() - lines), all.size());
            String text = String.join("\n    ", shown);
            return text.isBlank() ? "    (no output)" : (all.size() > lines ? "    ...\n    " : "    ") + text;
        }
    }

    private ShellCommand() {
    }

    /**
     * Runs {@code command} in {@code directory} with {@code environment} (the JVM's, without what names another
     * database, and the throwaway database's variables), contained where the environment asks for it; the result
     * names the sessions the containment refused.
     *
     * @throws IOException when the shell cannot be started at all (the directory does not exist)
     * @throws java.io.InterruptedIOException when the thread is interrupted; the command and its children are killed
     */
    static Result run(String command, Path directory, ToolProcessEnvironment environment, Duration timeout)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of("/bin/sh", "-c", command))
                .directory(directory.toFile()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                        new File("/dev/null")));
        Process process = environment.start(builder);
        Output output = new Output(process.getInputStream());
        Thread reader = new Thread(output, "rehearsal-command-output");
        reader.setDaemon(true);
        reader.start();
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted");
            interrupted.initCause(e);
            throw interrupted;
        }
        int killed = 0;
        if (!finished) {
            killed = killTree(process);
        }
        try {
            // a background process the command left behind may hold the pipe open: do not wait for it for long
            reader.join(finished ? 2_000 : 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Result(command, finished ? process.exitValue() : -1, output.text(), !finished, killed,
                environment.takeRefusals(), environment.contained());
    }

    /**
     * Kills the process and everything it started: the descendants are listed before the root dies (once it has,
     * they belong to init and can no longer be found), children first so that none is left to start another.
     *
     * @return how many processes were killed besides the root
     */
    private static int killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.toHandle().destroyForcibly();
        for (ProcessHandle child : descendants) {
            child.destroyForcibly();
        }
        // a process started between the listing and the root's death: one more look
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return descendants.size();
    }

    /** Reads a process's output to its end, keeping the last characters. */
    private static final class Output implements Runnable {
        private final InputStream in;
        private final StringBuilder kept = new StringBuilder();

        Output(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            char[] buffer = new char[8192];
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                for (int n; (n = reader.read(buffer)) >= 0; ) {
                    synchronized (kept) {
                        kept.append(buffer, 0, n);
                        if (kept.length() > 2 * KEPT_CHARS) {
                            kept.delete(0, kept.length() - KEPT_CHARS);
                        }
                    }
                }
            } catch (IOException e) {
                synchronized (kept) { // the pipe broke as the process was killed: what was read so far is what shows
                    kept.append("\n[the rest of the output could not be read: ").append(e.getMessage()).append(']');
                }
            }
        }

        String text() {
            synchronized (kept) {
                String s = kept.length() > KEPT_CHARS ? kept.substring(kept.length() - KEPT_CHARS) : kept.toString();
                return s.replaceAll("\u001B\\[[0-9;]*[A-Za-z]", ""); // colours some tools print even without a terminal
            }
        }
    }
}
