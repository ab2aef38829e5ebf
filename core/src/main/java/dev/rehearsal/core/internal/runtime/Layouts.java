package dev.rehearsal.core.internal.runtime;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.internal.command.CommandSource;
import dev.rehearsal.core.internal.django.DjangoSource;
import dev.rehearsal.core.internal.knex.KnexSource;
import dev.rehearsal.core.internal.flyway.FlywayConfigFiles;
import dev.rehearsal.core.internal.flyway.FlywaySource;
import dev.rehearsal.core.internal.liquibase.LiquibaseSource;
import dev.rehearsal.core.internal.liquibase.SpringLiquibase;
import dev.rehearsal.core.internal.alembic.AlembicSource;
import dev.rehearsal.core.internal.source.AlembicOfflineSource;
import dev.rehearsal.core.internal.source.AtlasSource;
import dev.rehearsal.core.internal.source.AtlasSum;
import dev.rehearsal.core.internal.source.DrizzleSource;
import dev.rehearsal.core.internal.source.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.source.ScriptLocation;
import dev.rehearsal.core.internal.source.SqitchSource;
import dev.rehearsal.core.internal.source.SqlLayoutSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which layout a migration location holds, from its files (or the format the settings name), and the source that
 * reads it: the one place that knows every layout's classes.
 */
final class Layouts {

    private static final List<String> FORMATS = List.of("flyway", "golang-migrate", "dbmate", "prisma", "alembic",
            "liquibase", "atlas", "drizzle", "sqitch", "django", "knex", "command");

    private Layouts() {
    }

    /**
     * The source for the settings' location, its layout detected from the files there unless
     * {@link RehearsalSettings#format()} names one.
     *
     * @throws RehearsalException when the location is missing or empty, the layout is unknown or ambiguous
     */
    static MigrationSource detect(RehearsalSettings settings, ClassLoader classLoader) {
        String format0 = settings.format() == null ? "" : settings.format().trim().toLowerCase(Locale.ROOT);
        if (settings.migrations() != null && (format0.equals("liquibase") || (format0.isEmpty() || format0.equals("auto"))
                && LiquibaseSource.recognizes(settings.migrations()))) {
            return liquibase(settings.migrations().trim(), settings.tool(), classLoader);
        }
        ScriptLocation location = ScriptLocation.parse(settings.migrations(), classLoader);
        if (!location.exists()) {
            throw new RehearsalException("No migrations found: the location " + location + " does not exist."
                    + " Check @MigrationTest(migrations = ...) or rehearsal.migrations: use classpath:db/migration for"
                    + " src/main/resources/db/migration, or filesystem:<path> for a directory.");
        }
        List<ScriptFile> files = location.files();
        if (files.isEmpty()) {
            throw new RehearsalException("No migrations found at " + location + ": the location holds no files."
                    + " Supported layouts: " + MigrationSources.SUPPORTED + ".");
        }
        AtlasSum.verifyIfPresent(files, location.toString()); // whatever format Atlas wrote the folder in
        String format = settings.format() == null ? "" : settings.format().trim().toLowerCase(Locale.ROOT);
        if (!format.isEmpty() && !format.equals("auto")) {
            if (!FORMATS.contains(format)) {
                throw new RehearsalException("Unknown migration format \"" + settings.format() + "\"; use one of "
                        + String.join(", ", FORMATS) + " (or leave it out to detect the layout)");
            }
            return source(format, location, settings, classLoader);
        }
        if (settings.tool().command().configured()) {
            return source("command", location, settings, classLoader); // the commands say which tool it is
        }
        if (KnexSource.recognizes(location, files)) {
            return source("knex", location, settings, classLoader); // migrations with a knexfile above them
        }
        if (DjangoSource.recognizes(location, files)) {
            return source("django", location, settings, classLoader); // an app's migrations below manage.py
        }
        if (SqitchSource.recognizes(files)) {
            return source("sqitch", location, settings, classLoader); // sqitch.plan decides, as the journal does
        }
        if (DrizzleSource.recognizes(files)) {
            // Drizzle Kit's journal decides: its <tag>.down.sql files would otherwise look like golang-migrate's
            return source("drizzle", location, settings, classLoader);
        }
        List<String> matches = new ArrayList<>();
        if (FlywaySource.recognizes(files)) {
            matches.add("flyway");
        }
        if (SqlLayoutSource.GolangMigrate.recognizes(files)) {
            matches.add("golang-migrate");
        }
        if (SqlLayoutSource.Dbmate.recognizes(files)) {
            matches.add("dbmate");
        }
        if (SqlLayoutSource.Prisma.recognizes(files)) {
            matches.add("prisma");
        }
        if (AlembicOfflineSource.recognizesAny(files)) {
            matches.add("alembic");
        }
        // the team's Flyway configuration (its own prefixes and suffixes) only where no layout knows the file names:
        // reading it may start Spring Boot's binder, which a history of another tool should not wait for
        if (matches.isEmpty() && FlywaySource.recognizes(files, flywayConfig(settings, classLoader))) {
            matches.add("flyway");
        }
        if (matches.isEmpty() && AtlasSource.recognizes(files)) {
            matches.add("atlas");
        }
        String found = files.stream().limit(8).map(ScriptFile::relativePath).collect(Collectors.joining(", "))
                + (files.size() > 8 ? " and " + (files.size() - 8) + " more" : "");
        if (matches.size() > 1) {
            throw new RehearsalException("The files at " + location + " fit several layouts: "
                    + String.join(", ", matches) + ". Say which with @MigrationTest(format = \"" + matches.get(0)
                    + "\") or rehearsal.format.\n  found: " + found);
        }
        if (matches.isEmpty()) {
            throw new RehearsalException("Could not tell which migration tool the files at " + location + " belong to."
                    + "\n  found: " + found
                    + "\n  supported layouts: " + MigrationSources.SUPPORTED);
        }
        return source(matches.get(0), location, settings, classLoader);
    }

    /** A Liquibase changelog file, which must exist where the location says. */
    private static MigrationSource liquibase(String spec, ToolSettings tool, ClassLoader classLoader) {
        if (!spec.toLowerCase(Locale.ROOT).matches(".*\\.(xml|ya?ml|json|sql)")) {
            throw new RehearsalException("Liquibase reads a changelog file, but " + spec + " names no changelog file:"
                    + " give the master changelog as the location, such as"
                    + " classpath:db/changelog/db.changelog-master.xml (.yaml, .json or a formatted .sql).");
        }
        boolean exists = spec.startsWith("filesystem:")
                ? java.nio.file.Files.isRegularFile(Path.of(spec.substring("filesystem:".length())))
                : classLoader.getResource(spec.replaceFirst("^classpath:", "").replaceFirst("^/", "")) != null;
        if (!exists) {
            throw new RehearsalException("No migrations found: the Liquibase changelog " + spec + " does not exist."
                    + " Check @MigrationTest(migrations = ...) or rehearsal.migrations (classpath:db/changelog/"
                    + "db.changelog-master.xml for src/main/resources/db/changelog/db.changelog-master.xml).");
        }
        // the application's spring.liquibase.contexts and label-filter, where Rehearsal's own settings say nothing
        SpringLiquibase spring = tool.liquibaseContexts().isEmpty() || tool.liquibaseLabels().isEmpty()
                ? SpringLiquibase.read(classLoader) : SpringLiquibase.NONE;
        return new LiquibaseSource(spec, classLoader,
                tool.liquibaseContexts().isEmpty() ? spring.contexts() : tool.liquibaseContexts(),
                tool.liquibaseLabels().isEmpty() ? spring.labels() : tool.liquibaseLabels(), tool.liquibaseSearchPath());
    }

    private static MigrationSource source(String format, ScriptLocation location, RehearsalSettings settings,
                                          ClassLoader classLoader) {
        return switch (format) {
            case "golang-migrate" -> new SqlLayoutSource.GolangMigrate(location);
            case "dbmate" -> new SqlLayoutSource.Dbmate(location);
            case "prisma" -> new SqlLayoutSource.Prisma(location);
            case "atlas" -> new AtlasSource(location);
            case "drizzle" -> new DrizzleSource(location);
            case "sqitch" -> new SqitchSource(location);
            case "command" -> new CommandSource(location, settings.tool().command(), settings.locks().migrationTimeout());
            case "django" -> new DjangoSource(location, settings.tool().django(), settings.locks().migrationTimeout());
            case "knex" -> new KnexSource(location, settings.tool().knex(), settings.locks().migrationTimeout());
            case "alembic" -> AlembicOfflineSource.recognizes(location.files()) ? new AlembicOfflineSource(location)
                    : new AlembicSource(location, settings.tool().alembic(), settings.locks().migrationTimeout());
            default -> new FlywaySource(location, settings, classLoader, flywayConfig(settings, classLoader));
        };
    }

    /** The team's Flyway configuration files, found from the working directory (the project's under Maven). */
    private static FlywayConfigFiles.Loaded flywayConfig(RehearsalSettings settings, ClassLoader classLoader) {
        return FlywayConfigFiles.load(settings.tool(), classLoader, Path.of(""), springFolders(settings.migrations()));
    }

    /**
     * Where the migrations are when the test does not say: the {@code locations} of the team's Flyway configuration
     * ({@code flyway.conf}, {@code flyway.toml}, {@code spring.flyway.locations}), else {@code classpath:db/migration}.
     */
    static String defaultLocation(ToolSettings tool, ClassLoader classLoader) {
        List<String> locations = FlywayConfigFiles.load(tool, classLoader, Path.of(""), List.of()).locations();
        if (locations.isEmpty()) {
            String changeLog = SpringLiquibase.read(classLoader).changeLog();
            return changeLog != null ? changeLog : "classpath:db/migration";
        }
        return String.join(",", locations.stream().map(l -> vendor(l, classLoader)).toList());
    }

    /**
     * A location with Spring Boot's {@code {vendor}} ({@code classpath:db/migration/{vendor}}): the vendor folder that
     * exists, of {@code postgresql}, {@code mariadb} and {@code mysql} (Spring Boot's names for the engines Rehearsal
     * runs); where several exist, which one Spring Boot would take depends on the application's database, so the
     * location must be named.
     */
    private static String vendor(String location, ClassLoader classLoader) {
        if (!location.contains("{vendor}")) {
            return location;
        }
        List<String> existing = java.util.stream.Stream.of("postgresql", "mariadb", "mysql")
                .map(v -> location.replace("{vendor}", v))
                .filter(l -> ScriptLocation.parse(l.contains(":") ? l : "classpath:" + l, classLoader).exists()).toList();
        if (existing.size() > 1) {
            throw new RehearsalException("spring.flyway.locations is " + location + ", and several vendor folders"
                    + " exist (" + String.join(", ", existing) + "): Spring Boot takes the one of the application's"
                    + " database. Name the one to rehearse in rehearsal.migrations or @MigrationTest(migrations = ...).");
        }
        return existing.isEmpty() ? location.replace("{vendor}", "postgresql") : existing.get(0);
    }

    /**
     * Where the command line finds a project's {@code application.properties}: the {@code src/<set>/resources} folder
     * a {@code filesystem:} location lies in (under JUnit they are on the class path).
     */
    private static List<Path> springFolders(String migrations) {
        List<Path> folders = new ArrayList<>();
        for (String location : migrations.split(",")) {
            String spec = location.strip();
            if (!spec.startsWith("filesystem:")) {
                continue;
            }
            for (Path dir = Path.of(spec.substring("filesystem:".length())).toAbsolutePath().normalize();
                 dir != null && dir.getParent() != null && dir.getParent().getParent() != null; dir = dir.getParent()) {
                if (dir.getFileName().toString().equals("resources")
                        && dir.getParent().getParent().getFileName().toString().equals("src") && !folders.contains(dir)) {
                    folders.add(dir);
                    break;
                }
            }
        }
        return folders;
    }
}
