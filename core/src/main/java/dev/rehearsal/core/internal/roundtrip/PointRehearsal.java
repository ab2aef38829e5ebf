package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.internal.checks.PhaseContext;
import dev.rehearsal.core.internal.data.DataChecks;
import dev.rehearsal.core.internal.retry.Leftovers;
import dev.rehearsal.core.internal.retry.PartWayFailure;
import dev.rehearsal.core.internal.retry.RetryAdvice;
import dev.rehearsal.core.internal.retry.RetryPoint;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One point of a {@link RetryPhase}, from the state before the up: the real tool applies the migration and is stopped
 * there ({@link PartWayFailure}); what stayed is read whole; the tool's record of the failure is cleared as its
 * documentation tells an operator to; the tool applies the migration again; the schema and data are compared with the
 * first up's. Then the database goes back before the up, by the down script (rehearsed already) or from a copy kept
 * for a migration without one; where it cannot, it is marked to be rebuilt and the step's up again is not run.
 */
final class PointRehearsal implements RetryRun {

    /** Data problems of a down that did not bring the data back: the retries then start from other rows. */
    private static final Set<DataProblem.Kind> LOSSES = EnumSet.of(DataProblem.Kind.LOSSY_DOWN,
            DataProblem.Kind.DOWN_CHANGED_DATA);

    /**
     * What a point came to: its summary for the note, the finding (what happened, then {@code Fix: ...}) or null,
     * whether the database could not be brought back before the up, and whether the point showed the migration
     * retry-safe (reached, and left nothing or retried to the same schema and data).
     */
    record Outcome(RetryPoint point, String summary, String finding, boolean lost, long sqlNanos, boolean shown) {
    }

    private final StepContext step;
    private final RetryPoint point;
    private final SchemaSnapshot start;
    private final DataFingerprint startData;
    private final RehearsalEngine engine;
    private final Migration migration;
    private final MigrationTool tool;
    /**
     * The copy of the database before the up, until it is restored or discarded. For a migration without a down it is
     * this point's own, and the way back after every point; for one with a down it is the phase's, used only where
     * the down script cannot be (a retry that ended elsewhere). Null when the database cannot be copied.
     */
    private DatabaseSession.RestorePoint copy;
    private final boolean ownCopy;
    private final boolean fallbackGiven;
    private long sqlNanos;
    /** Whether the point showed the migration retry-safe: stopped there, it left nothing or was retried to the same end. */
    private boolean shown;

    /**
     * {@code start}, {@code startData}: the schema and data before the up, where the retry phase starts (the data null
     * where data is not checked); {@code fallback}: the phase's copy of that state, for a migration with a down script
     * (else null).
     */
    PointRehearsal(StepContext step, RetryPoint point, SchemaSnapshot start, DataFingerprint startData,
                   DatabaseSession.RestorePoint fallback) {
        this.step = step;
        this.point = point;
        this.start = start;
        this.startData = startData;
        this.copy = fallback;
        this.ownCopy = step.restoring;
        this.fallbackGiven = fallback != null;
        this.engine = step.engine;
        this.migration = step.migration;
        this.tool = engine.tool();
    }

    @Override
    public Outcome run() {
        if (ownCopy) {
            copy = engine.keepRestorePoint();
            if (copy == null) {
                return outcome(point.describe() + ": not rehearsed, as the database cannot be copied to come back before"
                        + " the up afterwards", null, false);
            }
        }
        try {
            return rehearse();
        } catch (RuntimeException | Error e) {
            try {
                leave();
            } catch (RuntimeException | Error second) {
                e.addSuppressed(second);
                engine.state().markDirty("the retry of " + step.displayName() + " could not bring the database back");
                step.backBeforeUp(null);
            }
            throw e;
        }
    }

    private Outcome rehearse() {
        PartWayFailure failure = new PartWayFailure(point, step.dialect(), engine.database().dataSource());
        RehearsalException stopped = apply(failure);
        if (!failure.struck()) {
            if (stopped != null) {
                return left(point.describe() + ": " + migration.displayName() + " failed by itself before this point ("
                        + NotRun.cause(stopped) + ")", null);
            }
            return back(point.describe() + ": not rehearsed, as " + failure.whyNot());
        }
        if (stopped == null) {
            return left(point.describe() + ": not rehearsed, as " + step.displayName() + " went on past the stop (its"
                    + " code caught the error) and ended without failing", null);
        }
        tool.drainMessages(); // the tool's account of the failure Rehearsal made is not the migration's
        // read whole: a statement cancelled part-way fires no event trigger, so a patched read would miss its index
        SchemaSnapshot now = engine.fullSchema();
        List<String> left = new ArrayList<>(Leftovers.of(start.diff(now)));
        if (startData != null) {
            // a column or table only on one side is the schema's difference, named already
            startData.differences(engine.checkedFingerprint(now)).stream().filter(d -> !d.endsWith(": only in the second")
                    && !d.endsWith(": only in the first") && !d.endsWith("(0 rows)")).forEach(d -> left.add("data " + d));
        }
        String cleared;
        try {
            cleared = tool.clearFailedUp(migration);
        } catch (RehearsalException e) {
            return left(point.describe() + ": the tool refused to run it again", "Stopped " + point.describe() + ", "
                    + step.displayName() + " cannot be run again without a person: clearing the tool's record of the"
                    + " failure failed (" + e.getMessage() + ")\nFix: what the operator must run is the tool's repair"
                    + " command for a failed migration; " + RetryAdvice.forDifference(left));
        }
        if (left.isEmpty()) {
            if (ownCopy && copy != null) {
                DatabaseSession.RestorePoint unused = copy;
                copy = null;
                engine.discard(unused);
            }
            shown = true;
            return outcome(point.describe() + ": left nothing", null, false);
        }
        String what = "Stopped " + point.describe() + " (as a lock timeout or a cancelled deploy would), "
                + step.displayName() + " left " + String.join(", ", left) + ". The retry an operator runs ("
                + (cleared == null ? "" : cleared + ", then ") + "the migration again)";
        RehearsalException retried = apply(null);
        tool.drainMessages(); // what the tool said over the objects the stopped run left is in the finding, if anything
        if (retried != null) {
            return left(point.describe() + ": the retry failed", what + " failed: " + retried.getMessage()
                    + "\nFix: " + RetryAdvice.forError(retried, left));
        }
        SchemaSnapshot again = engine.fullSchema();
        List<String> differs = new ArrayList<>(Leftovers.of(step.afterUp().diff(again)));
        List<String> data = dataDifferences(again);
        differs.addAll(data == null ? List.of() : data);
        shown = data != null; // retry-safe as far as the schema and, where compared, the data go
        if (!differs.isEmpty()) {
            return left(point.describe() + ": the retry ended elsewhere", what + " succeeded, but the database differs"
                    + " from a clean run's: " + String.join(", ", differs) + "\nFix: " + RetryAdvice.forDifference(differs));
        }
        return back(point.describe() + ": left " + String.join(", ", left) + ", and the retry"
                + (cleared == null ? "" : " (after " + cleared + ")") + " ended as a clean up");
    }

    /**
     * How the data after the retry differs from the first up's, by the rules of up again (values from a sequence or a
     * volatile default are expected to differ); null where the data is not compared (not checked, or the down did
     * not bring it back).
     */
    private List<String> dataDifferences(SchemaSnapshot again) {
        DataFingerprint clean = step.get(PhaseContext.DATA_AFTER_UP).orElse(null);
        PhaseResult down = step.restoring ? null : step.log.result(Phase.DOWN);
        if (clean == null || down != null && down.problems().stream().anyMatch(p -> LOSSES.contains(p.kind()))) {
            return null;
        }
        return DataChecks.afterUpAgain(migration, again, clean, engine.checkedFingerprint(again), new ArrayList<>()).stream()
                .map(p -> "data " + p.message()).toList();
    }

    /** The tool applies the migration, stopped by {@code interceptor} where it is not null; its failure, or null. */
    private RehearsalException apply(PartWayFailure interceptor) {
        DatabaseSession session = engine.session();
        long t0 = System.nanoTime();
        session.intercept(interceptor);
        try {
            tool.migrateAsOperator(migration.version());
            return null;
        } catch (RehearsalException e) {
            return e;
        } finally {
            session.intercept(null);
            sqlNanos += System.nanoTime() - t0;
        }
    }

    /** Back before the up where the database is as after a clean up: from the copy, or by the down script. */
    private Outcome back(String summary) {
        if (ownCopy) {
            DatabaseSession.RestorePoint kept = copy;
            copy = null;
            engine.restore(kept);
            return outcome(summary, null, false);
        }
        long t0 = System.nanoTime();
        try {
            tool.down(migration);
        } catch (RehearsalException e) {
            return left(summary + "; then its down script failed (" + NotRun.cause(e) + ")", null);
        } finally {
            sqlNanos += System.nanoTime() - t0;
        }
        return outcome(summary, null, false);
    }

    /** Where the database is not as after a clean up: back before the up, or lost (to be rebuilt). */
    private Outcome left(String summary, String finding) {
        return outcome(summary, finding, !leave());
    }

    /**
     * Brings the database back before the up from where a stopped run or its retry left it ({@link WayBack}). Returns
     * whether it is back.
     */
    private boolean leave() {
        DatabaseSession.RestorePoint kept = copy;
        copy = null;
        WayBack way = new WayBack(step, start, startData);
        try {
            return way.leave(kept, "the retry of " + step.displayName() + " left the database elsewhere");
        } finally {
            sqlNanos += way.sqlNanos();
        }
    }

    private Outcome outcome(String summary, String finding, boolean lost) {
        return new Outcome(point, summary, finding, lost, sqlNanos, shown && finding == null);
    }

    /** Whether the phase's copy was used (restored): the way back is then the down script, or a rebuild. */
    @Override
    public boolean fallbackUsed() {
        return fallbackGiven && copy == null;
    }
}
