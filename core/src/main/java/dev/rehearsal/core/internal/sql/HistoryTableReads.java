package dev.rehearsal.core.internal.sql;

import dev.rehearsal.core.model.MigrationVersion;
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
     * @throws dev.rehearsal.core.model.RehearsalException naming the history table when it cannot be read
     */
    Optional<MigrationVersion> currentVersionOn(Connection held);

    /**
     * Applies the migrations after {@code current} up to {@code target}, as {@link
     * dev.rehearsal.core.MigrationTool#upTo} does, where the caller knows that the history table says {@code current}
     * (null: nothing applied): it has just read it with {@link #currentVersionOn}, or the tool wrote it with the down
     * script that just succeeded, and nothing wrote the table since. A tool that reads its table before it applies
     * anything skips that read here: one round trip less for every up of a round trip.
     */
    void upFrom(MigrationVersion current, MigrationVersion target);
}
