package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripAssertionError;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.Invariant;
import dev.rehearsal.core.internal.data.DataChecks;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One move of a rehearsal's database between versions ({@code migrateTo}): the ups from the version now, or the
 * downs in reverse order (each migration must have one), and the repeatable migrations when moving to the latest,
 * under observation; the invariants must give what they gave before.
 */
final class VersionMove {

    private final DatabaseSession session;
    private final RoundTripState state;
    private final MigrationObserver observer;
    private final Invariants invariants;
    private final RehearsalSettings settings;

    VersionMove(DatabaseSession session, RoundTripState state, MigrationObserver observer, Invariants invariants,
                RehearsalSettings settings) {
        this.session = session;
        this.state = state;
        this.observer = observer;
        this.invariants = invariants;
        this.settings = settings;
    }

    MigrationRun run(MigrationVersion to, boolean latest, Traffic traffic) {
        MigrationHistory history = session.tool().history();
        MigrationVersion from = session.currentVersion().orElse(null);
        Map<Invariant, String> invariantsBefore = invariants.evaluate();
        boolean up = to != null && (from == null || to.compareTo(from) > 0);
        List<Migration> ran;
        if (up) {
            ran = history.between(from, to);
        } else {
            ran = new ArrayList<>(history.between(to, from));
            Collections.reverse(ran);
            for (Migration m : ran) {
                requireDown(m);
            }
        }
        boolean repeatables = latest && !history.repeatable().isEmpty();
        List<MigrationScript> scripts = new ArrayList<>();
        for (Migration m : ran) {
            scripts.add(up ? m.up() : m.down());
        }
        if (repeatables) {
            history.repeatable().forEach(m -> scripts.add(m.up()));
        }
        SchemaSnapshot before = settings.locks().trace() ? session.schema() : null;
        state.invalidate();
        long t0 = System.nanoTime();
        LockReport locks = observer.observe(ran.isEmpty() ? null : ran.get(0), scripts, traffic, before, !up, () -> {
            if (up) {
                session.upFrom(from, to); // read above
            } else {
                for (Migration m : ran) {
                    session.tool().down(m);
                }
            }
            if (repeatables) {
                session.tool().applyRepeatables();
            }
        }).locks();
        MigrationRun run = new MigrationRun(up ? MigrationRun.Direction.UP : MigrationRun.Direction.DOWN, ran, from, to,
                Duration.ofNanos(System.nanoTime() - t0), locks);
        List<DataProblem> broken = invariants.broken(invariantsBefore, "migrating from " + (from == null
                ? "the empty database" : "V" + from) + " to " + (to == null ? "the empty database" : "V" + to));
        if (!broken.isEmpty()) {
            throw new RoundTripAssertionError(DataChecks.describe("Migrating " + (up ? "up" : "down")
                    + " broke an invariant:", broken));
        }
        return run;
    }

    private void requireDown(Migration m) {
        if (!m.reversible()) {
            throw new RehearsalException("Cannot revert " + m.displayName() + ": it has no down script (expected "
                    + session.tool().expectedDownScript(m) + " next to " + m.up().name() + ")");
        }
    }
}
