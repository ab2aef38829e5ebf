package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.RoundTripAssertionError;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.internal.checks.DataAfterDownCheck;
import dev.rehearsal.core.internal.checks.PhaseContext;
import dev.rehearsal.core.internal.data.DataChecks;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.time.Duration;
import java.util.List;

/** Reverts a step's migration with its down script; the checks then compare the schema and data with the up's. */
final class DownPhase {

    private final StepContext step;

    DownPhase(StepContext step) {
        this.step = step;
    }

    void run() {
        RehearsalEngine engine = step.engine;
        Migration migration = step.migration;
        StepContext.UpOutcome up = step.up().orElseThrow(() -> step.log.skip(Phase.DOWN, NotRun.after(
                step.log.result(Phase.UP), "the up phase of " + step.displayName() + " did not apply")));
        if (!migration.reversible()) {
            String allowance = engine.settings().irreversibleAllowance(migration);
            if (allowance == null) {
                allowance = engine.tool().irreversibleReason(migration);
            }
            if (allowance != null) {
                throw step.log.skip(Phase.DOWN, "irreversible, " + allowance);
            }
            throw step.log.fail(Phase.DOWN, Duration.ZERO, Duration.ZERO, new RoundTripAssertionError(
                    migration.displayName() + " has no down script: expected " + engine.tool().expectedDownScript(migration)
                            + " next to " + migration.up().name() + ".\n"
                            + "Add one, or declare the migration irreversible: "
                            + step.data.remedies().irreversible(migration.version()) + "."));
        }
        long t0 = System.nanoTime();
        MigrationObserver.Observed observed;
        try {
            observed = engine.observer().observe(migration, List.of(migration.down()), engine.traffic(), up.afterUp(),
                    true, () -> engine.tool().down(migration));
        } catch (RehearsalException e) {
            Judgement.traced(step, Phase.DOWN, e);
            long sql = System.nanoTime() - t0;
            long c0 = System.nanoTime();
            // a down that rolled back cleanly leaves the database as production has it after the same failure: the
            // next step goes on from there, over data that went through every earlier migration; one that failed
            // part-way leaves a database production would not go on from, and the next step starts on a rebuilt one
            SchemaSnapshot now = engine.fullSchema();
            boolean schemaBack = now.diff(up.afterUp()).isEmpty();
            String continued = schemaBack && dataAsTheUpLeftIt(now)
                    ? engine.state().continueAfterRolledBackDown(migration, up.afterUp()) : null;
            if (continued != null) {
                step.notes.add(continued);
            } else {
                engine.state().markDirty(schemaBack ? "the down script of " + step.displayName() + " failed"
                        : "the down script of " + step.displayName() + " failed part-way");
            }
            throw step.log.fail(Phase.DOWN, Duration.ofNanos(sql), Duration.ofNanos(System.nanoTime() - c0), e);
        }
        long sql = System.nanoTime() - t0;
        step.log.locks(Phase.DOWN, observed.locks());
        long c0 = System.nanoTime();
        SchemaSnapshot afterDown = observed.after() != null ? observed.after() : engine.currentSchema();
        if (!up.beforeUp().diff(afterDown).isEmpty()) {
            afterDown = engine.fullSchema(); // a patched read is trusted only where it agrees
        }
        engine.state().markClean(afterDown);
        step.backBeforeUp(afterDown);
        step.ran(Phase.DOWN, afterDown);
        Judgement.afterPhase(step, Phase.DOWN, sql, 0, c0, this::dataMessage);
    }

    /**
     * Whether the data is as it was when the down started (after the up, and the rows seeded into the tables it
     * created), where the data checks took its fingerprint; true where they did not.
     */
    private boolean dataAsTheUpLeftIt(SchemaSnapshot now) {
        DataFingerprint afterUp = step.get(PhaseContext.DATA_BEFORE_DOWN)
                .or(() -> step.get(PhaseContext.DATA_AFTER_UP)).orElse(null);
        return afterUp == null || afterUp.equals(step.fingerprint(now));
    }

    private String dataMessage(List<DataProblem> failures) {
        Migration migration = step.migration;
        StringBuilder sb = new StringBuilder(DataChecks.describe("The down script of " + step.displayName() + " ("
                + migration.down().name() + ") restored the schema but not the data:", failures));
        if (failures.stream().anyMatch(p -> DataAfterDownCheck.LOSSES.contains(p.kind()))) {
            sb.append("\nMake ").append(migration.down().name()).append(" restore the values as they were before")
                    .append(" the up, or, if it cannot, declare the migration lossy: ")
                    .append(step.data.remedies().lossy(migration.version())).append(".");
        }
        return sb.toString();
    }
}
