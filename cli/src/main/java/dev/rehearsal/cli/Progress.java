package dev.rehearsal.cli;

import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.StepResult;
import dev.rehearsal.core.locks.StatementTrace;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the command line says while it works, on standard error. On a terminal ({@link Terminal}) one line rewritten
 * in place at the terminal's width ({@code [3/12] V3 create orders: down}) and a line kept for each migration that
 * failed; elsewhere (CI logs, a pipe, {@code NO_COLOR}, {@code TERM=dumb}) one plain line per migration with its
 * times and result. Verbose: also each step's notes and the time its checks took. Quiet: nothing.
 */
final class Progress {

    private final PrintWriter err;
    private final boolean terminal;
    private final int columns;
    private final boolean quiet;
    private final boolean verbose;
    private int width;
    /** Lines of a failed phase's detail shown under its step. */
    static final int DETAIL_LINES = 4;
    /** A run of steps not run for the same reason, shown as one line when it ends. */
    private String notRunWhy;
    private int notRunCount;
    private int notRunFirst;

    Progress(PrintWriter err, Terminal terminal, boolean quiet, boolean verbose) {
        this.err = err;
        this.terminal = terminal.progress();
        this.columns = terminal.width();
        this.quiet = quiet;
        this.verbose = verbose && !quiet;
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
        String notRun = notRunReason(step);
        if (notRun != null && notRun.equals(notRunWhy)) {
            notRunCount++;
            return;
        }
        flushNotRun();
        if (notRun != null) {
            notRunWhy = notRun;
            notRunCount = 1;
            notRunFirst = index;
            return;
        }
        String line = String.format(Locale.ROOT, "[%d/%d] %s: %s", index, total, step.migration(), summary(step));
        String detail = (step.status() == PhaseResult.Status.FAILED ? detail(step) : "")
                + (verbose ? verboseDetail(step) : "");
        if (terminal) {
            rewrite(line);
            if (step.status() == PhaseResult.Status.FAILED || verbose) {
                err.println(detail);
                width = 0;
            }
        } else {
            err.println(line + detail);
        }
        err.flush();
    }

    /**
     * The steps not run because an earlier one failed, in one line: {@code [51-158] 108 migrations not run: the
     * database could not be brought to ...}.
     */
    private void flushNotRun() {
        if (notRunCount == 0) {
            return;
        }
        String range = notRunCount == 1 ? String.valueOf(notRunFirst) : notRunFirst + "-" + (notRunFirst + notRunCount - 1);
        String line = "[" + range + "] " + notRunCount + (notRunCount == 1 ? " migration" : " migrations")
                + " not run: " + notRunWhy;
        if (terminal && width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
        }
        err.println(line);
        width = 0;
        notRunCount = 0;
        notRunWhy = null;
    }

    /** Why a step was not run because of an earlier one, or null for a step that ran (or was skipped by choice). */
    private static String notRunReason(StepResult step) {
        if (step.status() == PhaseResult.Status.PASSED || step.status() == PhaseResult.Status.FAILED) {
            return null;
        }
        return step.phases().stream().map(PhaseResult::message).filter(m -> m.startsWith("not run: "))
                .map(m -> m.substring("not run: ".length()).lines().findFirst().orElse("").strip())
                .map(why -> why.isEmpty() ? "an earlier step failed" : why).findFirst().orElse(null);
    }

    /**
     * Every failed phase's first lines of detail (the statement, the SQLState, the first differences), indented under
     * the step's line, so the console says what failed without opening the report: the first phase's after the line
     * that names it, each further one under a line of its own ({@code FAILED in up again: ...}).
     */
    static String detail(StepResult step) {
        StringBuilder lines = new StringBuilder();
        List<PhaseResult> failed = step.failedPhases();
        for (int i = 0; i < failed.size(); i++) {
            PhaseResult p = failed.get(i);
            String indent = i == 0 ? "\n    " : "\n      ";
            if (i > 0) {
                lines.append("\n    FAILED in ").append(p.phase().label()).append(": ")
                        .append(cut(p.message().lines().findFirst().orElse("").strip()));
            }
            p.message().lines().skip(1).filter(l -> !l.isBlank()).limit(DETAIL_LINES)
                    .forEach(l -> lines.append(indent).append(cut(l.strip())));
        }
        return lines.toString();
    }

    private static String cut(String line) {
        return line.length() > 200 ? line.substring(0, 199) + "\u2026" : line;
    }

    /**
     * Verbose: each phase's SQL and check times, every notice the server sent in it (the report counts them), and the
     * step's notes, indented under its line.
     */
    static String verboseDetail(StepResult step) {
        StringBuilder lines = new StringBuilder();
        for (PhaseResult p : step.phases()) {
            if (p.status() != PhaseResult.Status.NOT_RUN) {
                lines.append(String.format(Locale.ROOT, "%n    %s: %s, SQL %d ms, checks %d ms", p.phase().label(),
                        p.status().name().toLowerCase(Locale.ROOT), p.sqlTime().toMillis(), p.checkTime().toMillis()));
            }
            for (StatementTrace st : p.locks().statements()) {
                for (String notice : st.notices()) {
                    lines.append("\n    server ").append(p.phase().label()).append(": ").append(st.where())
                            .append("  <- ").append(notice);
                }
            }
        }
        if (step.note() != null && !step.note().isBlank()) {
            step.note().lines().filter(l -> !l.isBlank()).forEach(l -> lines.append("\n    note: ").append(l.strip()));
        }
        return lines.toString();
    }

    /** Verbose only: a line of what the run is set up with (settings and where each came from, the database). */
    void verbose(String line) {
        if (verbose) {
            note(line);
        }
    }

    /** Clears the terminal's progress line, so that what follows starts on a clean one. */
    void finish() {
        if (!quiet) {
            flushNotRun();
        }
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

    /** The line in place of the last, cut to the terminal's width (less one column, so it never wraps). */
    private void rewrite(String line) {
        int room = columns - 1;
        String shown = line.length() > room ? line.substring(0, room - 1) + "\u2026" : line;
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
            case NOT_RUN -> "not run: the rehearsal did not reach it";
            default -> "skipped: " + step.phases().stream().map(PhaseResult::message).filter(m -> !m.isEmpty())
                    .findFirst().orElse("");
        };
    }
}
