package dev.rehearsal.cli;

import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Whether standard error is a terminal the progress line may be rewritten on, and how wide it is. Not when
 * {@code NO_COLOR} is set or {@code TERM} is {@code dumb} (the conventions squawk, sqlfluff and most command lines
 * follow), nor when standard error goes to a file or a pipe: {@code System.console()} cannot tell, as it looks at
 * standard input and output, and on recent JDKs answers even when they are redirected. On Linux the process's own
 * file descriptor 2 says where it goes; elsewhere the console decides ({@code Console.isTerminal()} where the JDK
 * has it).
 *
 * @param progress whether the progress line is shown
 * @param width    the terminal's width in columns ({@code COLUMNS}, else {@code stty size}, else 80)
 */
record Terminal(boolean progress, int width) {

    static final int DEFAULT_WIDTH = 80;
    static final Terminal NONE = new Terminal(false, DEFAULT_WIDTH);

    /** This process's terminal, from its environment. */
    static Terminal detect() {
        return detect(System.getenv(), stderrTarget(), Terminal::consoleIsTerminal, Terminal::sttyColumns);
    }

    /**
     * The decision, from its inputs: the environment, where file descriptor 2 leads (empty where the platform does
     * not say), what the console says, and what {@code stty} says of the width.
     */
    static Terminal detect(Map<String, String> env, Optional<String> stderrTarget,
                           BooleanSupplier console, IntSupplier stty) {
        if (env.get("NO_COLOR") != null && !env.get("NO_COLOR").isEmpty() || "dumb".equals(env.get("TERM"))) {
            return NONE;
        }
        boolean terminal = stderrTarget.map(t -> t.startsWith("/dev/pts/") || t.startsWith("/dev/tty")
                || t.equals("/dev/console")).orElseGet(console::getAsBoolean);
        if (!terminal) {
            return NONE;
        }
        return new Terminal(true, width(env.get("COLUMNS"), stty));
    }

    private static int width(String columns, IntSupplier stty) {
        if (columns != null && columns.matches("\\d{1,4}") && Integer.parseInt(columns) >= 20) {
            return Integer.parseInt(columns);
        }
        int measured = stty.getAsInt();
        return measured >= 20 ? measured : DEFAULT_WIDTH;
    }

    /** Where this process's standard error leads, where {@code /proc} says (Linux). */
    private static Optional<String> stderrTarget() {
        Path fd = Path.of("/proc/self/fd/2");
        try {
            return Files.isSymbolicLink(fd) ? Optional.of(Files.readSymbolicLink(fd).toString()) : Optional.empty();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The console's answer: none means no terminal; on JDK 22+, whether it is one ({@code isTerminal()}). */
    private static boolean consoleIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 17 to 21: a console exists only when input and output are the terminal
        }
    }

    /** The terminal's columns as {@code stty size} reads them from {@code /dev/tty}, or 0. */
    private static int sttyColumns() {
        File tty = new File("/dev/tty");
        if (!tty.exists()) {
            return 0;
        }
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(tty).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(2, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return 0;
            }
            String[] parts = out.split("\\s+");
            return parts.length == 2 && parts[1].matches("\\d+") ? Integer.parseInt(parts[1]) : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
