package dev.rehearsal.core.internal.tools;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.ToolSettings;
import org.apiguardian.api.API;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

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

    /** A tool that claims a folder at one level only, by a test of its files, and reads it with one source. */
    static ToolDescriptor of(String format, String layout, Claim level, Predicate<MigrationLocation> claim,
                             Function<MigrationLocation, MigrationSource> source) {
        return new AtOneLevel(format, layout, level, claim, source);
    }

    /** See {@link #of}. */
    record AtOneLevel(String format, String layout, Claim level, Predicate<MigrationLocation> claim,
                      Function<MigrationLocation, MigrationSource> source) implements ToolDescriptor {
        @Override
        public boolean claims(Claim asked, MigrationLocation location) {
            return asked == level && claim.test(location);
        }

        @Override
        public MigrationSource source(MigrationLocation location) {
            return source.apply(location);
        }
    }
}
