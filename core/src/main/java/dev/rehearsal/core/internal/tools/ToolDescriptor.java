package dev.rehearsal.core.internal.tools;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.ToolSettings;
import org.apiguardian.api.API;

import java.util.Optional;

/**
 * One migration tool Rehearsal reads histories of: its name, how sure it is that a location holds its migrations, and
 * the source that reads them. Each tool is one package under {@code internal.tools} with one descriptor, listed once
 * in {@code internal.runtime.ToolRegistry.ALL}; detection, the format names in messages and
 * {@link dev.rehearsal.core.MigrationSources#SUPPORTED} come from that list.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface ToolDescriptor {

    /** The name {@code rehearsal.format} and {@code @MigrationTest(format = ...)} take, in lower case. */
    String format();

    /** What the tool's files look like, for the list of supported layouts in messages and docs. */
    String layout();

    /**
     * Whether the location holds this tool's migrations, judged at {@code level} only. Detection asks the levels
     * strongest first, so what a weaker level costs is spent only where no stronger claim was made.
     */
    boolean claims(Claim level, MigrationLocation location);

    /**
     * The source that reads the location's migrations, once this tool was detected or named.
     *
     * @throws dev.rehearsal.core.model.RehearsalException naming what the location lacks for this tool
     */
    MigrationSource source(MigrationLocation location);

    /**
     * Whether the location is a folder whose files must exist before the source reads it (the default); false for a
     * tool whose location names one file it reads itself.
     */
    default boolean readsFolder() {
        return true;
    }

    /** Where the migrations are when the settings name none, from the team's own configuration of this tool. */
    default Optional<String> defaultLocation(ToolSettings tool, ClassLoader classLoader) {
        return Optional.empty();
    }
}
