package dev.rehearsal.core.internal.tools.liquibase;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.change.Change;
import liquibase.change.core.TagDatabaseChange;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.filter.ChangeSetFilter;
import liquibase.changelog.filter.ContextChangeSetFilter;
import liquibase.changelog.filter.DbmsChangeSetFilter;
import liquibase.changelog.filter.LabelChangeSetFilter;
import liquibase.database.Database;
import liquibase.exception.LiquibaseException;
import liquibase.sql.Sql;
import liquibase.sqlgenerator.SqlGeneratorFactory;
import liquibase.statement.SqlStatement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A Liquibase changelog read as a history: its changesets as migrations, with the SQL Liquibase generates for them. */
final class LiquibaseHistory {

    private LiquibaseHistory() {
    }

    /**
     * The changesets of the changelog {@code lb} parsed that its contexts, labels and dbms let run, in order, each a
     * migration numbered from 1; fills the maps from changeset key, version and other names to them.
     */
    static MigrationHistory read(Liquibase lb, String location, Contexts contexts, LabelExpression labels,
                                 Map<String, Migration> byKey, Map<MigrationVersion, ChangeSet> changeSets,
                                 Map<String, Migration> names) throws LiquibaseException {
        Database database = lb.getDatabase();
        List<ChangeSetFilter> filters = List.of(new ContextChangeSetFilter(contexts), new LabelChangeSetFilter(labels),
                new DbmsChangeSetFilter(database));
        List<ChangeSet> sets = new ArrayList<>();
        Map<String, ChangeSet> seen = new HashMap<>();
        for (ChangeSet cs : lb.getDatabaseChangeLog().getChangeSets()) {
            ChangeSet earlier = seen.putIfAbsent(LiquibaseTool.key(cs.getFilePath(), cs.getId(), cs.getAuthor()), cs);
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
            // labelled as Liquibase names a changeset in its own logs and DATABASECHANGELOG: file::id::author
            Migration m = new Migration(version, description, Migration.Type.VERSIONED, up, down, null, name, where);
            migrations.add(m);
            byKey.put(LiquibaseTool.key(cs.getFilePath(), cs.getId(), cs.getAuthor()), m);
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
        Collections.reverse(reversed);
        return sql(reversed, database, true);
    }
}
