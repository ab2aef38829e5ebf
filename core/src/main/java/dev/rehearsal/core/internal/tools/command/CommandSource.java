package dev.rehearsal.core.internal.tools.command;

import dev.rehearsal.core.CommandSettings;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.HistoryDefectException;
import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.internal.containment.KeptPlace;
import dev.rehearsal.core.internal.helper.ToolProcesses;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A history that is code (Knex, Django, Rails, Ecto, TypeORM, Sequelize...), applied by the project's own migration
 * command: the files at the location, each named {@code <number>_<name>} or {@code <number>-<name>}, are the
 * migrations in number order, and {@link CommandTool} runs the configured commands one step at a time.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CommandSource implements MigrationSource, AutoCloseable {

    private static final Pattern MIGRATION = Pattern.compile("(\\d+)[_-](.*)");

    private final ScriptLocation location;
    private final CommandSettings settings;
    private final Duration timeout;
    private final Map<String, String> inherited;
    private final HandedDatabaseGuard guard = new HandedDatabaseGuard();
    /** The network every command of the rehearsal enters, contained, one command after another. */
    private final KeptPlace place = new KeptPlace();
    private ToolProcesses processes = ToolProcesses.DEFAULTS;

    /**
     * @param timeout how long one command may run before it and its children are killed (the migration timeout)
     */
    public CommandSource(ScriptLocation location, CommandSettings settings, Duration timeout) {
        this(location, settings, timeout, System.getenv());
    }

    /**
     * @param inherited the environment the commands would inherit (the JVM's), from which Rehearsal removes what
     *                  names another database
     */
    public CommandSource(ScriptLocation location, CommandSettings settings, Duration timeout,
                         Map<String, String> inherited) {
        this.location = location;
        this.settings = settings;
        this.timeout = timeout;
        this.inherited = Map.copyOf(inherited);
        if (!settings.configured() || settings.current().isEmpty()) {
            throw new RehearsalException("The migrations at " + location + " are applied through the tool's own"
                    + " command, but " + (settings.configured() ? "rehearsal.command.current" : "rehearsal.command.up")
                    + " is not set. Set rehearsal.command.up (applies the next migration), rehearsal.command.down"
                    + " (reverts the current one) and rehearsal.command.current (prints the current version), such as"
                    + " npx knex migrate:up, npx knex migrate:down and npx knex migrate:currentVersion.");
        }
    }

    /**
     * How the commands' processes are kept to the throwaway database ({@code rehearsal.containment}:
     * {@code network}, the default, or {@code guard}) and the variables the user maps to it
     * ({@code rehearsal.env.<NAME>}); set before the source is opened.
     */
    public CommandSource processes(ToolSettings settings) {
        processes = ToolProcesses.of(settings);
        return this;
    }

    /** Ends the network the commands entered, with its relay. */
    @Override
    public void close() {
        place.close();
    }

    @Override
    public String describe() {
        return "migrations at " + location + " applied by " + settings.up();
    }

    @Override
    public MigrationTool open(DataSource dataSource, Dialect dialect) {
        return open(dataSource, dialect, () -> {
            throw new RehearsalException("The migration tool driven by \"" + settings.up() + "\" needs the database's"
                    + " address and credentials, which a plain data source does not give: run it on a database"
                    + " Rehearsal created.");
        });
    }

    @Override
    public MigrationTool open(DataSource dataSource, Dialect dialect, Supplier<ConnectionDetails> database) {
        Path directory = Path.of(settings.directory().isEmpty() ? "" : settings.directory()).toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw new RehearsalException("rehearsal.command.directory " + directory + " does not exist: name the"
                    + " folder the migration commands run in (where knexfile.js or manage.py is), relative to "
                    + Path.of("").toAbsolutePath() + ".");
        }
        return new CommandTool(history(), settings, directory, location.directory().orElse(null), dialect, database,
                timeout, inherited, processes, place, guard,
                new StepLandingCheck(dataSource, dialect, database, settings.tables(),
                guard));
    }

    /** The migration files at the location, in number order; anything else there is named in the message. */
    MigrationHistory history() {
        List<Migration> migrations = new ArrayList<>();
        Map<MigrationVersion, String> seen = new LinkedHashMap<>();
        List<String> strangers = new ArrayList<>();
        boolean reversible = !settings.down().isEmpty();
        for (ScriptFile f : location.files()) {
            String path = f.relativePath();
            if (path.contains("/") || ignored(f.filename())) {
                continue;
            }
            int dot = path.lastIndexOf('.');
            String stem = dot > 0 ? path.substring(0, dot) : path;
            Matcher m = MIGRATION.matcher(stem);
            if (!m.matches()) {
                strangers.add(path);
                continue;
            }
            MigrationVersion version = MigrationVersion.parse(m.group(1));
            String before = seen.put(version, path);
            if (before != null) {
                throw new HistoryDefectException("Two migrations at " + location + " have the number "
                        + m.group(1) + ": " + before + " and " + path + ". Renumber one, as the tool orders migrations"
                        + " by that number.");
            }
            String description = m.group(2).replaceAll("[_-]+", " ").strip();
            MigrationScript up = new MigrationScript(path + " (up)", f.describe(), f.text());
            MigrationScript down = reversible ? new MigrationScript(path + " (down)", f.describe(), f.text()) : null;
            migrations.add(new Migration(version, description.isEmpty() ? stem : description,
                    Migration.Type.VERSIONED, up, down, null));
        }
        if (!strangers.isEmpty()) {
            throw new RehearsalException("Files at " + location + " are not named as migrations: "
                    + String.join(", ", strangers) + ". Each migration file starts with its number, as the tools write"
                    + " them (20240101120000_create_users.js, 0002_add_sku.py, 1700000000000-CreateUsers.ts); move other"
                    + " files out of the migration folder.");
        }
        if (migrations.isEmpty()) {
            throw new RehearsalException("No migrations at " + location + ": no file there is named"
                    + " <number>_<name> (such as 20240101120000_create_users.js or 0001_initial.py).");
        }
        return new MigrationHistory(location.toString(), migrations, List.of());
    }

    /** Files a migration folder holds beside migrations: Python's package marker and caches, source maps, typings. */
    private static boolean ignored(String name) {
        return name.startsWith(".") || name.startsWith("_") || name.endsWith(".pyc") || name.endsWith(".map")
                || name.endsWith(".d.ts");
    }
}
