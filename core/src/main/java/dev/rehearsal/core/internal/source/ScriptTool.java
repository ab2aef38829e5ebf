package dev.rehearsal.core.internal.source;

import dev.rehearsal.core.Migration;
import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.MigrationVersion;
import dev.rehearsal.core.RehearsalException;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.sql.ForcedFailure;
import dev.rehearsal.core.internal.sql.HistoryTableReads;
import dev.rehearsal.core.internal.sql.ScriptRunner;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The migration tool for histories of plain SQL scripts (golang-migrate, dbmate, Prisma): Rehearsal runs each
 * script statement by statement, in one transaction unless a statement or the migration forbids it, and keeps the
 * tool's own version table as the tool does.
 */
final class ScriptTool implements MigrationTool, HistoryTableReads {

    private final MigrationHistory history;
    private final VersionTable versions;
    private final DataSource dataSource;
    private final Dialect dialect;
    private final Function<Migration, String> expectedDown;
    private final Predicate<Migration> transactional;
    private final Function<Migration, String> irreversibleReason;

    ScriptTool(MigrationHistory history, VersionTable versions, DataSource dataSource, Dialect dialect,
               Function<Migration, String> expectedDown, Predicate<Migration> transactional,
               Function<Migration, String> irreversibleReason) {
        this.history = history;
        this.versions = versions;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.expectedDown = expectedDown;
        this.transactional = transactional;
        this.irreversibleReason = irreversibleReason;
    }

    @Override
    public MigrationHistory history() {
        return history;
    }

    @Override
    public Optional<MigrationVersion> currentVersion() {
        try (Connection c = dataSource.getConnection()) {
            return currentVersion(c);
        } catch (SQLException e) {
            throw new RehearsalException("Could not read " + versions.table() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<MigrationVersion> currentVersionOn(Connection held) {
        try {
            return currentVersion(held);
        } catch (SQLException e) {
            throw new RehearsalException("Could not read " + versions.table() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the version table, creating it first only when the read fails: scripts may create or drop it themselves
     * (Alembic's offline SQL does), so its existence is not remembered, but it is not created again on every phase.
     */
    private Optional<MigrationVersion> currentVersion(Connection c) throws SQLException {
        try {
            return versions.current(c, history);
        } catch (SQLException missing) {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            versions.ensure(c);
            return versions.current(c, history);
        }
    }

    @Override
    public void upTo(MigrationVersion target) {
        // one session for the whole run, as the tool itself keeps one
        Migration m = null;
        try (Connection c = dataSource.getConnection()) {
            MigrationVersion current;
            try {
                current = currentVersion(c).orElse(null);
            } catch (SQLException e) {
                throw new RehearsalException("Could not read " + versions.table() + ": " + e.getMessage(), e);
            }
            for (Migration next : history.between(current, target)) {
                m = next;
                versions.starting(c, m);
                ScriptRunner.run(c, dialect, "up", m, m.up().name(), m.up().sql(), transactional.test(m),
                        conn -> versions.applied(conn, next));
            }
        } catch (SQLException e) {
            throw new RehearsalException("Could not record " + (m == null ? "the migrations" : m.displayName()) + " in "
                    + versions.table() + ": " + e.getMessage(), e);
        }
    }

    /*
     * golang-migrate marks the version dirty before the script runs; after the forced failure the table is put back
     * as `migrate force <previous>` would, so that the same migration can be applied again.
     */
    @Override
    public boolean applyFailingAtEnd(Migration migration) {
        Migration previous = history.previous(migration).orElse(null);
        try (Connection c = dataSource.getConnection()) {
            versions.starting(c, migration);
            try {
                ScriptRunner.run(c, dialect, "up", migration, migration.up().name(), migration.up().sql(),
                        transactional.test(migration), true, conn -> versions.applied(conn, migration));
            } catch (MigrationFailedException e) {
                if (!ForcedFailure.in(e)) {
                    throw e;
                }
            }
            c.setAutoCommit(true);
            versions.reverted(c, migration, previous);
            return true;
        } catch (SQLException e) {
            throw new RehearsalException("Could not update " + versions.table() + " around the forced failure of "
                    + migration.displayName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void down(Migration migration) {
        if (migration.down() == null) {
            throw new RehearsalException(migration.displayName() + " has no down script: expected "
                    + expectedDown.apply(migration));
        }
        Migration previous = history.previous(migration).orElse(null);
        try (Connection c = dataSource.getConnection()) {
            versions.reverting(c, migration, previous);
            ScriptRunner.run(c, dialect, "down", migration, migration.down().name(), migration.down().sql(),
                    transactional.test(migration), conn -> versions.reverted(conn, migration, previous));
        } catch (SQLException e) {
            throw new RehearsalException("Could not update " + versions.table() + " after reverting "
                    + migration.displayName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void applyRepeatables() {
        // these tools have no repeatable migrations
    }

    @Override
    public String expectedDownScript(Migration migration) {
        return expectedDown.apply(migration);
    }

    @Override
    public String irreversibleReason(Migration migration) {
        return irreversibleReason.apply(migration);
    }

    @Override
    public Set<String> ownTables() {
        return Set.of(versions.table());
    }
}
