package dev.rehearsal.core.internal.liquibase;

import dev.rehearsal.core.Migration;
import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationScript;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.MigrationVersion;
import dev.rehearsal.core.RehearsalException;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.sql.HistoryTableReads;
import dev.rehearsal.core.internal.timing.ComponentEvent;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.change.Change;
import liquibase.change.core.TagDatabaseChange;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.RanChangeSet;
import liquibase.changelog.filter.ChangeSetFilter;
import liquibase.changelog.filter.ContextChangeSetFilter;
import liquibase.changelog.filter.DbmsChangeSetFilter;
import liquibase.changelog.filter.LabelChangeSetFilter;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.exception.PreconditionFailedException;
import liquibase.exception.ValidationFailedException;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;
import liquibase.sql.Sql;
import liquibase.sqlgenerator.SqlGeneratorFactory;
import liquibase.statement.SqlStatement;
import liquibase.ui.LoggerUIService;

import javax.sql.DataSource;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Liquibase on one database, through its API: each operation opens a connection, lets Liquibase take its lock and
 * keep {@code DATABASECHANGELOG} as it always does, and closes. Changesets are numbered 1, 2, 3... in changelog order
 * (includes resolved), and named by their id ({@code author:id} where ids repeat).
 */
final class LiquibaseTool implements MigrationTool, HistoryTableReads {

    /**
     * Liquibase's own logger, turned off: its INFO lines would drown the report, and what it logs as SEVERE reaches
     * the user as the failure's message (with the changeset, the SQL and the database's error).
     */
    private static final Logger LIQUIBASE_LOG = Logger.getLogger("liquibase");

    private final String location;
    private final String changelog;
    private final ResourceAccessor accessor;
    private final DataSource dataSource;
    private final MigrationHistory history;
    /** Changeset key ({@code path::id::author}) to its migration. */
    private final Map<String, Migration> byKey = new HashMap<>();
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
    /** DATABASECHANGELOG's name as this engine spells it, once seen. */
    private String changelogTable;

    LiquibaseTool(String location, ClassLoader classLoader, DataSource dataSource, String contexts, String labels) {
        LIQUIBASE_LOG.setLevel(Level.OFF);
        if (System.getProperty("liquibase.analytics.enabled") == null) {
            System.setProperty("liquibase.analytics.enabled", "false"); // no calls home from a test run
        }
        this.location = location;
        this.dataSource = dataSource;
        this.contexts = contexts.isEmpty() ? new Contexts() : new Contexts(contexts);
        this.labels = labels.isEmpty() ? new LabelExpression() : new LabelExpression(labels);
        if (location.startsWith("filesystem:")) {
            Path file = Path.of(location.substring("filesystem:".length())).toAbsolutePath();
            try {
                this.accessor = new DirectoryResourceAccessor(file.getParent());
            } catch (FileNotFoundException e) {
                throw new RehearsalException("No Liquibase changelog at " + location + ": " + e.getMessage(), e);
            }
            this.changelog = file.getFileName().toString();
        } else {
            this.accessor = new ClassLoaderResourceAccessor(classLoader);
            this.changelog = location.startsWith("classpath:") ? location.substring("classpath:".length()).replaceFirst("^/", "")
                    : location;
        }
        this.history = withLiquibase("read", null, lb -> readHistory(lb));
        this.stepsNeedCommand = changeSets.values().stream().anyMatch(ChangeSet::isAlwaysRun)
                || hasPreconditions(parsed.getPreconditions());
    }

    /** Whether a changelog's preconditions hold any real check: included changelogs add empty containers. */
    private static boolean hasPreconditions(liquibase.precondition.Precondition precondition) {
        if (precondition instanceof liquibase.precondition.PreconditionLogic logic) {
            return logic.getNestedPreconditions().stream().anyMatch(LiquibaseTool::hasPreconditions);
        }
        return precondition != null;
    }

    private MigrationHistory readHistory(Liquibase lb) throws LiquibaseException {
        Database database = lb.getDatabase();
        this.parsed = lb.getDatabaseChangeLog();
        List<ChangeSetFilter> filters = List.of(new ContextChangeSetFilter(contexts), new LabelChangeSetFilter(labels),
                new DbmsChangeSetFilter(database));
        List<ChangeSet> sets = new ArrayList<>();
        Map<String, ChangeSet> seen = new HashMap<>();
        for (ChangeSet cs : lb.getDatabaseChangeLog().getChangeSets()) {
            ChangeSet earlier = seen.putIfAbsent(key(cs.getFilePath(), cs.getId(), cs.getAuthor()), cs);
            if (earlier != null) {
                throw new RehearsalException("The Liquibase changelog " + location + " has two changesets with id "
                        + cs.getId() + " by " + cs.getAuthor() + " in " + cs.getFilePath() + ": Liquibase would refuse"
                        + " it (duplicate changeset identifiers). Give one of them another id; if the file is included"
                        + " twice, remove one include.");
            }
            if (filters.stream().allMatch(f -> f.accepts(cs).isAccepted())) {
                sets.add(cs); // what contexts, labels or dbms leave out Liquibase never runs here: not in the history
            }
        }
        Set<String> ids = new HashSet<>();
        Set<String> repeated = new HashSet<>();
        for (ChangeSet cs : sets) {
            if (!ids.add(cs.getId())) {
                repeated.add(cs.getId());
            }
        }
        List<Migration> migrations = new ArrayList<>();
        int n = 0;
        for (ChangeSet cs : sets) {
            MigrationVersion version = MigrationVersion.parse(String.valueOf(++n));
            String name = repeated.contains(cs.getId()) ? cs.getAuthor() + ":" + cs.getId() : cs.getId();
            String where = cs.getFilePath() + "::" + cs.getId() + "::" + cs.getAuthor();
            MigrationScript up = new MigrationScript(where, cs.getFilePath(), sql(cs.getChanges(), database, false));
            MigrationScript down = cs.supportsRollback(database) ? new MigrationScript(where + " (rollback)",
                    cs.getFilePath(), rollbackSql(cs, database)) : null;
            String description = cs.getComments() != null && !cs.getComments().isBlank() ? cs.getComments().strip()
                    : cs.getDescription();
            Migration m = new Migration(version, description, Migration.Type.VERSIONED, up, down, null, name);
            migrations.add(m);
            byKey.put(key(cs.getFilePath(), cs.getId(), cs.getAuthor()), m);
            changeSets.put(version, cs);
            names.put(cs.getAuthor() + ":" + cs.getId(), m);
            for (Change change : cs.getChanges()) {
                if (change instanceof TagDatabaseChange tag && tag.getTag() != null) {
                    Migration other = names.putIfAbsent(tag.getTag(), m);
                    if (other != null && other != m) {
                        throw new RehearsalException("The Liquibase changelog " + location + " tags two changesets "
                                + tag.getTag() + " (" + other.id() + " and " + m.id() + "): rename one tag.");
                    }
                }
            }
        }
        return new MigrationHistory(location, migrations, List.of());
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

    private static String key(String path, String id, String author) {
        return path.replace('\\', '/').replaceFirst("^classpath:", "").replaceFirst("^/", "") + "::" + id + "::" + author;
    }

    /** The SQL Liquibase generates for the changes on this database, for lock tracing and reports. */
    private static String sql(List<Change> changes, Database database, boolean rollback) {
        StringBuilder sb = new StringBuilder();
        for (Change change : changes) {
            try {
                SqlStatement[] statements = rollback ? change.generateRollbackStatements(database)
                        : change.generateStatements(database);
                for (SqlStatement st : statements) {
                    for (Sql sql : SqlGeneratorFactory.getInstance().generateSql(st, database)) {
                        sb.append(sql.toSql()).append(";\n");
                    }
                }
            } catch (RuntimeException | LiquibaseException e) {
                sb.append("-- ").append(change.getDescription()).append(" (its SQL is known only when it runs)\n");
            }
        }
        return sb.toString();
    }

    private static String rollbackSql(ChangeSet cs, Database database) {
        List<Change> explicit = cs.getRollback().getChanges();
        if (!explicit.isEmpty()) {
            return sql(explicit, database, false);
        }
        List<Change> reversed = new ArrayList<>(cs.getChanges());
        java.util.Collections.reverse(reversed);
        return sql(reversed, database, true);
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
            for (String[] ran : ranChangeSets(c).values()) {
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

    /**
     * The filename, id, author and exec type of each row of DATABASECHANGELOG by its changeset key, none when
     * Liquibase has not created it yet. The table is lower case on PostgreSQL and upper case on MariaDB, where names
     * are case-sensitive; once found, its name is kept, and looked up again only when the query fails (a database at
     * a version before Liquibase made it).
     */
    private Map<String, String[]> ranChangeSets(Connection c) throws SQLException {
        Map<String, String[]> rows = new LinkedHashMap<>();
        if (changelogTable != null) {
            try (java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("select filename, id, author, exectype from " + changelogTable)) {
                readRows(rs, rows);
                return rows;
            } catch (SQLException e) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                changelogTable = null; // gone on this database: look again below, and fail there if it is another error
            }
        }
        java.sql.DatabaseMetaData meta = c.getMetaData();
        String table = null;
        for (String candidate : List.of("databasechangelog", "DATABASECHANGELOG")) {
            try (java.sql.ResultSet rs = meta.getTables(c.getCatalog(), null, candidate, new String[] {"TABLE"})) {
                if (rs.next()) {
                    table = candidate;
                    break;
                }
            }
        }
        if (table == null) {
            return rows;
        }
        try (java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("select filename, id, author, exectype from " + table)) {
            readRows(rs, rows);
        }
        changelogTable = table;
        return rows;
    }

    private static void readRows(java.sql.ResultSet rs, Map<String, String[]> rows) throws SQLException {
        while (rs.next()) {
            String[] row = {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)};
            rows.put(key(row[0], row[1], row[2]), row);
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
            return ranChangeSets(c).get(key(cs.getFilePath(), cs.getId(), cs.getAuthor()));
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

    @Override
    public void applyRepeatables() {
        // runOnChange and runAlways changesets are part of the ordered history; there is nothing else to apply
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
            try (ComponentEvent t = ComponentEvent.time("liquibase.connect")) {
                database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            }
            forgetLastRun(parsed);
            try (ComponentEvent t = ComponentEvent.time("liquibase." + what.replace(' ', '-') + "-step")) {
                Scope.child(scope(), () -> step.run(database));
            } finally {
                Scope.getCurrentScope().getSingleton(liquibase.changelog.ChangeLogHistoryServiceFactory.class).resetAll();
                Scope.getCurrentScope().getSingleton(liquibase.executor.ExecutorService.class).clearExecutor("jdbc", database);
            }
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to " + what + " " + location + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw failure(what, migration, e);
        }
    }

    private Map<String, Object> scope() {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put(Scope.Attr.ui.name(), new LoggerUIService());
        scope.put(Scope.Attr.resourceAccessor.name(), accessor);
        // Liquibase's update summary would print for every phase
        scope.put("liquibase.command.showSummary", "OFF");
        scope.put("liquibase.command.showSummaryOutput", "LOG");
        return scope;
    }

    /** Runs {@code work} with Liquibase on a fresh connection, its console output sent to its (quiet) log. */
    private <T> T withLiquibase(String what, Migration migration, Work<T> work) {
        Map<String, Object> scope = scope();
        try (Connection c = dataSource.getConnection()) {
            Liquibase lb;
            try (ComponentEvent t = ComponentEvent.time("liquibase.connect")) {
                Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
                if (parsed == null) {
                    lb = new Liquibase(changelog, accessor, database);
                } else {
                    forgetLastRun(parsed);
                    lb = new Liquibase(parsed, accessor, database);
                }
            }
            try (ComponentEvent t = ComponentEvent.time("liquibase." + what.replace(' ', '-'))) {
                return Scope.child(scope, () -> work.run(lb));
            }
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to " + what + " " + location + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw failure(what, migration, e);
        }
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * Liquibase's "check sum" validation failure, told as what happened and what to do: an applied changeset's text
     * changed, and Liquibase never runs an applied changeset again.
     */
    private String changedChecksums(String what, Migration migration, List<String> invalid) {
        StringBuilder sb = new StringBuilder("Liquibase refused to " + what + " "
                + (migration == null ? location : migration.id() + " (" + location + ")") + ": ");
        sb.append(invalid.size() == 1 ? "an applied changeset" : invalid.size() + " applied changesets")
                .append(" changed since it was applied, so DATABASECHANGELOG no longer matches the changelog:");
        java.util.regex.Pattern entry = java.util.regex.Pattern.compile("(.*)::(.*)::(.*) was: (\\S+) but is now: (\\S+)");
        for (String line : invalid) {
            java.util.regex.Matcher m = entry.matcher(line.strip());
            if (m.matches()) {
                sb.append("\n  changeset ").append(m.group(2)).append(" by ").append(m.group(3)).append(" in ")
                        .append(m.group(1)).append(": checksum ").append(m.group(4)).append(" when applied, ")
                        .append(m.group(5)).append(" now");
            } else {
                sb.append("\n  ").append(line.strip());
            }
        }
        return sb.append("\nRestore the changeset as it was and put the change in a new changeset; if the edit cannot")
                .append(" change the schema (a comment, formatting), add <validCheckSum> with the new checksum to it.")
                .toString();
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

    private RuntimeException failure(String what, Migration migration, Exception e) {
        if (e instanceof RehearsalException r) {
            return r;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        ValidationFailedException invalid = cause(e, ValidationFailedException.class);
        if (invalid != null && !invalid.getInvalidMD5Sums().isEmpty()) {
            return new RehearsalException(changedChecksums(what, migration, invalid.getInvalidMD5Sums()), e);
        }
        if (migration == null) {
            return new RehearsalException("Liquibase could not " + what + " the changelog " + location + ": " + reason(e), e);
        }
        String sqlState = root instanceof SQLException sql ? sql.getSQLState() : null;
        // an update of several changesets fails in one of them, which Liquibase names
        java.util.regex.Matcher named = java.util.regex.Pattern.compile("Migration failed for changeset (.+)::(.+)::(.+?):")
                .matcher(message);
        if (named.find() && byKey.containsKey(key(named.group(1), named.group(2), named.group(3)))) {
            migration = byKey.get(key(named.group(1), named.group(2), named.group(3)));
        }
        String reason = reason(e);
        String statement = null;
        java.util.regex.Matcher failedSql = java.util.regex.Pattern.compile("(?s)(.*?)\\s*\\[Failed SQL: \\(-?\\d+\\) (.*)]\\s*$")
                .matcher(reason);
        if (failedSql.matches()) {
            reason = failedSql.group(1);
            statement = failedSql.group(2);
        }
        PreconditionFailedException halted = cause(e, PreconditionFailedException.class);
        if (halted != null) {
            reason = "its precondition failed, and a failed precondition halts Liquibase (onFail=\"HALT\", the default): "
                    + reason + ". Liquibase stops at this changeset in production too: make the precondition hold here,"
                    + " or give it onFail=\"MARK_RAN\" (or CONTINUE, WARN) if skipping the changeset is intended.";
        }
        return new MigrationFailedException(what.equals("roll back") ? "down" : "up", migration,
                what.equals("roll back") && migration.down() != null ? migration.down().name() : migration.up().name(), 0,
                statement, sqlState, reason, e);
    }

    /**
     * What Liquibase said went wrong, without its exception class names and changeset banner: the "Reason:" of its
     * {@code MigrationFailedException}, which holds the database's error or the precondition's message.
     */
    private static String reason(Throwable e) {
        liquibase.exception.MigrationFailedException failed = cause(e, liquibase.exception.MigrationFailedException.class);
        String text = failed != null && failed.getMessage() != null ? failed.getMessage()
                : e.getMessage() == null ? e.toString() : e.getMessage();
        int at = text.indexOf("Reason:");
        if (at >= 0) {
            text = text.substring(at + "Reason:".length());
        }
        text = text.replaceAll("(liquibase|java)\\.[\\w.]+(Exception|Error): ", "").strip();
        return text.replaceAll("\\s*\\n\\s*", " ");
    }
}
