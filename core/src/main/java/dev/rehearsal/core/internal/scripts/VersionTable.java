package dev.rehearsal.core.internal.scripts;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.internal.sql.ScriptRunner;

import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A migration tool's own record of what is applied, kept exactly as the tool keeps it, so that the real tool
 * could take over the database from any state Rehearsal leaves.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface VersionTable {

    /** The table's name (left out of schema snapshots). */
    String table();

    /** Creates the table if it does not exist, as the tool does on first use. */
    void ensure(Connection connection) throws SQLException;

    /** The highest applied migration per the table, if any. */
    Optional<MigrationVersion> current(Connection connection, MigrationHistory history) throws SQLException;

    /**
     * After an up script failed, once its transaction was rolled back: what the tool leaves behind a failed script
     * (golang-migrate's dirty version). The tool writes it before the script runs, in a transaction of its own, and
     * only a success replaces it; written after a failure instead, the table ends as the tool leaves it either way,
     * and a phase that succeeds saves that transaction (one round trip and a commit on the server). Only a session
     * reading the table while the script runs could tell the difference.
     */
    default void failed(Connection connection, Migration migration) throws SQLException {
    }

    /**
     * As {@link #failed}, for a down script that failed; {@code previous} is the migration that would have been
     * current.
     */
    default void failedReverting(Connection connection, Migration migration, Migration previous) throws SQLException {
    }

    /**
     * What the tool's force command leaves after a failure was repaired by hand: {@code migration} recorded as the
     * current one, with no failure. Nothing for a table that records no failure.
     */
    default void forced(Connection connection, Migration migration) throws SQLException {
    }

    /**
     * After an up script succeeded, inside its transaction when it has one. The write may commit that transaction in
     * its own round trip ({@link ScriptRunner}'s commit then has nothing left to send); a failing commit fails here.
     */
    void applied(Connection connection, Migration migration) throws SQLException;

    /**
     * After a down script succeeded, inside its transaction when it has one, which the write may commit as
     * {@link #applied}'s does; {@code previous} is the migration now current, or null.
     */
    void reverted(Connection connection, Migration migration, Migration previous) throws SQLException;
}
