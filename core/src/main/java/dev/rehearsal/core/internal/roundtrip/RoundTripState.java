package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.internal.helper.OutsideDependencies;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.List;

/**
 * Where a run of round-trip steps stands: whether a step left the database in an unknown state (the next step then
 * starts on a fresh database brought to its version; a down that failed and rolled back cleanly does not), whether a failure blocks the remaining steps, and the schema
 * of the database in its last known state, so that it is read once per phase, not again.
 */
final class RoundTripState {

    private final DatabaseSession session;
    private boolean dirty;
    private String dirtyReason;
    /** What the next step's note says first of how its database was reached, once; null when nothing. */
    private Start start;
    private String blockedBy;
    private SchemaSnapshot cleanSnapshot;

    RoundTripState(DatabaseSession session) {
        this.session = session;
    }

    /** A new plan starts unblocked. */
    void unblock() {
        blockedBy = null;
    }

    /** Why the remaining steps cannot run, or null. */
    String blockedBy() {
        return blockedBy;
    }

    /** Stops the remaining steps, for this reason (the first reason stays). */
    void block(String reason) {
        if (blockedBy == null) {
            blockedBy = reason;
        }
    }

    /** The database is not in a known state: the next step starts on a rebuilt one. */
    void markDirty(String reason) {
        dirty = true;
        dirtyReason = reason;
        cleanSnapshot = null;
        session.scriptsRan(null);
    }

    /**
     * After the down of {@code migration} failed and rolled back cleanly ({@code afterUp} is the schema, and the data
     * is as the up left it): the next step goes on from the database as the tool left it, its failure record cleared
     * as an operator would (golang-migrate's {@code force}). Returns a note saying so, or null when the tool does not
     * report {@code migration} applied even then, and the database is to be rebuilt.
     */
    String continueAfterRolledBackDown(Migration migration, SchemaSnapshot afterUp) {
        if (reportsApplied(migration)) {
            markClean(afterUp);
            return "the failed down rolled back cleanly: the next step goes on from the database as the tool left it,"
                    + " with this step's data";
        }
        if (session.tool().clearFailureRecord(migration) && reportsApplied(migration)) {
            markClean(afterUp);
            return "the failed down rolled back cleanly: the next step goes on from the database as the tool left it,"
                    + " with this step's data, once the tool's record of the failure was cleared as its force command"
                    + " would";
        }
        return null;
    }

    private boolean reportsApplied(Migration migration) {
        try {
            return session.currentVersion().map(v -> v.compareTo(migration.version()) == 0).orElse(false);
        } catch (RehearsalException e) {
            return false; // the tool refuses to say (golang-migrate's dirty version): its record needs clearing
        }
    }

    /** The database is in a known state, whose schema is {@code snapshot}. */
    void markClean(SchemaSnapshot snapshot) {
        dirty = false;
        dirtyReason = null;
        cleanSnapshot = snapshot;
    }

    /** The schema changed: the next {@link #cleanSnapshot()} reads it again. */
    void invalidate() {
        cleanSnapshot = null;
    }

    /**
     * How the next step's database was reached, for that step alone: the note it says first, and the released
     * migration whose schema its starting point must be (only-new's base; null where there is none).
     */
    record Start(String note, Migration releasedBase) {
    }

    /** Has the next step that runs start from {@code start}. */
    void start(Start start) {
        this.start = start;
    }

    /** What {@link #start(Start)} left, once; null where nothing did. */
    Start takeStart() {
        Start taken = start;
        start = null;
        return taken;
    }

    /**
     * Brings the database to {@code version} in a known-good state for the next step; rebuilds a fresh database
     * if a failed step left it dirty. Returns a note when it had to rebuild, else null.
     */
    String prepare(MigrationVersion version) {
        String reason = dirtyReason;
        if (!dirty) {
            // a dirty database is rebuilt without asking its version: the tool may refuse to say (golang-migrate's
            // dirty flag after a failed up)
            MigrationVersion current = session.currentVersion().orElse(null);
            if (current == null ? version == null : version != null && current.compareTo(version) == 0) {
                return null;
            }
            if (version != null && (current == null || current.compareTo(version) < 0)) {
                cleanSnapshot = null;
                session.upToUnwatched(version);
                return null;
            }
            reason = "the database was at " + named(current) + " instead of " + named(version);
        }
        rebuildAt(version);
        return "rebuilt a fresh database at " + named(version) + " to carry on, because " + reason;
    }

    /**
     * Applies, unwatched, the migrations {@code migration} depends on from outside the history, where the tool's up of
     * it would apply them too ({@link OutsideDependencies}); returns a note naming them, or null where none was due.
     */
    String applyOutsideDependencies(Migration migration) {
        if (migration == null || !(session.tool() instanceof OutsideDependencies outside)) {
            return null;
        }
        List<String> applied;
        try {
            applied = outside.applyOutsideDependencies(migration);
        } catch (RehearsalException e) {
            markDirty("what " + migration.displayName() + " depends on from outside the history failed to apply");
            throw e;
        }
        if (applied.isEmpty()) {
            return null;
        }
        cleanSnapshot = null;
        return "first applied, without checks, the migrations from outside the history that it depends on ("
                + String.join(", ", applied) + "), as the tool's own up of it would: its starting point includes them,"
                + " and its down need not revert them";
    }

    /** A version as the tool names its migration ({@code V3 add tier}, {@code d47ad6525116 shorter full name}). */
    private String named(MigrationVersion version) {
        if (version == null) {
            return "the empty state";
        }
        return session.tool().history().versioned().stream().filter(m -> m.version().compareTo(version) == 0)
                .findFirst().map(Migration::displayName).orElse("V" + version);
    }

    private void rebuildAt(MigrationVersion version) {
        session.replaceDatabase();
        if (version != null) {
            session.upToUnwatched(version);
        }
        dirty = false;
        dirtyReason = null;
        cleanSnapshot = null;
    }

    /** The schema of the database in its known state, read once. */
    SchemaSnapshot cleanSnapshot() {
        if (cleanSnapshot == null) {
            cleanSnapshot = session.schema();
        }
        return cleanSnapshot;
    }
}
