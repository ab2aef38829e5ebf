package dev.rehearsal.core.internal.sql;

import dev.rehearsal.core.MigrationVersion;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.util.Optional;

/**
 * A migration tool whose current version is a plain read of its history table. Rehearsal asks for the version before
 * every step of a round trip; a tool that says it this way is asked on the session Rehearsal already holds on the
 * database, instead of on a pooled connection that must be reset when it is handed back (two round trips a step).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface HistoryTableReads {

    /**
     * The highest versioned migration applied, as {@link dev.rehearsal.core.MigrationTool#currentVersion()} says it,
     * read on {@code held}: a session on the tool's database, in auto-commit, which the tool must leave as it found
     * it.
     *
     * @throws dev.rehearsal.core.RehearsalException naming the history table when it cannot be read
     */
    Optional<MigrationVersion> currentVersionOn(Connection held);
}
