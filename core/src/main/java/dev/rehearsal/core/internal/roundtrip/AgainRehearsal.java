package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.internal.retry.Leftovers;
import dev.rehearsal.core.internal.retry.RetryAdvice;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.List;

/**
 * For a migration the tool applies again over itself on a later run (Liquibase's {@code runOnChange} and
 * {@code runAlways}), from the state before its up: the tool applies it, then again as on such a run. An error, or a
 * schema other than the first up's, is the finding {@value #RULE}. Then the database goes back before the up, by the
 * down script, or from a copy for a migration without one ({@link WayBack}).
 */
final class AgainRehearsal implements RetryRun {

    static final String RULE = RepeatablesAgainPhase.RULE;

    private final StepContext step;
    private final SchemaSnapshot start;
    private final DataFingerprint startData;
    private final DatabaseSession.RestorePoint fallback;
    private final MigrationTool tool;
    private final Migration migration;
    private DatabaseSession.RestorePoint copy;
    private long sqlNanos;
    private boolean fallbackUsed;
    private boolean backDone;

    /** As {@link PointRehearsal}: {@code fallback} is the phase's copy, for a migration with a down script. */
    AgainRehearsal(StepContext step, SchemaSnapshot start, DataFingerprint startData,
                   DatabaseSession.RestorePoint fallback) {
        this.step = step;
        this.start = start;
        this.startData = startData;
        this.fallback = fallback;
        this.tool = step.engine.tool();
        this.migration = step.migration;
    }

    @Override
    public PointRehearsal.Outcome run() {
        if (step.restoring) {
            copy = step.engine.keepRestorePoint();
            if (copy == null) {
                return outcome("applied again: not rehearsed, as the database cannot be copied to come back before the"
                        + " up afterwards", null, false);
            }
        }
        try {
            return rehearse();
        } catch (RuntimeException | Error e) {
            try {
                back(); // where it is not back, it is marked to be rebuilt
            } catch (RuntimeException | Error second) {
                e.addSuppressed(second);
                new WayBack(step, start, startData).lost("applying " + step.displayName() + " again failed, and the"
                        + " database could not be brought back");
            }
            throw e;
        }
    }

    private PointRehearsal.Outcome rehearse() {
        RehearsalException up = apply(() -> tool.migrateAsOperator(migration.version()));
        tool.drainMessages();
        if (up != null) {
            return outcome("applied again: not rehearsed, as its up failed by itself (" + NotRun.cause(up) + ")", null,
                    !back());
        }
        RehearsalException again = apply(() -> tool.applyAgain(migration));
        tool.drainMessages();
        if (again != null && !(again instanceof MigrationFailedException)) {
            return outcome("applied again: not rehearsed, as " + NotRun.cause(again), null, !back());
        }
        if (again != null) {
            String statement = again instanceof MigrationFailedException m && m.statement().isPresent()
                    ? m.statement().get() : migration.up().sql();
            RetryAdvice.Rerun advice = RetryAdvice.forRerun(statement);
            return outcome("applied again: it failed", step.displayName() + " failed when applied again over itself,"
                    + " as the tool applies it when its file changes or on every run"
                    + (advice.object() == null ? "" : ": " + advice.object() + " cannot be created again over itself")
                    + ".\n" + again.getMessage() + "\nFix: " + advice.fix(), !back());
        }
        List<String> differs = Leftovers.of(step.afterUp().diff(step.engine.fullSchema()));
        if (!differs.isEmpty()) {
            return outcome("applied again: another schema", "Applied again over itself, " + step.displayName()
                    + " leaves another schema than its first up: " + String.join(", ", differs) + "\nFix: make each"
                    + " statement give the same result however often it runs (CREATE OR REPLACE, DROP ... IF EXISTS"
                    + " first)", !back());
        }
        return outcome("applied again over itself, as the tool does when its file changes or on every run: the schema"
                + " the same", null, !back());
    }

    /** Runs {@code work} against the tool; its failure, or null. */
    private RehearsalException apply(Runnable work) {
        long t0 = System.nanoTime();
        try {
            work.run();
            return null;
        } catch (RehearsalException e) {
            return e;
        } finally {
            sqlNanos += System.nanoTime() - t0;
        }
    }

    /**
     * Back before the up: from this rehearsal's own copy; else by the down script, else an undo derived from the
     * catalog, each checked against the state before the up; else from the phase's copy; else the database is marked
     * to be rebuilt. Returns whether it is back.
     */
    private boolean back() {
        if (backDone) {
            return true;
        }
        backDone = true; // tried once: a way back that failed is not tried again over what it left
        WayBack way = new WayBack(step, start, startData);
        if (copy != null) {
            DatabaseSession.RestorePoint kept = copy;
            copy = null;
            return restore(kept, way);
        }
        try {
            if (way.undo()) {
                return true;
            }
        } finally {
            sqlNanos += way.sqlNanos();
        }
        if (fallback != null) {
            fallbackUsed = true;
            return restore(fallback, way);
        }
        way.lost("applied again, " + step.displayName() + " left the database elsewhere");
        return false;
    }

    /** Restores {@code point}; where that fails, the database is marked to be rebuilt before the failure goes on. */
    private boolean restore(DatabaseSession.RestorePoint point, WayBack way) {
        try {
            step.engine.restore(point);
            return true;
        } catch (RuntimeException | Error e) {
            way.lost("applied again, " + step.displayName() + " could not be brought back from its copy");
            throw e;
        }
    }

    private PointRehearsal.Outcome outcome(String summary, String finding, boolean lost) {
        return new PointRehearsal.Outcome(null, summary, finding, lost, sqlNanos, finding == null && !lost);
    }

    /** Whether the phase's copy was used (restored). */
    @Override
    public boolean fallbackUsed() {
        return fallbackUsed;
    }
}
