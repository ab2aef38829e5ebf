package dev.rehearsal.core.internal.tools.command;

import dev.rehearsal.core.CommandSettings;
import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.containment.KeptPlace;
import dev.rehearsal.core.internal.helper.ContainedRefusal;
import dev.rehearsal.core.internal.helper.SessionGuard;
import dev.rehearsal.core.internal.helper.ToolProcessEnvironment;
import dev.rehearsal.core.internal.helper.ToolProcesses;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's own migration command, run one step at a time against the throwaway database: the up command applies
 * the next migration, the down command reverts the current one, and after each the current-version command must
 * report the version the step should have reached, so that a command that did nothing (a wrong folder, a tool
 * already "up to date") fails the step instead of passing silently. A command that is not found, exits non-zero or
 * runs past the migration timeout (then killed with every process it started) fails with its output and exit code.
 * Every command runs in an environment that names only the throwaway database ({@link ToolProcessEnvironment});
 * before the first up the {@link HandedDatabaseGuard} proves the command uses the database it is handed, and after
 * every up and down the {@link StepLandingCheck} that the step changed it.
 */
final class CommandTool implements MigrationTool {

    /** How tools say that no migration is applied, besides the configured base. */
    private static final Set<String> NOTHING_APPLIED = Set.of("none", "zero", "base", "null", "nil", "-");
    private static final int OUTPUT_LINES = 25;
    /** How long the current command may try to reach a database that does not exist. */
    private static final Duration ABSENT_TIMEOUT = Duration.ofSeconds(30);

    private final MigrationHistory history;
    private final CommandSettings settings;
    private final Path directory;
    private final Path migrations;
    private final Dialect dialect;
    private final Supplier<ConnectionDetails> database;
    private final Duration timeout;
    private final Pattern currentPattern;
    private final Map<String, Migration> byName = new HashMap<>();
    /** The current version last read, per database (a restored copy is another database). */
    private final Map<String, Optional<MigrationVersion>> known = new HashMap<>();
    private final Map<String, String> inherited;
    private final ToolProcesses processes;
    private final KeptPlace place;
    private final HandedDatabaseGuard guard;
    private final StepLandingCheck landing;
    /** Whether a step ran: until then the throwaway database is as Rehearsal made it. */
    private boolean stepped;
    /** The warning of what the environment lost, for the report of the first phase; null once told. */
    private String warning;
    private boolean told;

    /**
     * @param migrations the folder the history was read from, given to the commands as {@code REHEARSAL_MIGRATIONS};
     *                   null where the location is not one folder on disk
     * @param inherited  the environment the commands would inherit (the JVM's)
     * @param processes  how each command's process is kept to the throwaway database, and the variables mapped to it
     * @param place      the namespaces the commands run in, contained, one after another
     */
    CommandTool(MigrationHistory history, CommandSettings settings, Path directory, Path migrations, Dialect dialect,
                Supplier<ConnectionDetails> database, Duration timeout, Map<String, String> inherited,
                ToolProcesses processes, KeptPlace place, HandedDatabaseGuard guard, StepLandingCheck landing) {
        this.inherited = inherited;
        this.processes = processes;
        this.place = place;
        this.guard = guard;
        this.landing = landing;
        this.migrations = migrations;
        this.history = history;
        this.settings = settings;
        this.directory = directory;
        this.dialect = dialect;
        this.database = database;
        this.timeout = timeout;
        this.currentPattern = Pattern.compile(settings.currentPattern(), Pattern.MULTILINE);
        for (Migration m : history.versioned()) {
            byName.put(stem(m), m);
            byName.put(file(m), m);
        }
    }

    @Override
    public MigrationHistory history() {
        return history;
    }

    /** A version, a migration's name ({@code 0002_add_sku}) or its file name ({@code 0002_add_sku.py}). */
    @Override
    public Migration migration(String target) {
        Migration named = byName.get(target.strip());
        return named != null ? named : history.require(target);
    }

    /**
     * The version the current command reports; read before any step on the empty throwaway database, it must be
     * none, else the command reads another database and the rehearsal stops before anything runs.
     */
    @Override
    public Optional<MigrationVersion> currentVersion() {
        ConnectionDetails details = database.get();
        Optional<MigrationVersion> version = known.get(details.database());
        if (version == null) {
            version = readCurrentVersion();
            if (!stepped && version.isPresent() && landing.empty()) {
                throw guard.appliedOnEmpty(settings.current(), version.get(), details, world(details).handed());
            }
            known.put(details.database(), version);
        }
        return version;
    }

    @Override
    public void upTo(MigrationVersion target) {
        MigrationVersion from = currentVersion().orElse(null);
        if (from != null && from.compareTo(target) > 0) {
            throw new RehearsalException("Cannot apply migrations up to " + target + ": " + from + " is applied"
                    + " already. Move down first.");
        }
        List<Migration> steps = history.between(from, target);
        if (!steps.isEmpty()) {
            ConnectionDetails details = database.get();
            guard.requireHandedDatabaseUsed(settings.current(), details,
                    absent -> execute(settings.current(), "reading the current version of a database that does not"
                            + " exist", absent, timeout.compareTo(ABSENT_TIMEOUT) < 0 ? timeout : ABSENT_TIMEOUT),
                    absent -> world(absent).handed());
        }
        for (Migration m : steps) {
            Optional<Migration> previous = history.previous(m);
            stepped = true;
            landing.step("up", m, settings.up(), this::reported, handed(), () -> {
                run("up", m, settings.up(), previous);
                expect("up", m, settings.up(), Optional.of(m.version()));
            });
        }
    }

    @Override
    public void down(Migration migration) {
        if (settings.down().isEmpty()) {
            throw new RehearsalException("No rehearsal.command.down is set: " + migration.displayName()
                    + " cannot be reverted.");
        }
        Optional<Migration> previous = history.previous(migration);
        stepped = true;
        landing.step("down", migration, settings.down(), this::reported, handed(), () -> {
            run("down", migration, settings.down(), previous);
            expect("down", migration, settings.down(), previous.map(Migration::version));
        });
    }

    /** What the tool reports now, for a message. */
    private String reported() {
        return currentVersion().map(v -> "version " + v + " applied").orElse("no migration applied");
    }

    /** The variables that name the throwaway database, as the commands are handed them (no passwords). */
    private String handed() {
        return world(database.get()).handed();
    }

    @Override
    public List<String> drainMessages() {
        String note = warning;
        warning = null;
        return note == null ? List.of() : List.of(note);
    }

    @Override
    public void applyRepeatables() {
        // tools driven by command have no repeatable migrations Rehearsal knows of
    }

    @Override
    public String expectedDownScript(Migration migration) {
        return "a down step in " + file(migration);
    }

    @Override
    public String irreversibleReason(Migration migration) {
        return settings.down().isEmpty() ? "no rehearsal.command.down is set, so the history is rehearsed up only" : null;
    }

    @Override
    public Set<String> ownTables() {
        Set<String> tables = new LinkedHashSet<>();
        settings.tables().forEach(t -> tables.add(t.strip()));
        return tables;
    }

    /** Runs one step's command; a failure names the migration, the command, its exit code and its output. */
    private void run(String phase, Migration migration, String template, Optional<Migration> previous) {
        String command = fill(template, migration, previous);
        ShellCommand.Result result = execute(command, phase + " of " + migration.displayName());
        if (!result.succeeded()) {
            known.remove(database.get().database()); // the step may have gone half-way: read it again
            throw new MigrationFailedException(phase, migration, (phase.equals("up") ? migration.up()
                    : migration.down()).name(), 0, command, null, why(result), null);
        }
    }

    /** Reads the version the step reached and fails the step when it is not the one it should have reached. */
    private void expect(String phase, Migration migration, String command, Optional<MigrationVersion> wanted) {
        String name = database.get().database();
        known.remove(name);
        Optional<MigrationVersion> now = currentVersion();
        if (!now.equals(wanted)) {
            throw new MigrationFailedException(phase, migration, (phase.equals("up") ? migration.up()
                    : migration.down()).name(), 0, command, null, "the command succeeded, but afterwards \""
                    + settings.current() + "\" reports " + now.map(v -> "version " + v).orElse("no migration applied")
                    + " where " + wanted.map(v -> "version " + v).orElse("no migration applied") + " was expected."
                    + " The " + phase + " command must " + (phase.equals("up") ? "apply exactly the next migration"
                    : "revert exactly the current migration") + " (use {next} and {previous} to name it), on the"
                    + " database in DATABASE_URL.", null);
        }
    }

    private Optional<MigrationVersion> readCurrentVersion() {
        String command = settings.current();
        ShellCommand.Result result = execute(command, "reading the current version");
        if (!result.succeeded()) {
            throw new RehearsalException("Could not read the current migration version: \"" + command + "\" in "
                    + directory + " " + why(result));
        }
        String token = null;
        Matcher m = currentPattern.matcher(result.output());
        while (m.find()) {
            token = m.group(1);
        }
        if (token == null) {
            return Optional.empty();
        }
        String t = token.strip();
        Migration named = byName.get(t);
        if (named != null) {
            return Optional.of(named.version());
        }
        if (NOTHING_APPLIED.contains(t.toLowerCase(Locale.ROOT)) || t.equals(settings.base())) {
            return Optional.empty();
        }
        try {
            MigrationVersion v = MigrationVersion.parse(t);
            if (history.find(v).isPresent()) {
                return Optional.of(v);
            }
        } catch (IllegalArgumentException notAVersion) {
            // named in the message below
        }
        throw new RehearsalException("\"" + command + "\" printed \"" + t + "\" as the current version, which names no"
                + " migration at " + history.location() + " (versions " + history.versioned().get(0).version() + " to "
                + history.latest().orElseThrow() + "). Set rehearsal.command.current-pattern to a regular expression"
                + " whose group picks the version or migration name out of the output (now \""
                + settings.currentPattern() + "\").\n  output:\n" + result.tail(OUTPUT_LINES));
    }

    private ShellCommand.Result execute(String command, String what) {
        return execute(command, what, database.get(), timeout);
    }

    private ShellCommand.Result execute(String command, String what, ConnectionDetails details, Duration limit) {
        guard.requireNotStopped(command);
        ToolProcessEnvironment environment = world(details);
        if (!told) {
            told = true;
            warning = environment.world().warning().orElse(null);
        }
        ShellCommand.Result result;
        try {
            result = ShellCommand.run(command, directory, environment, limit);
        } catch (InterruptedIOException e) {
            throw new RehearsalException("\"" + command + "\" (" + what + ") was interrupted, as the test run was"
                    + " stopped: it and the processes it started were killed.", e);
        } catch (IOException e) {
            throw new RehearsalException("Could not start \"" + command + "\" (" + what + ") in " + directory + ": "
                    + e.getMessage(), e);
        }
        if (!result.refused().isEmpty()) {
            throw new SessionGuard.ForeignDatabase(ContainedRefusal.describe("\"" + command + "\" (" + what + ")",
                    result.refused()));
        }
        return result;
    }

    /**
     * The environment of a command run on {@code details}: the inherited one without what names another database,
     * the database's variables, and {@code REHEARSAL_MIGRATIONS}, so the tool runs the files Rehearsal read.
     */
    private ToolProcessEnvironment world(ConnectionDetails details) {
        ToolProcessEnvironment environment = ToolProcessEnvironment.of("the migration command", dialect, details)
                .mappedBy("map it in the command itself, such as rehearsal.command.up=NAME=\"$DATABASE_URL\" "
                        + settings.up())
                .inheriting(inherited).keptIn(place);
        processes.apply(environment, () -> List.of(details));
        processes.variables(details, ToolProcessEnvironment.variables(dialect, details).get("DATABASE_URL"))
                .forEach(environment::put);
        if (migrations != null) {
            environment.put("REHEARSAL_MIGRATIONS", migrations.toString());
        }
        return environment;
    }

    /** What went wrong with a run, with the end of its output, for a message. */
    private String why(ShellCommand.Result result) {
        String what;
        if (result.timedOut()) {
            what = "did not finish within " + timeout.toSeconds() + " s (rehearsal.migration-timeout), so it and the "
                    + result.killed() + " process" + (result.killed() == 1 ? "" : "es") + " it started were killed."
                    + " Raise rehearsal.migration-timeout if it needs longer, or look for a prompt or a lock it waits on";
        } else if (result.exitCode() == 127) {
            what = "was not found (exit code 127): install the tool where the command runs (PATH, node_modules/.bin,"
                    + " the virtualenv) or correct the command";
        } else if (result.exitCode() == 126) {
            what = "could not be executed (exit code 126): make the program executable or run it through its"
                    + " interpreter";
        } else {
            what = "exited with code " + result.exitCode();
        }
        return what + ".\n  command:   " + result.command() + "\n  directory: " + directory + "\n  output:\n"
                + result.tail(OUTPUT_LINES) + (result.contained() ? ContainedRefusal.note(result.output()) : "");
    }

    /** The template with {next} and {previous} replaced by shell-quoted migration names. */
    private String fill(String template, Migration next, Optional<Migration> previous) {
        return template.replace("{next}", quote(stem(next)))
                .replace("{previous}", quote(previous.map(CommandTool::stem).orElse(settings.base())));
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_.:/=+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private static String stem(Migration m) {
        String f = file(m);
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }

    private static String file(Migration m) {
        String name = m.up().name();
        return name.substring(0, name.length() - " (up)".length());
    }
}
