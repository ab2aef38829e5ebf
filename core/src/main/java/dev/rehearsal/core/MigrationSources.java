package dev.rehearsal.core;

import dev.rehearsal.core.internal.flyway.FlywaySource;
import dev.rehearsal.core.internal.source.ScriptLocation;
import dev.rehearsal.core.internal.source.ScriptLocation.ScriptFile;

import java.util.List;
import java.util.stream.Collectors;

/** Finds the {@link MigrationSource} for a location by looking at its files. */
public final class MigrationSources {

    /** The layouts Rehearsal reads today, for messages. */
    public static final String SUPPORTED = "Flyway (V<version>__<description>.sql, with U<version>__<description>.sql undo"
            + " scripts and R__<description>.sql repeatable scripts)";

    private MigrationSources() {
    }

    /**
     * The source for the settings' location, its layout detected from the files there.
     *
     * @throws RehearsalException when the location is missing or empty, or its layout is not one Rehearsal reads
     */
    public static MigrationSource detect(RehearsalSettings settings, ClassLoader classLoader) {
        ScriptLocation location = ScriptLocation.parse(settings.migrations(), classLoader);
        if (!location.exists()) {
            throw new RehearsalException("No migrations found: the location " + location + " does not exist."
                    + " Check @MigrationTest(migrations = ...) or rehearsal.migrations: use classpath:db/migration for"
                    + " src/main/resources/db/migration, or filesystem:<path> for a directory.");
        }
        List<ScriptFile> files = location.files();
        if (files.isEmpty()) {
            throw new RehearsalException("No migrations found at " + location + ": the location holds no files."
                    + " Supported layouts: " + SUPPORTED + ".");
        }
        if (FlywaySource.recognizes(files)) {
            return new FlywaySource(location, settings, classLoader, null);
        }
        String found = files.stream().limit(8).map(ScriptFile::relativePath).collect(Collectors.joining(", "))
                + (files.size() > 8 ? " and " + (files.size() - 8) + " more" : "");
        throw new RehearsalException("Could not tell which migration tool the files at " + location + " belong to."
                + "\n  found: " + found
                + "\n  supported layouts: " + SUPPORTED);
    }
}
