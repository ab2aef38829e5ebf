package dev.rehearsal.core.internal.retry;

import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.LockRisk;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Optional;

/**
 * A retry finding ({@code not-retry-safe}, {@code not-idempotent}) as a risk of the retry phase, so that every report
 * shows it where it shows risks, placed at the statement where the migration was stopped, and allowed the same way.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RetryFinding {

    private RetryFinding() {
    }

    /**
     * The retry phase's lock report holding the finding: {@code text} is what happened, then {@code Fix: ...};
     * {@code point} is where the migration was stopped (null: the script's top), {@code allowed} the team's reason.
     */
    public static LockReport report(String rule, String script, RetryPoint point, String text, String allowed) {
        int fix = text.indexOf("\nFix: ");
        String reason = (fix < 0 ? text : text.substring(0, fix)).replace('\n', ' ');
        String alternative = fix < 0 ? "make every statement safe to run again" : text.substring(fix + 6);
        String where = point == null ? script : script + " line " + point.target().line() + ": "
                + point.target().sql().strip().replaceAll("\\s+", " ");
        LockRisk risk = new LockRisk(rule, where, "", reason, alternative, allowed);
        return new LockReport(List.of(), List.of(), List.of(), List.of(risk), Optional.empty());
    }
}
