package dev.rehearsal.core.internal.liquibase;

import dev.rehearsal.core.Migration;
import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationScript;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.MigrationVersion;
import dev.rehearsal.core.RehearsalException;
import dev.rehearsal.core.db.Dialect;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.change.Change;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.RanChangeSet;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
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
final class LiquibaseTool implements MigrationTool {

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

    LiquibaseTool(String location, ClassLoader classLoader, DataSource dataSource, Dialect dialect) {
        LIQUIBASE_LOG.setLevel(Level.OFF);
        if (System.getProperty("liquibase.analytics.enabled") == null) {
            System.setProperty("liquibase.analytics.enabled", "false"); // no calls home from a test run
        }
        this.location = location;
        this.dataSource = dataSource;
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
    }

    private MigrationHistory readHistory(Liquibase lb) throws LiquibaseException {
        List<ChangeSet> sets = lb.getDatabaseChangeLog().getChangeSets();
        Set<String> ids = new HashSet<>();
        Set<String> repeated = new HashSet<>();
        for (ChangeSet cs : sets) {
            if (!ids.add(cs.getId())) {
                repeated.add(cs.getId());
            }
        }
        List<Migration> migrations = new ArrayList<>();
        Database database = lb.getDatabase();
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
        }
        return new MigrationHistory(location, migrations, List.of());
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
        return withLiquibase("read the DATABASECHANGELOG of", null, lb -> {
            MigrationVersion max = null;
            for (RanChangeSet ran : lb.getDatabase().getRanChangeSetList()) {
                Migration m = byKey.get(key(ran.getChangeLog(), ran.getId(), ran.getAuthor()));
                if (m != null && (max == null || m.version().compareTo(max) > 0)) {
                    max = m.version();
                }
            }
            return Optional.ofNullable(max);
        });
    }

    @Override
    public void upTo(MigrationVersion target) {
        int current = currentVersion().map(v -> Integer.parseInt(v.toString())).orElse(0);
        int count = Integer.parseInt(target.toString()) - current;
        if (count <= 0) {
            return;
        }
        Migration first = history.find(MigrationVersion.parse(String.valueOf(current + 1))).orElseThrow();
        withLiquibase("apply", first, lb -> {
            lb.update(count, new Contexts(), new LabelExpression());
            return null;
        });
    }

    @Override
    public void down(Migration migration) {
        withLiquibase("roll back", migration, lb -> {
            lb.rollback(1, (String) null);
            return null;
        });
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

    /** Runs {@code work} with Liquibase on a fresh connection, its console output sent to its (quiet) log. */
    private <T> T withLiquibase(String what, Migration migration, Work<T> work) {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put(Scope.Attr.ui.name(), new LoggerUIService());
        scope.put(Scope.Attr.resourceAccessor.name(), accessor);
        // Liquibase's update summary would print for every phase
        scope.put("liquibase.command.showSummary", "OFF");
        scope.put("liquibase.command.showSummaryOutput", "LOG");
        try (Connection c = dataSource.getConnection()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            Liquibase lb = new Liquibase(changelog, accessor, database);
            return Scope.child(scope, () -> work.run(lb));
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to " + what + " " + location + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw failure(what, migration, e);
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
        if (migration == null) {
            return new RehearsalException("Liquibase could not " + what + " the changelog " + location + ": " + message, e);
        }
        String sqlState = root instanceof SQLException sql ? sql.getSQLState() : null;
        return new MigrationFailedException(what.equals("roll back") ? "down" : "up", migration,
                migration.up().name(), 0, null, sqlState, message, e);
    }
}
