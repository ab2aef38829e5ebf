package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.flyway.FlywayCustomizer;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.sql.ForcedFailure;
import dev.rehearsal.core.internal.sql.HistoryTableReads;
import dev.rehearsal.core.internal.sql.ScriptRunner;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Flyway bound to one database; see {@link FlywaySource}. */
final class FlywayTool implements MigrationTool, HistoryTableReads {

    private final ScriptLocation location;
    private final List<ScriptFile> files;
    private final RehearsalSettings settings;
    private final DataSource dataSource;
    private final Dialect dialect;
    private final ClassLoader classLoader;
    private final FlywayConfigFiles.Loaded teamConfig;
    private final FlywayCustomizer customizer;
    private final FlywayApi api;
    private final MigrationHistory history;
    private final Map<MigrationVersion, String> flywayVersions = new HashMap<>();
    private final FlywayHistoryTable historyTable;
    private final String placeholderPrefix;
    private final String placeholderSuffix;
    private final List<String> messages = new ArrayList<>();
    /** Whether every versioned migration Flyway resolved is a plain SQL script (no Java or other kinds). */
    private final boolean onlySqlMigrations;
    /** Undo scripts and, where Flyway would do nothing more, the ups, run as Flyway would run them. */
    private final FlywayScripts scripts;
    /** What an operator does after a failure, and the repeatable migrations applied again. */
    private final FlywayRetries retries;
    /** Why ups run through Flyway's migrate rather than {@link FlywayScripts#applyUps}; null when they need not. */
    private final String directUpsRefusal;

    FlywayTool(ScriptLocation location, List<ScriptFile> files, RehearsalSettings settings, DataSource dataSource,
               Dialect dialect, ClassLoader classLoader, FlywayConfigFiles.Loaded teamConfig,
               FlywayCustomizer customizer, FlywayApi api) {
        this.location = location;
        this.files = files;
        this.settings = settings;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.classLoader = classLoader;
        this.teamConfig = teamConfig;
        this.customizer = customizer;
        this.api = api;
        FluentConfiguration config = configure(true, null);
        this.historyTable = new FlywayHistoryTable(config.getTable(), config.getDefaultSchema() != null
                ? config.getDefaultSchema() : config.getSchemas().length > 0 ? config.getSchemas()[0] : null, dialect);
        this.placeholderPrefix = config.getPlaceholderPrefix();
        this.placeholderSuffix = config.getPlaceholderSuffix();
        if (!teamConfig.files().isEmpty() || customizer != null) {
            messages.add(configurationNote(config));
        }
        createManagedSchemas(config);
        FlywayHistoryReader.Read read = new FlywayHistoryReader(location, files, classLoader,
                customizer == null && classLoader != null && !historyTable.existsYet(dataSource)
                        ? FlywayResolutions.key(location.toString(), files, teamConfig.properties(), settings.placeholders())
                        : null,
                () -> configure(true, null), messages).configuredIn(teamConfig.namingOrigins()).read();
        this.history = read.history();
        this.flywayVersions.putAll(read.flywayVersions());
        this.onlySqlMigrations = read.onlySqlMigrations();
        this.directUpsRefusal = directUpsRefusal(config);
        this.retries = new FlywayRetries(dataSource, historyTable.name(), historyTable::quoted,
                () -> configure(true, null));
        this.scripts = new FlywayScripts(dataSource, dialect, history, flywayVersions, historyTable.schema(),
                historyTable.name(), placeholderPrefix, placeholderSuffix,
                () -> configure(false, null).getPlaceholders(), historyTable::quoted, messages);
    }

    private static final Pattern PLAIN_SCRIPT = Pattern.compile("(V[^_].*?__|U[^_].*?__|R__).*\\.sql");

    /**
     * Why Flyway's migrate must apply the ups itself, or null when running the scripts directly and writing the
     * history rows is all Flyway would do: SQL scripts only, no callbacks or per-script configuration, no team
     * configuration or customizer (which may change how Flyway runs them), every script transactional, and an
     * engine that rolls back a failed script's DDL (so a failure records nothing, as with Flyway).
     */
    private String directUpsRefusal(FluentConfiguration config) {
        if (!dialect.rollsBackDdl()) {
            return "the engine commits DDL as it runs, and Flyway records failures its own way there";
        }
        if (!teamConfig.properties().isEmpty() || customizer != null) {
            return "the team's Flyway configuration or customizer may change how Flyway runs the scripts";
        }
        if (config.getCallbacks().length > 0 || config.getJavaMigrations().length > 0 || !onlySqlMigrations
                || files.stream().anyMatch(f -> !PLAIN_SCRIPT.matcher(f.filename()).matches())) {
            return "the location has callbacks, script configuration or migrations that are not SQL scripts";
        }
        boolean outsideTransaction = history.versioned().stream().anyMatch(m -> dialect.split(m.up().sql()).stream()
                .anyMatch(st -> dialect.mustRunOutsideTransaction(st.sql())));
        return outsideTransaction ? "a script cannot run in a transaction, which Flyway handles its own way" : null;
    }

    /** What Rehearsal took from the team's configuration, and where it must differ, said once in the first step's notes. */
    private String configurationNote(FluentConfiguration config) {
        List<String> parts = new ArrayList<>();
        if (!teamConfig.files().isEmpty()) {
            parts.add("Flyway configuration from " + teamConfig.describe() + " (" + teamConfig.properties().size()
                    + " settings" + (teamConfig.locations().isEmpty() ? "" : ", locations "
                    + String.join(",", teamConfig.locations())) + ")");
        }
        if (customizer != null) {
            parts.add("customized by " + customizer.getClass().getName());
        }
        parts.add("history table " + historyTable.describe());
        parts.add("Rehearsal differs where it must: its own throwaway database instead of the configured url and user,"
                + " cleanDisabled=true, and undo scripts run by Rehearsal (Flyway community cannot run them)");
        return String.join("; ", parts);
    }

    /**
     * The schemas Flyway manages ({@code schemas}, {@code defaultSchema}) exist before the first migration runs, as
     * Flyway's first migrate creates them: so the state before the first migration, and after its down, has them.
     */
    private void createManagedSchemas(FluentConfiguration config) {
        if (config.isCreateSchemas() && historyTable.schema() != null) {
            Set<String> names = new LinkedHashSet<>(List.of(config.getSchemas()));
            names.add(historyTable.schema());
            FlywayScripts.createSchemas(dataSource, dialect, names,
                    teamConfig.files().isEmpty() ? "the customizer" : teamConfig.describe());
        }
    }

    /** A direct up runs in one transaction with its history row; the first migration goes through Flyway's migrate. */
    @Override
    public boolean appliesInOneTransaction(Migration migration) {
        return directUpsRefusal == null && history.previous(migration).isPresent();
    }

    static boolean isUndo(ScriptFile f) {
        return f.filename().startsWith("U") && f.filename().endsWith(".sql");
    }

    private static boolean isRepeatable(ScriptFile f) {
        return f.filename().startsWith("R__");
    }

    /**
     * Flyway's configuration: Rehearsal's defaults, then the team's files and customizer, then what Rehearsal must
     * set (its database, the scripts it read, no clean, Flyway's log captured unless asked for).
     */
    private FluentConfiguration configure(boolean withRepeatables, MigrationVersion target) {
        FluentConfiguration config = Flyway.configure(classLoader)
                .validateMigrationNaming(true)
                .table(FlywaySource.DEFAULT_TABLE);
        try {
            api.sessionLevelLock(config);
        } catch (NoClassDefFoundError e) {
            // flyway-database-postgresql is not there (a MariaDB history): there is no PostgreSQL lock to set
        }
        if (!teamConfig.properties().isEmpty()) {
            try {
                config.configuration(teamConfig.properties());
            } catch (FlywayException e) {
                throw new RehearsalException("Flyway rejects the configuration in " + teamConfig.describe() + ": "
                        + e.getMessage().strip() + "\nFix the key or value there (Flyway's names: flyway.table,"
                        + " flyway.sqlMigrationSuffixes...; Spring Boot's: spring.flyway.table...), or point"
                        + " rehearsal.flyway.config at the file Flyway really uses.", e);
            }
        }
        Map<String, String> placeholders = new HashMap<>(config.getPlaceholders());
        placeholders.putAll(settings.placeholders());
        config.placeholders(placeholders);
        if (customizer != null) {
            try {
                customizer.customize(config);
            } catch (RuntimeException e) {
                throw new RehearsalException("The Flyway customizer " + customizer.getClass().getName() + " failed: "
                        + e + ". Fix it, or remove it from @MigrationTest(flywayCustomizer = ...)"
                        + " / rehearsal.flyway.customizer.", e);
            }
        }
        config.dataSource(dataSource)
                .resourceProvider(new InMemoryResources(files, f -> !isUndo(f) && (withRepeatables || !isRepeatable(f))))
                .cleanDisabled(true);
        if (!settings.tool().verbose()) {
            config.loggers(FlywayLog.class.getName());
        }
        if (target != null) {
            config.target(flywayVersions.getOrDefault(target, target.toString()));
        }
        return config;
    }

    @Override
    public MigrationHistory history() {
        return history;
    }

    @Override
    public Optional<MigrationVersion> currentVersion() {
        try (Connection c = dataSource.getConnection()) {
            return currentVersionOn(c);
        } catch (SQLException e) {
            throw new RehearsalException("Could not read Flyway's history table " + historyTable.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Optional<MigrationVersion> currentVersionOn(Connection c) {
        try {
            return historyTable.currentVersion(c);
        } catch (SQLException e) {
            throw new RehearsalException("Could not read Flyway's history table " + historyTable.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    /*
     * Flyway validated the scripts when the history was read; they are served from memory and cannot change
     * during the rehearsal, so validating again on every migrate would only repeat that work.
     */
    @Override
    public void upTo(MigrationVersion target) {
        if (directUpsRefusal != null) {
            migrate(configure(false, target).validateOnMigrate(false), target);
            return;
        }
        if (applyDirectly(target) || createHistoryTableAsFlywayDid() && applyDirectly(target)) {
            return;
        }
        // Flyway's first migrate makes its history table: the statements it makes it with are kept for the next
        // rehearsal of this JVM (FlywayHistoryTables)
        FlywayHistoryTables.Recorder recorder = new FlywayHistoryTables.Recorder(dataSource);
        migrate(configure(false, target).validateOnMigrate(false).dataSource(recorder), target);
        List<String> made = FlywayHistoryTables.creation(recorder, historyTable.name());
        if (!made.isEmpty() && classLoader != null) {
            try (Connection c = dataSource.getConnection()) {
                FlywayHistoryTables.put(classLoader, FlywayHistoryTables.key(c, historyTable.quoted(c)), made);
            } catch (SQLException e) {
                // not kept: the next rehearsal has Flyway make its table again, as this one did
            }
        }
    }

    /**
     * Makes Flyway's history table with the statements Flyway made it with in an earlier rehearsal of this JVM, for
     * the same Flyway, server, user, schema and table; false when there are none, or the server refused them (then
     * nothing is left behind, and Flyway makes the table itself).
     */
    private boolean createHistoryTableAsFlywayDid() {
        if (classLoader == null) {
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            List<String> kept = FlywayHistoryTables.get(classLoader, FlywayHistoryTables.key(c, historyTable.quoted(c)));
            return kept != null && FlywayHistoryTables.replay(c, kept);
        } catch (SQLException e) {
            return false; // Flyway itself will make the table, or say what is wrong with the database
        }
    }

    /**
     * Applies the pending migrations up to {@code target} as Flyway would, without Flyway: each script through
     * {@link ScriptRunner} in its own transaction, and in that transaction the history row Flyway writes (rank,
     * version, description, type, script, checksum, user, execution time, success). Flyway's {@code migrate} sends
     * about 55 statements of its own per call (role, search path, schema and table checks, advisory lock, history
     * reads), which cost more than a whole phase of an empty-table migration. Used only where Flyway would do
     * nothing more ({@link #directUpsRefusal}); returns false when its history table does not exist yet (Flyway's
     * first migrate creates it, or {@link #createHistoryTableAsFlywayDid} with the statements Flyway created it
     * with). Flyway's own {@code validate} checks the rows written here at the repeatable step, and
     * {@code FlywayDirectUpsTest} compares them with Flyway's.
     */
    private boolean applyDirectly(MigrationVersion target) {
        try (Connection c = dataSource.getConnection()) {
            MigrationVersion current;
            try {
                current = historyTable.highestApplied(c).orElse(null);
            } catch (SQLException e) {
                return false; // no history table yet: Flyway creates it as it does
            }
            scripts.applyUps(c, current, target);
            return true;
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to apply " + location + " up to version " + target
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #upTo}, without reading the history table first where the caller knows its highest version: the
     * table exists then, so the scripts are applied directly wherever Flyway would do nothing more.
     */
    @Override
    public void upFrom(MigrationVersion current, MigrationVersion target) {
        if (directUpsRefusal != null || current == null) {
            upTo(target);
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            scripts.applyUps(c, current, target);
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to apply " + location + " up to version " + target
                    + ": " + e.getMessage(), e);
        }
    }

    /*
     * Flyway fires afterEachMigrate inside the migration's transaction, before it records the migration; a callback
     * that throws there makes Flyway roll the transaction back and record nothing (DbMigrate.doMigrateGroup).
     */
    @Override
    public boolean applyFailingAtEnd(Migration migration) {
        String flywayVersion = flywayVersions.getOrDefault(migration.version(), migration.version().toString());
        FluentConfiguration config = configure(false, migration.version()).validateOnMigrate(false);
        List<Callback> callbacks = new ArrayList<>(List.of(config.getCallbacks()));
        callbacks.add(new FlywayFailAtEnd(flywayVersion));
        config.callbacks(callbacks.toArray(Callback[]::new));
        try {
            // Flyway's complaints about the failure Rehearsal forced are not the migration's
            FlywayLog.capture(new ArrayList<>(), () -> config.load().migrate());
        } catch (FlywayMigrateException e) {
            throw FlywayFailures.translate(e, migration.version(), location, history);
        } catch (FlywayException e) {
            if (ForcedFailure.in(e)) {
                return true;
            }
            throw new RehearsalException("Flyway could not migrate " + location + " to version " + migration.version()
                    + ": " + e.getMessage().strip(), e);
        }
        throw new RehearsalException("Flyway applied " + migration.displayName() + " without calling the callback"
                + " that stops it at its end; its atomicity could not be checked");
    }

    /**
     * Flyway runs a script without a transaction where its configuration says so ({@code executeInTransaction=false})
     * or it holds a statement which cannot run in one (mixed, or all such).
     */
    @Override
    public UpTransaction upTransaction(Migration migration) {
        return !retries.executesInTransaction(migration, files) || dialect.split(migration.up().sql()).stream()
                .anyMatch(st -> dialect.mustRunOutsideTransaction(st.sql())) ? UpTransaction.EACH_STATEMENT
                : UpTransaction.ONE;
    }

    @Override
    public void migrateAsOperator(MigrationVersion target) {
        migrate(configure(false, target).validateOnMigrate(false), target);
    }

    @Override
    public String clearFailedUp(Migration migration) {
        return retries.repair(migration);
    }

    @Override
    public boolean applyRepeatablesAgain() {
        return !history.repeatable().isEmpty() && retries.applyRepeatablesAgain(this::applyRepeatables);
    }

    @Override
    public void applyRepeatables() {
        // where the ups ran without Flyway, Flyway's own validation checks the history rows they wrote
        migrate(configure(true, history.latest().orElse(null)).validateOnMigrate(directUpsRefusal == null), null);
    }

    private void migrate(FluentConfiguration config, MigrationVersion target) {
        try {
            FlywayLog.capture(messages, () -> config.load().migrate());
        } catch (FlywayMigrateException e) {
            throw FlywayFailures.translate(e, target, location, history);
        } catch (FlywayException e) {
            throw new RehearsalException("Flyway could not migrate " + location
                    + (target == null ? "" : " to version " + target) + ": " + e.getMessage().strip(), e);
        }
    }

    @Override
    public void down(Migration migration) {
        scripts.down(migration, expectedDownScript(migration));
    }

    @Override
    public String expectedDownScript(Migration migration) {
        String name = migration.up().name();
        int slash = name.lastIndexOf('/');
        return name.substring(0, slash + 1) + "U" + name.substring(slash + 2);
    }

    @Override
    public Set<String> ownTables() {
        return Set.of(historyTable.name()); // the catalog readers leave it out by name, in whichever schema Flyway keeps it
    }

    @Override
    public List<String> drainMessages() {
        return FlywayLog.drain(messages);
    }
}
