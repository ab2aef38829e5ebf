package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.internal.locks.LockObservation;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.ProductionTables;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs the migration tool while the rehearsal watches: traces every lock the scripts take, plays probe traffic
 * against the tables they touch, and judges the risk rules. Used by {@code migrateTo} and by every round-trip phase.
 */
final class MigrationObserver {

    private final RehearsalSettings settings;
    private final DatabaseSession session;
    private final RoundTripState state;
    private final ReleasedTables released;

    MigrationObserver(RehearsalSettings settings, DatabaseSession session, RoundTripState state, ReleasedTables released) {
        this.released = released;
        this.settings = settings;
        this.session = session;
        this.state = state;
    }

    /**
     * Runs {@code work} (the migration tool running {@code scripts}) while tracing its locks and playing
     * {@code traffic}; returns the lock report. A failure keeps the trace up to the failing statement, attached to
     * the {@link MigrationFailedException}; a run stopped at the migration timeout fails with a message saying
     * who held the lock it waited for.
     */
    Observed observe(Migration first, List<MigrationScript> scripts, Traffic traffic, SchemaSnapshot before,
                     boolean reverting, Runnable work) {
        List<String> sql = scripts.stream().map(MigrationScript::sql).filter(Objects::nonNull).toList();
        if (!settings.locks().trace() || before == null || session.database().dialect().locks() == null) {
            try (ComponentTiming ignored = ComponentTiming.time("tool")) {
                work.run();
            } catch (RuntimeException | Error e) {
                session.scriptsRan(null);
                throw e;
            }
            session.scriptsRan(sql);
            state.invalidate();
            return new Observed(LockReport.NONE, null, ProductionTables.NONE);
        }
        List<LockObservation.Script> named = scripts.stream()
                .map(sc -> new LockObservation.Script(sc.name(), sc.sql())).toList();
        LockObservation.Run run;
        try (ComponentTiming ignored = ComponentTiming.time("locks.begin")) {
            run = session.lockObservation().begin(before, named, traffic, reverting);
        } catch (SQLException e) {
            throw new RehearsalException("Could not start watching locks on " + session.database().name() + ": " + e.getMessage()
                    + ". Turn lock tracing off with rehearsal.locks.trace=false if this database does not allow it.", e);
        }
        if (session.holdsTransaction()) {
            run.locksOutlastRun();
        }
        Map<String, String> allowed = LockObservation.allowed(named, first == null ? Map.of()
                : settings.locks().allowedFor(first.version()));
        try (ComponentTiming ignored = ComponentTiming.time("tool")) {
            work.run();
        } catch (MigrationFailedException e) {
            session.scriptsRan(null);
            LockReport partial = run.finish(null, allowed);
            String stopped = run.timeoutMessage();
            MigrationFailedException failure = stopped == null ? e : e.stoppedAtTimeout(stopped);
            throw failure.withLocks(partial);
        } catch (RuntimeException | Error e) {
            session.scriptsRan(null);
            run.finish(null, allowed);
            throw e;
        }
        session.scriptsRan(sql);
        state.invalidate();
        try (ComponentTiming ignored = ComponentTiming.time("locks.finish")) {
            run.stop(); // before the schema is read: probes beside that read only slow it down
        }
        SchemaSnapshot after = session.schema();
        if (!reverting) {
            released.upRan(first, before, after);
        }
        try (ComponentTiming ignored = ComponentTiming.time("locks.finish")) {
            ProductionTables production = released.at(first, before);
            return new Observed(run.finish(after, allowed, production), after, production);
        }
    }

    /**
     * What {@link #observe} saw: the lock report, the schema after the run (null when not traced), and the tables
     * production has as the risk rules judged them.
     */
    record Observed(LockReport locks, SchemaSnapshot after, ProductionTables production) {
    }
}
