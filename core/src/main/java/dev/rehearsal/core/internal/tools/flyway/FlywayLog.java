package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.locks.StatementTrace;
import org.apiguardian.api.API;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flyway's log while Rehearsal drives it: its per-migration INFO lines (about a thousand a run on a long history)
 * are dropped, and its warnings and errors are kept for the report of the phase that raised them. Named to Flyway
 * by class ({@code loggers}), which builds it; what a thread logs while {@link #capture} runs goes to that capture,
 * and a warning from anywhere else still reaches standard error. With {@code rehearsal.log.tool=info} Rehearsal does
 * not install it and Flyway logs as it is configured to.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FlywayLog implements LogCreator {

    private static final ThreadLocal<List<String>> CAPTURE = new ThreadLocal<>();

    /** Built by Flyway from the class name. */
    public FlywayLog() {
    }

    /** Runs {@code work}, adding what Flyway warned about meanwhile to {@code messages}. */
    static <T> T capture(List<String> messages, Supplier<T> work) {
        List<String> previous = CAPTURE.get();
        CAPTURE.set(messages);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CAPTURE.remove();
            } else {
                CAPTURE.set(previous);
            }
        }
    }

    @Override
    public Log createLogger(Class<?> clazz) {
        return new Log() {
            @Override
            public boolean isDebugEnabled() {
                return false;
            }

            @Override
            public void debug(String message) {
            }

            @Override
            public void info(String message) {
            }

            @Override
            public void notice(String message) {
            }

            @Override
            public void warn(String message) {
                if (!serverNotice(message)) {
                    keep("WARN", message, null);
                }
            }

            @Override
            public void error(String message) {
                keep("ERROR", message, null);
            }

            @Override
            public void error(String message, Exception e) {
                keep("ERROR", message, e);
            }
        };
    }

    /** Flyway's line for a server warning: {@code DB: <message> (SQL State: <state> - Error Code: <code>)}. */
    private static final Pattern SERVER_WARNING = Pattern.compile("(?s)DB: (.*) \\(SQL State: (\\S*) - Error Code: .*\\)");

    /**
     * Whether Flyway warns of what the server only noticed ({@code relation "x" already exists, skipping} under
     * {@code IF NOT EXISTS}): the phase's trace counts those with the rest of its notices
     * ({@link StatementTrace#isNotice(String)}), so they are not kept as Flyway's warnings too.
     */
    static boolean serverNotice(String message) {
        Matcher m = SERVER_WARNING.matcher(message.strip());
        return m.matches() && StatementTrace.isNotice(m.group(2) + ": " + m.group(1).strip());
    }

    private static void keep(String level, String message, Exception e) {
        String line = "Flyway " + level + ": " + message.strip() + (e == null ? "" : " (" + e.getMessage() + ")");
        List<String> messages = CAPTURE.get();
        if (messages != null) {
            messages.add(line);
        } else {
            System.err.println(line);
        }
    }

    /** Copies and clears {@code messages}. */
    static List<String> drain(List<String> messages) {
        List<String> copy = new ArrayList<>(messages);
        messages.clear();
        return copy;
    }
}
