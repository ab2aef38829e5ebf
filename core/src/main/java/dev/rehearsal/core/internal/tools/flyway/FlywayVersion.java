package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.model.RehearsalException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of the Flyway on the class path, as Flyway itself reads it ({@code org/flywaydb/core/internal/version.txt}),
 * and the versions Rehearsal supports: Flyway 10.0 to 13.x. A version outside them fails in one line, before any
 * of Flyway's API is called.
 */
record FlywayVersion(int major, int minor, String text) {

    static final int OLDEST_MAJOR = 10;
    static final int NEWEST_MAJOR = 13;
    static final String SUPPORTED = "Flyway " + OLDEST_MAJOR + ".0 to " + NEWEST_MAJOR + ".x";

    private static final String RESOURCE = "org/flywaydb/core/internal/version.txt";
    private static final Pattern NUMBERS = Pattern.compile("^(\\d+)\\.(\\d+)");

    /**
     * The Flyway {@code classLoader} loads.
     *
     * @throws RehearsalException naming the version found, the range and what to change, when it is outside the range
     *                            or cannot be read
     */
    static FlywayVersion onClassPath(ClassLoader classLoader) {
        String text;
        try (InputStream in = classLoader.getResourceAsStream(RESOURCE)) {
            text = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            text = null;
        }
        if (text == null) {
            throw new RehearsalException("Could not tell which Flyway is on the class path (" + RESOURCE + " is"
                    + " missing, as in Flyway before 6 or a jar that dropped it). Rehearsal supports " + SUPPORTED
                    + ": depend on org.flywaydb:flyway-core and flyway-database-postgresql of such a version.");
        }
        return parse(text);
    }

    static FlywayVersion parse(String text) {
        Matcher m = NUMBERS.matcher(text);
        if (!m.find()) {
            throw new RehearsalException("Flyway reports its version as \"" + text + "\", which Rehearsal cannot read;"
                    + " it supports " + SUPPORTED + ".");
        }
        FlywayVersion version = new FlywayVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), text);
        if (version.major < OLDEST_MAJOR || version.major > NEWEST_MAJOR) {
            throw new RehearsalException("Flyway " + text + " is on the class path; Rehearsal supports " + SUPPORTED
                    + ". " + (version.major < OLDEST_MAJOR
                    ? "Use Flyway " + OLDEST_MAJOR + " or later (Spring Boot 3.3 and later manage one)."
                    : "Use Flyway " + NEWEST_MAJOR + ".x until a Rehearsal release supports Flyway " + version.major + "."));
        }
        return version;
    }

    boolean atLeast(int major, int minor) {
        return this.major > major || this.major == major && this.minor >= minor;
    }
}
