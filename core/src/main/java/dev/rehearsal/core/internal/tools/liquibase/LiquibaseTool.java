package dev.rehearsal.core.internal.tools.liquibase;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.internal.sql.HistoryTableReads;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.changelog.ChangeLogHistoryServiceFactory;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.RanChangeSet;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.executor.ExecutorService;
import liquibase.logging.core.NoOpLogService;
import liquibase.precondition.Precondition;
import liquibase.precondition.PreconditionLogic;
import liquibase.resource.ResourceAccessor;
import liquibase.ui.LoggerUIService;

import javax.sql.DataSource;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Liquibase on one database, through its API: each operation opens a connection, lets Liquibase take its lock and
 * keep {@code DATABASECHANGELOG} as it always does, and closes. Changesets are numbered 1, 2, 3... in changelog order
 * (includes resolved), and named by their id ({@code author:id} where ids repeat).
 */
final class LiquibaseTool implements MigrationTool, HistoryTableReads {

    private final String location;
    private final String changelog;
    private final ResourceAccessor accessor;
    private final ClassLoader classLoader;
    private final DataSource dataSource;
    private final MigrationHistory history;
    /** Changeset key ({@code path::id::author}) to its migration. */
    private final Map<String, Migration> byKey = new HashMap<>();
    private final LiquibaseFailures failures;
    private final Map<MigrationVersion, ChangeSet> changeSets = new HashMap<>();
    /** Other names {@code migrateTo} takes: tags, and {@code author:id} for every changeset. */
    private final Map<String, Migration> names = new LinkedHashMap<>();
    /** Notes for the report of the phase that ran, drained by {@link #drainMessages()}. */
    private final List<String> messages = new ArrayList<>();
    /**
     * The changelog as Liquibase parsed it when the history was read, handed to every later operation: Liquibase
     * would otherwise parse the whole changelog again for each changeset applied or rolled back.
     */
    private DatabaseChangeLog parsed;
    private final Contexts contexts;
    private final LabelExpression labels;
    /**
     * Whether one step may run as {@link #applyOne}/{@link #rollBackOne} do: true once a Liquibase command ran here
     * (it validated the changelog and every applied checksum, and made its tables), as long as no changeset runs
     * always and the changelog has no preconditions of its own, which only Liquibase's commands handle.
     */
    private boolean stepsWithoutCommand;
    private final boolean stepsNeedCommand;
    private final ChangelogTable changelogTable = new ChangelogTable();

    LiquibaseTool(String location, ClassLoader classLoader, DataSource dataSource, String contexts, String labels,
                  List<String> searchPath) {
        this.location = location;
        this.dataSource = dataSource;
        this.classLoader = classLoader;
        this.contexts = contexts.isEmpty() ? new Contexts() : new Contexts(contexts);
        this.labels = labels.isEmpty() ? new LabelExpression() : new LabelExpression(labels);
        LiquibaseSearchPath path = LiquibaseSearchPath.of(location, classLoader, searchPath);
        this.accessor = path.accessor();
        this.changelog = path.changelog();
        this.failures = new LiquibaseFailures(location, byKey, path);
        this.history = withLiquibase("read", null, lb -> {
            this.parsed = lb.getDatabaseChangeLog();
            return LiquibaseHistory.read(lb, location, this.contexts, this.labels, byKey, changeSets, names);
        });
        this.stepsNeedCommand = changeSets.values().stream().anyMatch(ChangeSet::isAlwaysRun)
                || hasPreconditions(parsed.getPreconditions());
    }

    /** Whether a changelog's preconditions hold any real check: included changelogs add empty containers. */
    private static boolean hasPreconditions(Precondition precondition) {
        if (precondition instanceof PreconditionLogic logic) {
            return logic.getNestedPreconditions().stream().anyMatch(LiquibaseTool::hasPreconditions);
        }
        return precondition != null;
    }

    @Override
    public Migration migration(String target) {
        Optional<Migration> byId = history.versioned().stream().filter(m -> target.equals(m.id())).findFirst();
        if (byId.isPresent()) {
            return byId.get();
        }
        Migration named = names.get(target);
        if (named != null) {
            return named;
        }
        List<String> sameId = names.keySet().stream().filter(k -> k.endsWith(":" + target)).toList();
        if (sameId.size() > 1) {
            throw new RehearsalException("Changeset id " + target + " is used by " + String.join(" and ", sameId)
                    + " in " + location + ": name one as author:id.");
        }
        if (target.matches("\\d+")) {
            return history.require(target);
        }
        List<String> tags = names.keySet().stream().filter(k -> !k.contains(":")).toList();
        throw new RehearsalException("No changeset " + target + " in " + location + ": migrateTo takes a changeset id"
                + " (author:id where ids repeat), " + (tags.isEmpty() ? "" : "a tag (" + String.join(", ", tags) + "), ")
                + "or a position 1-" + history.versioned().size() + "; changesets: " + String.join(", ",
                history.versioned().stream().map(Migration::id).toList()));
    }

    static String key(String path, String id, String author) {
        return path.replace('\\', '/').replaceFirst("^classpath:", "").replaceFirst("^/", "") + "::" + id + "::" + author;
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
            throw new RehearsalException("Could not read the DATABASECHANGELOG of " + location + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<MigrationVersion> currentVersionOn(Connection c) {
        // read straight from DATABASECHANGELOG: a Liquibase instance per read costs more than the changeset it reads
        try {
            MigrationVersion max = null;
            for (String[] ran : changelogTable.rows(c).values()) {
                Migration m = byKey.get(key(ran[0], ran[1], ran[2]));
                if (m != null && (max == null || m.version().compareTo(max) > 0)) {
                    max = m.version();
                }
            }
            return Optional.ofNullable(max);
        } catch (SQLException e) {
            throw new RehearsalException("Could not read the DATABASECHANGELOG of " + location + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void upTo(MigrationVersion target) {
        upFrom(currentVersion().orElse(null), target);
    }

    /** As {@link #upTo}, where the caller knows the changelog table's highest version: it is not read again. */
    @Override
    public void upFrom(MigrationVersion known, MigrationVersion target) {
        int current = known == null ? 0 : Integer.parseInt(known.toString());
        int count = Integer.parseInt(target.toString()) - current;
        if (count <= 0) {
            return;
        }
        Migration first = history.find(MigrationVersion.parse(String.valueOf(current + 1))).orElseThrow();
        // Liquibase runs every runAlways changeset already applied again, and counts it, before the next new one
        long again = history.versioned().stream().filter(m -> Integer.parseInt(m.version().toString()) <= current
                && changeSets.get(m.version()).isAlwaysRun()).count();
        if (count == 1 && stepsWithoutCommand && current > 0) {
            applyOne(first);
            return;
        }
        withLiquibase("apply", first, lb -> {
            lb.update(count + (int) again, contexts, labels);
            return null;
        });
        stepsWithoutCommand = !stepsNeedCommand;
    }

    /**
     * Applies one changeset as Liquibase's update applies each (its {@code UpdateVisitor}): {@code ChangeSet.execute}
     * (preconditions, transaction or not, the changes), then the DATABASECHANGELOG row written by Liquibase's own
     * statement, with its checksum, order, tag and deployment id. What the update command does around that (lock
     * table, reading the tables' columns, validating every changeset) costs about 40 statements per step, and is done
     * by the first step; {@code LiquibaseVerificationTest} checks rows and schema against Liquibase's own commands.
     */
    private void applyOne(Migration migration) {
        ChangeSet cs = changeSets.get(migration.version());
        withDatabase("apply", migration, database -> {
            ChangeSet.ExecType exec = cs.execute(parsed, null, database);
            if (exec != ChangeSet.ExecType.SKIPPED) {
                database.markChangeSetExecStatus(cs, exec);
            }
            database.commit();
        });
    }

    /** Rolls one changeset back as Liquibase's rollback does each (its {@code RollbackVisitor}). */
    private void rollBackOne(Migration migration) {
        ChangeSet cs = changeSets.get(migration.version());
        withDatabase("roll back", migration, database -> {
            cs.rollback(database, null);
            database.removeRanStatus(cs);
            database.commit();
        });
    }

    @Override
    public void down(Migration migration) {
        if (stepsWithoutCommand && currentVersion().filter(migration.version()::equals).isPresent()) {
            ChangeSet cs = changeSets.get(migration.version());
            String[] ran = ranRow(cs);
            if (ran != null && ChangeSet.ExecType.MARK_RAN.value.equals(ran[3])) {
                messages.add(markRanRolledBack(migration));
            }
            rollBackOne(migration);
            return;
        }
        withLiquibase("roll back", migration, lb -> {
            ChangeSet cs = changeSets.get(migration.version());
            for (RanChangeSet ran : lb.getDatabase().getRanChangeSetList()) {
                if (cs != null && ran.isSameAs(cs) && ran.getExecType() == ChangeSet.ExecType.MARK_RAN) {
                    messages.add(markRanRolledBack(migration));
                }
            }
            lb.rollback(1, null, contexts, labels);
            return null;
        });
        stepsWithoutCommand = !stepsNeedCommand;
    }

    private static String markRanRolledBack(Migration migration) {
        return migration.id() + " was marked ran without running (its precondition said MARK_RAN), yet Liquibase runs"
                + " its rollback as for any applied changeset; production's rollback would do the same";
    }

    /** The DATABASECHANGELOG row of {@code cs}: filename, id, author, exec type; null when it has none. */
    private String[] ranRow(ChangeSet cs) {
        try (Connection c = dataSource.getConnection()) {
            return changelogTable.rows(c).get(key(cs.getFilePath(), cs.getId(), cs.getAuthor()));
        } catch (SQLException e) {
            throw new RehearsalException("Could not read the DATABASECHANGELOG of " + location + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> drainMessages() {
        List<String> drained = List.copyOf(messages);
        messages.clear();
        return drained;
    }

    /**
     * A changeset runs in one transaction unless it says {@code runInTransaction="false"}; its DATABASECHANGELOG row
     * is written on the same connection. Not where a changeset runs always: Liquibase runs those again before the
     * next one, each in a transaction of its own.
     */
    @Override
    public boolean appliesInOneTransaction(Migration migration) {
        ChangeSet cs = changeSets.get(migration.version());
        return cs != null && cs.isRunInTransaction() && changeSets.values().stream().noneMatch(ChangeSet::isAlwaysRun);
    }

    /** A changeset with {@code runInTransaction="false"} has each of its statements commit by itself. */
    @Override
    public UpTransaction upTransaction(Migration migration) {
        ChangeSet cs = changeSets.get(migration.version());
        return cs == null ? UpTransaction.OUT_OF_REACH
                : cs.isRunInTransaction() ? UpTransaction.ONE : UpTransaction.EACH_STATEMENT;
    }

    @Override
    public void applyRepeatables() {
        // runOnChange and runAlways changesets are part of the ordered history; there is nothing else to apply
    }

    @Override
    public boolean appliesAgain(Migration migration) {
        return LiquibaseReruns.appliesAgain(changeSets.get(migration.version()));
    }

    /** Liquibase's own update, after a runOnChange changeset's checksum is made to differ from its file's. */
    @Override
    public void applyAgain(Migration migration) {
        ChangeSet cs = changeSets.get(migration.version());
        if (!cs.isAlwaysRun()) {
            String[] ran = ranRow(cs);
            if (ran == null) {
                throw new RehearsalException("Changeset " + migration.id() + " has no row in the DATABASECHANGELOG of "
                        + location + " to apply it again over");
            }
            try (Connection c = dataSource.getConnection()) {
                changelogTable.markChanged(c, ran);
            } catch (SQLException e) {
                throw new RehearsalException("Could not mark changeset " + migration.id() + " changed in the"
                        + " DATABASECHANGELOG of " + location + ": " + e.getMessage(), e);
            }
        }
        withLiquibase("apply again", migration, lb -> {
            lb.update(LiquibaseReruns.upTo(changeSets, migration.version()), contexts, labels);
            return null;
        });
        stepsWithoutCommand = !stepsNeedCommand;
        // the count of changesets Liquibase was to run ends at this one: it ran again, and nothing after it ran
        String[] ran = ranRow(cs);
        if (ran == null || !ChangeSet.ExecType.RERAN.value.equals(ran[3])
                || !currentVersion().equals(Optional.of(migration.version()))) {
            throw new RehearsalException("Liquibase's update did not run changeset " + migration.id() + " again by"
                    + " itself (its DATABASECHANGELOG row says " + (ran == null ? "nothing" : ran[3]) + ")");
        }
    }

    @Override
    public String expectedDownScript(Migration migration) {
        return "a <rollback> in changeset " + migration.id() + " (" + migration.up().location() + ")";
    }

    @Override
    public String irreversibleReason(Migration migration) {
        return null; // a changeset Liquibase cannot roll back has no down script: the round trip names it
    }

    @Override
    public Set<String> ownTables() {
        return Set.of("databasechangelog", "databasechangeloglock");
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Liquibase liquibase) throws LiquibaseException;
    }

    @FunctionalInterface
    private interface Step {
        void run(Database database) throws LiquibaseException;
    }

    /**
     * Runs one step on Liquibase's {@code Database} over a fresh connection, in the scope its commands set up, then
     * forgets what Liquibase kept of that database (its history service, with the next order number, and executor)
     * as its commands do when they end: the next step may find another database behind the same data source.
     */
    private void withDatabase(String what, Migration migration, Step step) {
        try (Connection c = dataSource.getConnection()) {
            Database database;
            try (ComponentTiming t = ComponentTiming.time("liquibase.connect")) {
                database = Scope.child(scope(), () -> DatabaseFactory.getInstance()
                        .findCorrectDatabaseImplementation(new JdbcConnection(c)));
            }
            forgetLastRun(parsed);
            try (ComponentTiming t = ComponentTiming.time("liquibase." + what.replace(' ', '-') + "-step")) {
                Scope.child(scope(), () -> step.run(database));
            } finally {
                Scope.getCurrentScope().getSingleton(ChangeLogHistoryServiceFactory.class).resetAll();
                Scope.getCurrentScope().getSingleton(ExecutorService.class).clearExecutor("jdbc", database);
            }
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to " + what + " " + location + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw failures.of(what, migration, e);
        }
    }

    private Map<String, Object> scope() {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put(Scope.Attr.ui.name(), new LoggerUIService());
        // Liquibase's own log, quiet for Rehearsal's runs only (the JVM's logging is left as it is): its INFO lines
        // would drown the report, and what it logs as SEVERE reaches the user as the failure's message
        scope.put(Scope.Attr.logService.name(), new NoOpLogService());
        scope.put(Scope.Attr.resourceAccessor.name(), accessor);
        // custom changes (customChange class="...") load from the test's class path, or the command line's --classpath
        scope.put(Scope.Attr.classLoader.name(), classLoader);
        // Liquibase's update summary would print for every phase
        scope.put("liquibase.command.showSummary", "OFF");
        scope.put("liquibase.command.showSummaryOutput", "LOG");
        // no calls home from a test run, set for Rehearsal's own runs only
        scope.put("liquibase.analytics.enabled", Boolean.FALSE);
        return scope;
    }

    /** Runs {@code work} with Liquibase on a fresh connection, its console output sent to its (quiet) log. */
    private <T> T withLiquibase(String what, Migration migration, Work<T> work) {
        Map<String, Object> scope = scope();
        try (Connection c = dataSource.getConnection()) {
            Liquibase lb;
            try (ComponentTiming t = ComponentTiming.time("liquibase.connect")) {
                lb = Scope.child(scope, () -> {
                    Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(
                            new JdbcConnection(c));
                    if (parsed == null) {
                        return new Liquibase(changelog, accessor, database);
                    }
                    forgetLastRun(parsed);
                    return new Liquibase(parsed, accessor, database);
                });
            }
            try (ComponentTiming t = ComponentTiming.time("liquibase." + what.replace(' ', '-'))) {
                return Scope.child(scope, () -> work.run(lb));
            }
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to " + what + " " + location + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw failures.of(what, migration, e);
        }
    }

    /**
     * Clears what Liquibase's last run wrote into the parsed changesets it was handed. Liquibase parses a changelog
     * for every run, so its changesets only ever see one; kept across runs, a changeset once marked ran by its
     * precondition would be recorded MARK_RAN ever after, even when it executes ({@code ChangeSet.execute} sets
     * EXECUTED only where no outcome is set yet). Parsing once instead of per changeset keeps a long changelog's
     * round trips linear; {@code LiquibaseFeaturesTest} and {@code LiquibaseVerificationTest} check the rows.
     */
    private static void forgetLastRun(DatabaseChangeLog changeLog) {
        for (ChangeSet cs : changeLog.getChangeSets()) {
            cs.setExecType(null);
            cs.setRollbackExecType(null);
        }
    }
}
