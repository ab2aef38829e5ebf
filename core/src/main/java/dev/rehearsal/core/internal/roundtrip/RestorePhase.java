package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.RoundTripAssertionError;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.checks.RoundTripMessages;
import dev.rehearsal.core.internal.locks.AtomicityRisks;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.locks.StatementTrace;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.time.Duration;
import java.util.List;

/**
 * For a migration without a down script: brings back the database as it was before the up, by rolling back the
 * transaction held since then or from the copy kept then (after rehearsing a generated undo script on the database
 * the up left), and checks there that a failure forced at
 * the end of the up leaves nothing behind: that the migration is atomic.
 */
final class RestorePhase {

    private final StepContext step;

    RestorePhase(StepContext step) {
        this.step = step;
    }

    void run() {
        RehearsalEngine engine = step.engine;
        Migration migration = step.migration;
        if (step.up().isEmpty()) {
            step.dropRestorePoint();
            throw step.log.skip(Phase.RESTORE, NotRun.after(step.log.result(Phase.UP),
                    "the up phase of " + step.displayName() + " did not apply"));
        }
        StepContext.UpOutcome up = step.up().get();
        if (step.restorePointFailure() != null) {
            throw step.log.fail(Phase.RESTORE, Duration.ZERO, Duration.ZERO, step.restorePointFailure());
        }
        DatabaseSession.RestorePoint point = step.takeRestorePoint();
        if (point == null) {
            throw step.log.skip(Phase.RESTORE, step.displayName() + " has no down script, and the database "
                    + engine.database().name() + " cannot be copied (its provider's EphemeralDatabase.copy() gives none),"
                    + " so the state before its up cannot be restored to apply it again. Add a down script ("
                    + engine.tool().expectedDownScript(migration) + "), or rehearse with a provider that copies"
                    + " databases (the embedded PostgreSQL, a named PostgreSQL or MariaDB server, a container).");
        }
        long c0 = System.nanoTime();
        try {
            try (ComponentTiming ignored = ComponentTiming.time("undo.generated")) {
                new UndoRehearsal(step, up).run();
            }
            engine.restore(point);
        } catch (RuntimeException e) {
            // the generated undo ran on the database, which no longer matches the tool's history
            engine.discard(point);
            engine.state().markDirty("the restore of " + step.displayName() + " failed");
            throw e;
        }
        // the restore itself is checked before anything runs on it: what follows is judged against the state before
        // the up, which a rollback that missed something (a statement that committed by itself) would not be
        SchemaDiff notBack = up.beforeUp().diff(engine.currentSchema());
        if (!notBack.isEmpty()) {
            engine.state().markDirty("the restore of " + step.displayName() + " did not bring the schema back");
            throw step.log.fail(Phase.RESTORE, Duration.ZERO, Duration.ofNanos(System.nanoTime() - c0),
                    new RoundTripAssertionError("The restore of " + step.displayName() + " did not bring the schema back"
                            + " as it was before its up, so it cannot be applied again from there:\n"
                            + notBack + "\nSomething the up did outlived the restore (a statement that committed"
                            + " by itself); add a down script (" + engine.tool().expectedDownScript(migration) + ")."));
        }
        engine.state().markClean(up.beforeUp());
        step.backBeforeUp(up.beforeUp());
        long checks = System.nanoTime() - c0;
        String notForced = whyNotForced(up);
        if (notForced != null) {
            step.notes.add("restore: " + notForced);
            step.log.pass(Phase.RESTORE, 0, checks);
            return;
        }
        c0 = System.nanoTime();
        SequenceCounters counters = SequenceCounters.read(engine.session().database());
        checks += System.nanoTime() - c0;
        long t0 = System.nanoTime();
        boolean forced;
        try (ComponentTiming ignored = ComponentTiming.time("restore.forced")) {
            forced = engine.tool().applyFailingAtEnd(migration);
        } catch (RehearsalException e) {
            step.backBeforeUp(null);
            engine.state().markDirty(step.displayName() + " failed on the restored copy");
            throw step.log.fail(Phase.RESTORE, Duration.ofNanos(System.nanoTime() - t0), Duration.ofNanos(checks),
                    new RoundTripAssertionError(migration.displayName() + " applied the first time, but failed on"
                            + " the same database brought back to where it was before that up: it is not deterministic (it"
                            + " depends on the clock, on randomness or on something outside the database), so a"
                            + " retried deploy or another environment can fail the same way.\n" + e.getMessage(), e));
        }
        long sql = System.nanoTime() - t0;
        if (!forced) {
            step.notes.add("restore: atomicity not checked, as " + engine.tool().getClass().getSimpleName()
                    + " cannot stop a migration at its end");
            step.log.pass(Phase.RESTORE, sql, checks);
            return;
        }
        c0 = System.nanoTime();
        if (recordedAsApplied(migration)) {
            step.backBeforeUp(null);
            engine.state().markDirty(step.displayName() + " was recorded as applied after the failure forced at its end");
            throw step.log.fail(Phase.RESTORE, Duration.ofNanos(sql), Duration.ofNanos(System.nanoTime() - c0),
                    new RoundTripAssertionError(RoundTripMessages.swallowedFailure(migration,
                            engine.tool().getClass().getSimpleName().replace("Tool", ""), "a callback, the project's"
                                    + " code running the migrations", true)));
        }
        engine.scriptsRan(List.of(migration.up().sql()));
        SchemaSnapshot now = engine.currentSchema();
        SchemaDiff left = up.beforeUp().diff(now);
        List<String> dataLeft = up.dataBeforeUp() == null ? List.of()
                : up.dataBeforeUp().differences(engine.checkedFingerprint(now)).stream().map(d -> "data " + d).toList();
        if (left.isEmpty() && dataLeft.isEmpty()) {
            counters.restoreOn(engine.session().database());
        }
        checks += System.nanoTime() - c0;
        if (!left.isEmpty() || !dataLeft.isEmpty()) {
            step.backBeforeUp(null);
            engine.state().markDirty(step.displayName() + " left changes behind after the failure forced at its end");
            throw step.log.fail(Phase.RESTORE, Duration.ofNanos(sql), Duration.ofNanos(checks), new RoundTripAssertionError(
                    RoundTripMessages.notAtomic(migration, left, dataLeft, step.dialect())));
        }
        engine.state().markClean(now);
        step.notes.add("restore: a failure forced at the end of " + step.displayName() + " left nothing behind");
        step.log.pass(Phase.RESTORE, sql, checks);
    }

    /**
     * Whether the tool's history says {@code migration} is applied after a failure forced at its end: code around the
     * migration caught the failure and let its transaction commit.
     */
    private boolean recordedAsApplied(Migration migration) {
        return step.engine.session().currentVersion().map(v -> v.compareTo(migration.version()) >= 0).orElse(false);
    }

    /**
     * Why no failure is forced at the end of the up, or null to force one: where its statements ran outside a
     * transaction each committed by itself (the rule non-atomic-script judges those), and where the engine commits DDL
     * at once a failure keeps the schema changes whatever the tool does.
     */
    private String whyNotForced(StepContext.UpOutcome up) {
        Dialect dialect = step.dialect();
        String name = step.displayName();
        if (!dialect.rollsBackDdl() && !up.beforeUp().diff(up.afterUp()).isEmpty()) {
            return "no failure forced at the end of " + name + ": " + dialect.whyFailedMigrationsKeepChanges()
                    + "; keep each migration to one DDL statement, or make its statements safe to run twice";
        }
        // the script's statements only: the tool's own reads of its history table run outside the transaction
        // (on the first migration they are traced too, as that table is new)
        List<StatementTrace> outside = step.log.locks(Phase.UP).statements().stream()
                .filter(st -> st.script() != null && !st.inTransaction()
                        && !AtomicityRisks.controlsTransaction(st.sql())).toList();
        List<SqlStatement> statements = dialect.split(step.migration.up().sql());
        boolean mustRunOutside = statements.stream().anyMatch(st -> dialect.mustRunOutsideTransaction(st.sql()));
        if (!outside.isEmpty() || mustRunOutside) {
            return "no failure forced at the end of " + name + ": its statements ran outside a transaction,"
                    + " each committed by itself" + (statements.size() > 1
                    ? " (see the risk non-atomic-script)" : ", and one statement is applied whole or not at all");
        }
        return null;
    }
}
