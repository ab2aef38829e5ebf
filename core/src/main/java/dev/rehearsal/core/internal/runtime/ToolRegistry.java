package dev.rehearsal.core.internal.runtime;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.internal.scripts.AtlasSum;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import dev.rehearsal.core.internal.tools.alembic.AlembicDescriptor;
import dev.rehearsal.core.internal.tools.atlas.AtlasDescriptor;
import dev.rehearsal.core.internal.tools.command.CommandDescriptor;
import dev.rehearsal.core.internal.tools.dbmate.DbmateDescriptor;
import dev.rehearsal.core.internal.tools.django.DjangoDescriptor;
import dev.rehearsal.core.internal.tools.drizzle.DrizzleDescriptor;
import dev.rehearsal.core.internal.tools.flyway.FlywayDescriptor;
import dev.rehearsal.core.internal.tools.golangmigrate.GolangMigrateDescriptor;
import dev.rehearsal.core.internal.tools.knex.KnexDescriptor;
import dev.rehearsal.core.internal.tools.liquibase.LiquibaseDescriptor;
import dev.rehearsal.core.internal.tools.prisma.PrismaDescriptor;
import dev.rehearsal.core.internal.tools.sqitch.SqitchDescriptor;
import dev.rehearsal.core.internal.tools.typeorm.TypeormDescriptor;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every migration tool Rehearsal reads, listed once, and detection over them: the one place that names the tools'
 * packages. Which tool a location belongs to is data, each tool's {@link Claim}s asked level by level; the order of
 * {@link #ALL} is only the order of names in messages.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ToolRegistry {

    /** The tools, in the order messages list them. A new tool is a package under {@code internal.tools} and a line here. */
    public static final List<ToolDescriptor> ALL = List.of(
            FlywayDescriptor.TOOL,
            GolangMigrateDescriptor.TOOL,
            DbmateDescriptor.TOOL,
            PrismaDescriptor.TOOL,
            AlembicDescriptor.TOOL,
            LiquibaseDescriptor.TOOL,
            AtlasDescriptor.TOOL,
            DrizzleDescriptor.TOOL,
            SqitchDescriptor.TOOL,
            DjangoDescriptor.TOOL,
            KnexDescriptor.TOOL,
            TypeormDescriptor.TOOL,
            CommandDescriptor.TOOL);

    private static final List<Claim> FOLDER_LEVELS = List.of(Claim.CONFIGURED, Claim.DECISIVE, Claim.FILE_NAMES,
            Claim.FALLBACK);

    private ToolRegistry() {
    }

    /** Every tool's format and layout, for messages: {@code flyway (V<version>__<name>.sql, ...), golang-migrate (...)}. */
    public static String supported() {
        return ALL.stream().map(t -> t.format() + " (" + t.layout() + ")").collect(Collectors.joining(", "));
    }

    /**
     * The source for the settings' location, its tool detected from the files there unless
     * {@link RehearsalSettings#format()} names one.
     *
     * @throws RehearsalException when the location is missing or empty, the format is unknown, or the files fit
     *                            several tools or none
     */
    static MigrationSource detect(RehearsalSettings settings, ClassLoader classLoader) {
        MigrationLocation location = new MigrationLocation(settings, classLoader);
        String format = settings.format() == null ? "" : settings.format().trim().toLowerCase(Locale.ROOT);
        boolean named = !format.isEmpty() && !format.equals("auto");
        Optional<ToolDescriptor> tool = named ? Optional.of(byFormat(format, settings.format()))
                : claimant(Claim.LOCATION, location);
        if (tool.isPresent() && !tool.get().readsFolder()) {
            return tool.get().source(location);
        }
        ScriptLocation folder = location.folder();
        if (!folder.exists()) {
            throw new RehearsalException("No migrations found: the location " + folder + " does not exist."
                    + " Check @MigrationTest(migrations = ...) or rehearsal.migrations: use classpath:db/migration for"
                    + " src/main/resources/db/migration, or filesystem:<path> for a directory.");
        }
        List<ScriptFile> files = location.files();
        if (files.isEmpty()) {
            throw new RehearsalException("No migrations found at " + folder + ": the location holds no files."
                    + " Supported layouts: " + supported() + ".");
        }
        AtlasSum.verifyIfPresent(files, folder.toString()); // whatever format Atlas wrote the folder in
        if (tool.isPresent()) {
            return tool.get().source(location);
        }
        for (Claim level : FOLDER_LEVELS) {
            Optional<ToolDescriptor> found = claimant(level, location);
            if (found.isPresent()) {
                return found.get().source(location);
            }
        }
        throw new RehearsalException("Could not tell which migration tool the files at " + folder + " belong to."
                + "\n  found: " + found(files)
                + "\n  supported layouts: " + supported());
    }

    /**
     * Where the migrations are when the test does not say: the first tool's own configuration that names them
     * (Flyway's {@code locations}, Spring Boot's {@code spring.liquibase.change-log}), else {@code classpath:db/migration}.
     */
    static String defaultLocation(ToolSettings tool, ClassLoader classLoader) {
        for (ToolDescriptor descriptor : ALL) {
            Optional<String> location = descriptor.defaultLocation(tool, classLoader);
            if (location.isPresent()) {
                return location.get();
            }
        }
        return "classpath:db/migration";
    }

    private static ToolDescriptor byFormat(String format, String asGiven) {
        return ALL.stream().filter(t -> t.format().equals(format)).findFirst().orElseThrow(() -> new RehearsalException(
                "Unknown migration format \"" + asGiven + "\"; use one of "
                        + ALL.stream().map(ToolDescriptor::format).collect(Collectors.joining(", "))
                        + " (or leave it out to detect the layout)"));
    }

    /** The one tool claiming the location at {@code level}; several are ambiguous, and the user names the format. */
    private static Optional<ToolDescriptor> claimant(Claim level, MigrationLocation location) {
        List<ToolDescriptor> claimants = ALL.stream().filter(t -> t.claims(level, location)).toList();
        if (claimants.size() > 1) {
            String names = claimants.stream().map(ToolDescriptor::format).collect(Collectors.joining(", "));
            throw new RehearsalException("The files at " + location.folder() + " fit several layouts: " + names
                    + ". Say which with @MigrationTest(format = \"" + claimants.get(0).format()
                    + "\") or rehearsal.format.\n  found: " + found(location.files()));
        }
        return claimants.stream().findFirst();
    }

    private static String found(List<ScriptFile> files) {
        return files.stream().limit(8).map(ScriptFile::relativePath).collect(Collectors.joining(", "))
                + (files.size() > 8 ? " and " + (files.size() - 8) + " more" : "");
    }
}
