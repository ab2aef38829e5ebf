package dev.rehearsal.cli;

import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.StepResult;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the command line says while it works, on standard error. On a terminal one line rewritten in place
 * ({@code [3/12] V3 create orders: down}) and a line kept for each migration that failed; elsewhere (CI logs, a
 * pipe) one plain line per migration with its times and result. Quiet: nothing.
 */
final class Progress {

    private final PrintWriter err;
    private final boolean terminal;
    private final boolean quiet;
    private int width;

    Progress(PrintWriter err, boolean terminal, boolean quiet) {
        this.err = err;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    void phase(int index, int total, String migration, PhaseResult.Phase phase) {
        if (quiet || !terminal) {
            return;
        }
        rewrite(String.format(Locale.ROOT, "[%d/%d] %s: %s", index, total, migration, phase.label()));
    }

    void done(int index, int total, StepResult step) {
        if (quiet) {
            return;
        }
        String line = String.format(Locale.ROOT, "[%d/%d] %s: %s", index, total, step.migration(), summary(step));
        if (terminal) {
            if (step.status() == PhaseResult.Status.FAILED) {
                rewrite(line);
                err.println();
                width = 0;
            } else {
                rewrite(line);
            }
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Clears the terminal's progress line, so that what follows starts on a clean one. */
    void finish() {
        if (!quiet && terminal && width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
            width = 0;
        }
    }

    /** A line for everything else: where reports went, why the run stopped. */
    void note(String line) {
        finish();
        err.println(line);
        err.flush();
    }

    private void rewrite(String line) {
        String shown = line.length() > 150 ? line.substring(0, 149) + "\u2026" : line;
        err.print("\r" + shown + (shown.length() < width ? " ".repeat(width - shown.length()) : ""));
        err.flush();
        width = shown.length();
    }

    /** {@code ok (up 12 ms, down 5 ms, up again 11 ms)} or {@code FAILED in down: ...}. */
    static String summary(StepResult step) {
        for (PhaseResult p : step.phases()) {
            if (p.status() == PhaseResult.Status.FAILED) {
                return "FAILED in " + p.phase().label() + ": " + p.message().lines().findFirst().orElse("");
            }
        }
        String times = step.phases().stream()
                .filter(p -> p.status() == PhaseResult.Status.PASSED)
                .map(p -> p.phase().label() + " " + p.sqlTime().toMillis() + " ms").collect(Collectors.joining(", "));
        return switch (step.status()) {
            case PASSED -> "ok (" + times + ")";
            case NOT_RUN -> "not run";
            default -> "skipped: " + step.phases().stream().map(PhaseResult::message).filter(m -> !m.isEmpty())
                    .findFirst().orElse("");
        };
    }
}
