package dev.rehearsal.core;

import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.Migration;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A migration tool bound to one database: applies single migrations up and down and keeps the tool's own history
 * table as the real tool would, so that the tool itself could take over from any state Rehearsal leaves.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface MigrationTool {

    /** The migrations, in order. */
    MigrationHistory history();

    /**
     * The versioned migration a {@code migrateTo} target names: its version or id, and where the tool has them its
     * own names (a Liquibase tag, {@code author:id}).
     *
     * @throws dev.rehearsal.core.model.RehearsalException naming the versions that exist when there is none
     */
    default Migration migration(String target) {
        return history().require(target);
    }

    /** The highest versioned migration applied, per the tool's history table. */
    Optional<MigrationVersion> currentVersion();

    /**
     * Applies versioned migrations up to and including {@code target}, leaving repeatable ones out.
     *
     * @throws MigrationFailedException naming the migration, script, line, statement and SQLState
     */
    void upTo(MigrationVersion target);

    /**
     * Reverts the current migration with its down script and removes it from the tool's history table.
     *
     * @throws MigrationFailedException naming the down script, line, statement and SQLState
     */
    void down(Migration migration);

    /**
     * After the down of {@code migration} failed and its changes were rolled back: clears the tool's own record of
     * that failure, as an operator does with the tool's force command (golang-migrate's {@code force <version>}), so
     * that the tool reports {@code migration} applied again.
     *
     * @return whether the tool keeps such a record and it was cleared; false for a tool that keeps none (the default)
     */
    default boolean clearFailureRecord(Migration migration) {
        return false;
    }

    /**
     * Applies {@code migration}, the next one, as {@link #upTo} would, but makes it fail where a failure at its very
     * end would strike: after its last statement, before the tool commits and records it (in place of the last
     * statement where the tool runs the migration without a transaction). The tool rolls back what its transaction
     * holds and its history table is left as before, so what the database keeps shows whether the migration is
     * atomic.
     *
     * @return true once the migration failed as asked; false, having run nothing, where the tool cannot stop a
     *         migration at its end (the default)
     * @throws MigrationFailedException when the migration fails by itself before its end
     */
    default boolean applyFailingAtEnd(Migration migration) {
        return false;
    }

    /**
     * Whether the tool applies {@code migration} in one transaction on connections of the data source it was opened
     * with (not by a process that connects by itself), ending it with {@code commit()}, and writes its history row on
     * that data source too. Rehearsal may then rehearse a migration without a down script by rolling that transaction
     * back after its checks, its commits turned into savepoints, instead of copying the database before the up.
     * False by default.
     */
    default boolean appliesInOneTransaction(Migration migration) {
        return false;
    }

    /** Applies the repeatable migrations that are new or changed, as the tool does after its versioned ones. */
    void applyRepeatables();

    /**
     * How the tool groups the statements of {@code migration}'s up into transactions when it applies them through the
     * data source it was opened with; {@link UpTransaction#OUT_OF_REACH} (the default) where a failure cannot be made
     * to strike between them.
     */
    default UpTransaction upTransaction(Migration migration) {
        return UpTransaction.OUT_OF_REACH;
    }

    /**
     * Applies versioned migrations up to {@code target} as the tool's own migrate command does when an operator runs
     * it (no shortcut of Rehearsal's), so that a failure leaves in the tool's history table what the tool leaves.
     */
    default void migrateAsOperator(MigrationVersion target) {
        upTo(target);
    }

    /**
     * After the up of {@code migration} failed part-way: does what the tool's documentation tells an operator to do
     * before running it again (golang-migrate's {@code force} to the version before, Flyway's {@code repair}).
     *
     * @return the operator's command it stood for, or null where the tool keeps no record of a failed up
     */
    default String clearFailedUp(Migration migration) {
        return null;
    }

    /**
     * Applies every repeatable migration again over what it made, as the tool does when one of them changes; false,
     * having run nothing, where the tool has no repeatable migrations to apply again (the default).
     *
     * @throws MigrationFailedException naming the repeatable migration that failed to run again
     */
    default boolean applyRepeatablesAgain() {
        return false;
    }

    /**
     * Whether the tool applies {@code migration} again over itself on a later run, once applied: when its file changes
     * (Liquibase's {@code runOnChange}) or on every run ({@code runAlways}). False by default.
     */
    default boolean appliesAgain(Migration migration) {
        return false;
    }

    /**
     * Applies {@code migration}, applied already, again over itself as the tool does on such a run (where
     * {@link #appliesAgain} says it does: a tool overrides both).
     *
     * @throws MigrationFailedException naming the migration that failed to run again
     */
    default void applyAgain(Migration migration) {
        throw new UnsupportedOperationException("the tool applies no migration again");
    }

    /**
     * The name the down script of {@code migration} would have in this tool's layout, for messages that tell the
     * user what to add ({@code U3__add_index.sql}).
     */
    String expectedDownScript(Migration migration);

    /**
     * Why this tool's layout has no down script for {@code migration} by design ({@code Prisma migrations are
     * up-only}), so that the round trip skips its down instead of failing; null when a down script is expected.
     */
    default String irreversibleReason(Migration migration) {
        return null;
    }

    /** Tables the tool keeps for itself (its history table), left out of schema snapshots. */
    Set<String> ownTables();

    /**
     * Closes the sessions the tool keeps open on the database between migrations (a helper's kept connection), before
     * Rehearsal copies the database: PostgreSQL copies only a database nobody is connected to. The tool opens a new
     * one when it next needs it. Nothing to close by default.
     */
    default void releaseSessions() {
    }

    /**
     * What the tool itself warned about since the last call (Flyway's WARN and ERROR log lines), for the report of
     * the phase that ran; its routine log lines are not kept.
     */
    default List<String> drainMessages() {
        return List.of();
    }
}
