package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.CoreRuntime;
import dev.rehearsal.core.SchemaCheck;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Brings the database to the base a pull request's new migrations are rehearsed over: the migrations up to the last
 * released one, applied with the tool's own ups in one go, untraced and unchecked, or copied from a base an earlier run
 * kept ({@link KeptBase}); the next step's note says which. The
 * schema they give is then judged once by the rehearsal's schema checks (golden files) as the last released
 * migration's: a released migration edited since it ran in production (and not told by git) shows there as drift.
 */
final class ReleasedBase {

    private ReleasedBase() {
    }

    /**
     * Brings the database to {@code target}: by the tool's own ups, or with {@code keep} from a base an earlier run
     * kept ({@link KeptBase}). Returns how, and how long it took.
     */
    static CoreRuntime.BaseReached apply(DatabaseSession session, RoundTripState state, MigrationVersion target,
                                         boolean keep) {
        MigrationVersion from = session.currentVersion().orElse(null);
        if (from != null && from.compareTo(target) > 0) {
            throw new RehearsalException("The database is at " + from + ", past " + target + ", the last migration"
                    + " taken as released: only-new needs it at or below that version (a snapshot restored at a later"
                    + " version, or a test that migrated first). Restore or migrate to an earlier version first.");
        }
        state.invalidate();
        List<Migration> released = session.tool().history().between(from, target);
        long t0 = System.nanoTime();
        String how = keep ? KeptBase.reach(session, from, target, released) : applied(session, from, target);
        session.scriptsRan(null); // what ran is not traced: the next schema read reads everything
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        Migration last = released.isEmpty() ? null : released.get(released.size() - 1);
        state.start(new RoundTripState.Start(String.format(Locale.ROOT, "only new: the %d migrations before it, up to"
                + " %s, were taken as released and %s", released.size(), last == null ? "none" : last.displayName(),
                how), last));
        return new CoreRuntime.BaseReached(took, how);
    }

    /** Applies the migrations after {@code from} up to {@code target} by the tool's own ups; says so, with the time. */
    static String applied(DatabaseSession session, MigrationVersion from, MigrationVersion target) {
        long t0 = System.nanoTime();
        session.upFromUnwatched(from, target);
        return String.format(Locale.ROOT, "applied by the tool's own ups without checks (%d ms)",
                (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Judges the base's schema with the schema checks (golden files) as {@code base}'s: their notes (a file written or
     * rewritten) go to {@code notes}; returns null where every check passes, else the failures.
     */
    static String drift(List<SchemaCheck> checks, Migration base, SchemaSnapshot schema, Dialect dialect,
                        List<String> notes) {
        StringBuilder failures = new StringBuilder();
        for (SchemaCheck check : checks) {
            SchemaCheck.Outcome outcome;
            try (ComponentTiming ignored = ComponentTiming.time("checks.schema")) {
                outcome = check.check(base, schema, dialect);
            }
            outcome.notes().forEach(note -> notes.add("only new, the released base: " + note));
            if (outcome.isFailure()) {
                failures.append(failures.length() == 0 ? "" : "\n").append(outcome.failure());
            }
        }
        return failures.length() == 0 ? null : "The schema the released migrations give, up to " + base.displayName()
                + ", fails its check before this migration runs. Where a released migration was edited, production"
                + " will not run it again: undo the edit and add a new migration with the change.\n" + failures;
    }
}
