package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Brings the database to the base a pull request's new migrations are rehearsed over: the migrations up to the last
 * released one, applied with the tool's own ups in one go, untraced and unchecked; the next step's note says so.
 */
final class ReleasedBase {

    private ReleasedBase() {
    }

    /** Applies the migrations up to {@code target}; returns how long the ups took. */
    static Duration apply(DatabaseSession session, RoundTripState state, MigrationVersion target) {
        MigrationVersion from = session.currentVersion().orElse(null);
        if (from != null && from.compareTo(target) > 0) {
            throw new RehearsalException("The database is at " + from + ", past " + target + ", the last migration"
                    + " taken as released: only-new needs it at or below that version (a snapshot restored at a later"
                    + " version, or a test that migrated first). Restore or migrate to an earlier version first.");
        }
        state.invalidate();
        long t0 = System.nanoTime();
        session.upFrom(from, target);
        session.scriptsRan(null); // what ran is not traced: the next schema read reads everything
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        List<Migration> released = session.tool().history().between(from, target);
        state.startingNote(String.format(Locale.ROOT, "only new: the %d migrations before it, up to %s,"
                + " were taken as released and applied by the tool's own ups without checks (%d ms)", released.size(),
                released.isEmpty() ? "none" : released.get(released.size() - 1).displayName(), took.toMillis()));
        return took;
    }
}
