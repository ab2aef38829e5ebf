package dev.rehearsal.core.report;

import org.apiguardian.api.API;

/**
 * One thing a rehearsal found that a reviewer or a CI system should see at a place in the sources: a failed phase
 * of a round trip (error) or a lock risk of an up (warning). What SARIF results and GitHub annotations are made of.
 *
 * @param level      error for a failure, warning for a risk, note for information
 * @param rule       the failure's kind ({@code down-failed}) or the risk rule's id ({@code non-concurrent-index})
 * @param migration  the migration ({@code V2 index orders total})
 * @param phase      the phase it happened in ({@code up}, {@code down}, {@code restore}, {@code up again})
 * @param file       the script's path relative to the repository's root, with {@code /}; the script's name when its
 *                   source file was not found (a script in a jar)
 * @param line       the statement's line in the script, 1 when not known
 * @param message    what happened, in full, with what to do
 * @param suppressed why it is allowed, for a risk the migration allows; else null
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record Finding(Level level, String rule, String migration, String phase, String file, int line, String message,
                      String suppressed) {

    /**
     * How bad it is: an error fails, a warning fails unless allowed ({@code suppressed}), a note never fails (an
     * estimate at production volume).
     */
    public enum Level { ERROR, WARNING, NOTE }

    /** {@code V2 index orders total: down-failed}: the migration and the rule, a title for one-line formats. */
    public String title() {
        return migration + ": " + rule;
    }
}
