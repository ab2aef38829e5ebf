package dev.rehearsal.core;

import org.apiguardian.api.API;


/**
 * Finds the {@link MigrationSource} for a location by looking at its files, or takes the layout the settings name.
 * When the files fit several layouts, or none, the message lists what was found and the layouts supported.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class MigrationSources {

    /** The layouts Rehearsal reads, each tool's format and what its files look like, for messages. */
    public static final String SUPPORTED = CoreRuntime.get().supportedLayouts();

    private MigrationSources() {
    }

    /**
     * The source for the settings' location, its layout detected from the files there unless
     * {@link RehearsalSettings#format()} names one.
     *
     * @throws dev.rehearsal.core.model.RehearsalException when the location is missing or empty, the layout is unknown or ambiguous
     */
    public static MigrationSource detect(RehearsalSettings settings, ClassLoader classLoader) {
        return CoreRuntime.get().detect(settings, classLoader);
    }

    /**
     * Where the migrations are when the test does not say: the {@code locations} of the team's Flyway configuration
     * ({@code flyway.conf}, {@code flyway.toml}, {@code spring.flyway.locations}), else {@code classpath:db/migration}.
     */
    public static String defaultLocation(ToolSettings tool, ClassLoader classLoader) {
        return CoreRuntime.get().defaultLocation(tool, classLoader);
    }
}
