package dev.rehearsal.core.internal.scripts;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.sql.ForcedFailure;
import dev.rehearsal.core.internal.sql.HistoryTableReads;
import dev.rehearsal.core.internal.sql.ScriptRunner;
import dev.rehearsal.core.internal.sql.ScriptTransaction;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

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
    private final Function<Migration, ScriptTransaction> transaction;
    private final Function<Migration, String> irreversibleReason;

    ScriptTool(MigrationHistory history, VersionTable versions, DataSource dataSource, Dialect dialect,
               Function<Migration, String> expectedDown, Function<Migration, ScriptTransaction> transaction,
               Function<Migration, String> irreversibleReason) {
        this.history = history;
        this.versions = versions;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.expectedDown = expectedDown;
        this.transaction = transaction;
        this.irreversibleReason = irreversibleReason;
    }

    @Override
    public MigrationHistory history() {
        return history;
    }

    /** A script in one transaction runs there with its version-table row, on this tool's data source. */
    @Override
    public boolean appliesInOneTransaction(Migration migration) {
        return transaction.apply(migration).inOne(dialect, dialect.split(migration.up().sql()));
    }

    /**
     * A script sent whole runs in the server's implicit transaction of one query; a file sent as one query to MariaDB
     * has each of its statements committed alone by the server, though Rehearsal runs them in one transaction
     * ({@link ScriptTransaction#ONE_QUERY}).
     */
    @Override
    public UpTransaction upTransaction(Migration migration) {
        ScriptTransaction mode = transaction.apply(migration);
        List<SqlStatement> statements = dialect.split(migration.up().sql());
        if (mode == ScriptTransaction.ONE_QUERY && !dialect.rollsBackDdl()) {
            return UpTransaction.EACH_STATEMENT;
        }
        return mode.sendsWhole(dialect, statements) || mode.inOne(dialect, statements) ? UpTransaction.ONE
                : UpTransaction.EACH_STATEMENT;
    }

    /** The version table put back to the migration before, as the tool's force command leaves it. */
    @Override
    public String clearFailedUp(Migration migration) {
        Migration previous = history.previous(migration).orElse(null);
        try (Connection c = dataSource.getConnection()) {
            versions.reverted(c, migration, previous);
            return "its version table put back to " + (previous == null ? "no version" : "version " + previous.version())
                    + ", as the tool's repair command leaves it";
        } catch (SQLException e) {
            throw new RehearsalException("Could not clear the failure of " + migration.displayName() + " from "
                    + versions.table() + " as the tool's force command would: " + e.getMessage(), e);
        }
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
        try (Connection c = dataSource.getConnection()) {
            MigrationVersion current;
            try {
                current = currentVersion(c).orElse(null);
            } catch (SQLException e) {
                throw new RehearsalException("Could not read " + versions.table() + ": " + e.getMessage(), e);
            }
            apply(c, current, target);
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to apply the migrations up to " + target + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * As {@link #upTo}, without reading the version table first: the caller knows it says {@code current}. Where
     * nothing is applied the table is read (and made) as {@link #upTo} does: a down script may have dropped it with the
     * first migration (Alembic's offline SQL does).
     */
    @Override
    public void upFrom(MigrationVersion current, MigrationVersion target) {
        if (current == null) {
            upTo(target);
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            apply(c, current, target);
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to apply the migrations up to " + target + ": "
                    + e.getMessage(), e);
        }
    }

    /** Runs the up scripts after {@code current} up to {@code target} on {@code c}, recording each in the table. */
    private void apply(Connection c, MigrationVersion current, MigrationVersion target) {
        for (Migration next : history.between(current, target)) {
            try {
                ScriptRunner.run(c, dialect, "up", next, next.up().name(), next.up().sql(), transaction.apply(next),
                        conn -> versions.applied(conn, next));
            } catch (MigrationFailedException e) {
                recordFailure(c, e, conn -> versions.failed(conn, next));
                throw e;
            }
        }
    }

    /**
     * Writes what the tool leaves in its table when a script fails (golang-migrate's dirty flag), after the script's
     * transaction was rolled back: on {@code c}, or on a new session when the failure took {@code c} with it (a
     * backend ended by the migration timeout). A write that fails too is added to the failure, which is the one
     * reported.
     */
    private void recordFailure(Connection c, MigrationFailedException failure, ScriptRunner.Epilogue write) {
        try {
            write.run(c);
        } catch (SQLException first) {
            try (Connection fresh = dataSource.getConnection()) {
                write.run(fresh);
            } catch (SQLException second) {
                second.addSuppressed(first);
                failure.addSuppressed(new RehearsalException("Could not record the failure in " + versions.table()
                        + " as the tool would: " + second.getMessage(), second));
            }
        }
    }

    /*
     * golang-migrate would leave the version dirty after the failure; the table is put back as `migrate force
     * <previous>` would, so that the same migration can be applied again.
     */
    @Override
    public boolean applyFailingAtEnd(Migration migration) {
        Migration previous = history.previous(migration).orElse(null);
        try (Connection c = dataSource.getConnection()) {
            try {
                ScriptRunner.run(c, dialect, "up", migration, migration.up().name(), migration.up().sql(),
                        transaction.apply(migration), true, conn -> versions.applied(conn, migration));
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
            try {
                ScriptRunner.run(c, dialect, "down", migration, migration.down().name(), migration.down().sql(),
                        transaction.apply(migration), conn -> versions.reverted(conn, migration, previous));
            } catch (MigrationFailedException e) {
                recordFailure(c, e, conn -> versions.failedReverting(conn, migration, previous));
                throw e;
            }
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to revert " + migration.displayName() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public boolean clearFailureRecord(Migration migration) {
        try (Connection c = dataSource.getConnection()) {
            versions.forced(c, migration);
            return true;
        } catch (SQLException e) {
            throw new RehearsalException("Could not clear the failure of " + migration.displayName() + " from "
                    + versions.table() + " as the tool's force command would: " + e.getMessage(), e);
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
