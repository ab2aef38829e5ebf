package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RoundTripReport;

/**
 * What a phase that did not run says: {@code not run: } and why, in one line, naming the step that failed and how
 * ({@code not run: V29 narrow names failed to apply: ERROR: value too long for type character varying(20) [SQLState
 * 22001] (V29__narrow_names.sql, line 3)}). The prefix is written once, whatever the reason already says.
 */
final class NotRun {

    static final String PREFIX = "not run: ";

    /** Longest cause kept in a reason: the rest is in the failed phase's own message. */
    private static final int MAX_CAUSE = 300;

    private NotRun() {
    }

    /** {@code not run: <reason>}, with the prefix once, for a reason that may already carry it. */
    static String because(String reason) {
        String why = reason == null || reason.isBlank() ? "an earlier step failed" : reason.strip();
        return why.startsWith(PREFIX) ? why : PREFIX + why;
    }

    /**
     * Why a phase is not run after {@code earlier} did not reach its end: the reason {@code earlier} was not run itself
     * (the step that blocked the rest, and how it failed), else {@code otherwise}.
     */
    static String after(PhaseResult earlier, String otherwise) {
        return earlier != null && earlier.status() == PhaseResult.Status.SKIPPED && !earlier.message().isBlank()
                ? because(earlier.message()) : because(otherwise);
    }

    /**
     * How a step failed, in one line: for a failed statement the server's message, SQLState, script and line; for
     * anything else its message's first line ({@link RoundTripReport#cause(String)}).
     */
    static String cause(Throwable e) {
        MigrationFailedException failed = failureOf(e);
        String cause;
        if (failed != null) {
            String server = failed.serverMessage() == null ? "" : failed.serverMessage().strip();
            cause = (server.isEmpty() ? "failed" : server.lines().findFirst().orElse(""))
                    + failed.sqlState().map(s -> " [SQLState " + s + "]").orElse("")
                    + " (" + failed.script() + (failed.line() > 0 ? ", line " + failed.line() : "") + ")";
        } else {
            cause = RoundTripReport.cause(String.valueOf(e.getMessage()));
        }
        String line = cause.replaceAll("\\s+", " ").strip();
        return line.length() > MAX_CAUSE ? line.substring(0, MAX_CAUSE - 1) + "\u2026" : line;
    }

    private static MigrationFailedException failureOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MigrationFailedException f) {
                return f;
            }
        }
        return null;
    }
}
