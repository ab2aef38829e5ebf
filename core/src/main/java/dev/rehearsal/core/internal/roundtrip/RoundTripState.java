package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.model.MigrationVersion;

import dev.rehearsal.core.schema.SchemaSnapshot;

/**
 * Where a run of round-trip steps stands: whether a step left the database in an unknown state (the next step then
 * starts on a fresh database brought to its version), whether a failure blocks the remaining steps, and the schema
 * of the database in its last known state, so that it is read once per phase, not again.
 */
final class RoundTripState {

    private final DatabaseSession session;
    private boolean dirty;
    private String dirtyReason;
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
                session.tool().upTo(version);
                return null;
            }
            reason = "the database was at " + current + " instead of " + version;
        }
        rebuildAt(version);
        return "rebuilt a fresh database at " + (version == null ? "the empty state" : "V" + version)
                + " to carry on, because " + reason;
    }

    private void rebuildAt(MigrationVersion version) {
        session.replaceDatabase();
        if (version != null) {
            session.tool().upTo(version);
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
