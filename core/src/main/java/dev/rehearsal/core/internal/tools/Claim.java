package dev.rehearsal.core.internal.tools;

import org.apiguardian.api.API;

/**
 * How sure a tool is that a location holds its migrations. Detection asks every tool level by level, strongest first,
 * and takes the tool that claims at the first level any tool claims at; two tools claiming at one level make the
 * location ambiguous, and the user names the format. A costly look (the team's Flyway configuration) is taken only
 * at {@link #FALLBACK}, where no stronger claim was made.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public enum Claim {
    /** The location names a file the tool reads itself (a Liquibase changelog), before any folder is read. */
    LOCATION,
    /** The settings name the tool (its commands are configured). */
    CONFIGURED,
    /** A file only this tool writes decides: {@code knexfile.js}, {@code manage.py}, {@code sqitch.plan}, Drizzle's journal. */
    DECISIVE,
    /** The file names fit the tool's pattern ({@code V1__x.sql}, {@code 1_x.up.sql}). */
    FILE_NAMES,
    /** Only where no tool knows the file names: the team's own naming settings, or a loose pattern. */
    FALLBACK
}
