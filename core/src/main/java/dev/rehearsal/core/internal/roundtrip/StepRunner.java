package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.CoreRuntime;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseSkippedException;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.StepResult;
import dev.rehearsal.core.data.DataSettings;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the phases of one round-trip step ({@link UpPhase}, {@link DownPhase} or {@link RestorePhase},
 * {@link UpAgainPhase}) and records each outcome, or, for a step a parallel part runs on its own database, gives back
 * what the part recorded. The public {@code RoundTripStep} is a handle on one.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class StepRunner implements CoreRuntime.Step {

    private final StepContext step;
    /** The part that runs this step on its own database, or null when it runs here. */
    private final Remote remote;
    /** Whether this step's phases are the part's (decided at the up: not when an earlier step blocked the rest). */
    private boolean servedByPart;
    /** Why this step blocked the remaining steps, or null. */
    private volatile String blockedRest;

    /** Step {@code index} of a parallel part, which runs it on its own database. */
    record Remote(ParallelPart part, int index) {
    }

    StepRunner(RehearsalEngine engine, Migration migration, DataSettings data, boolean last, Remote remote) {
        this.remote = remote;
        boolean restoring = migration != null && !migration.reversible()
                && engine.settings().irreversibleAllowance(migration) == null
                && engine.settings().missingDown() == RehearsalSettings.MissingDown.RESTORE;
        List<Phase> phases = new ArrayList<>(List.of(Phase.UP));
        if (migration != null) {
            phases.add(restoring ? Phase.RESTORE : Phase.DOWN);
            boolean back = restoring || migration.reversible() && engine.settings().irreversibleAllowance(migration) == null;
            if (back && RetryPhase.expected(engine, migration)) {
                phases.add(Phase.RETRY);
            }
            phases.add(Phase.UP_AGAIN);
        } else if (engine.settings().tool().retry()) {
            phases.add(Phase.RETRY);
        }
        this.step = new StepContext(engine, migration, data, last, restoring, List.copyOf(phases));
    }

    /** The migration, or empty for the step that applies the repeatable migrations. */
    public Optional<Migration> migration() {
        return step.migration();
    }

    /** {@code V3 add orders status}, or {@code repeatable migrations}. */
    public String displayName() {
        return step.displayName();
    }

    /** The phases of this step, in order. */
    public List<Phase> phases() {
        return step.log.phases();
    }

    /** Runs one phase; throws what it failed with, having recorded it. */
    public void run(Phase phase) {
        if (servedByPart(phase)) {
            return;
        }
        try {
            switch (phase) {
                case UP -> up();
                case DOWN -> {
                    requireVersioned();
                    new DownPhase(step).run();
                }
                case RESTORE -> {
                    requireVersioned();
                    new RestorePhase(step).run();
                }
                case RETRY -> {
                    if (step.migration == null) {
                        new RepeatablesAgainPhase(step).run();
                    } else {
                        new RetryPhase(step).run();
                    }
                }
                case UP_AGAIN -> {
                    requireVersioned();
                    new UpAgainPhase(step).run();
                }
            }
        } catch (RuntimeException | AssertionError e) {
            step.log.failedUnrecorded(phase, e);
            throw e;
        } finally {
            for (String message : step.engine.tool().drainMessages()) {
                step.notes.add(phase.label() + ": " + message);
            }
        }
    }

    private void up() {
        try {
            new UpPhase(step, this).run();
        } finally {
            if (step.up().isEmpty()) {
                step.dropRestorePoint();
            }
        }
    }

    private void requireVersioned() {
        if (step.migration == null) {
            throw new PhaseSkippedException("repeatable migrations have no down script; they are applied once");
        }
    }

    /** Whether a part runs this step and has not finished its last phase yet (it may not have started it). */
    boolean stillRunningInItsPart() {
        return remote != null && !remote.part().finished(remote.index(), phases().get(phases().size() - 1));
    }

    /** What happened so far. */
    public StepResult result() {
        if (servedByPart) {
            StepResult part = remote.part().step(remote.index()).orElseThrow().result();
            if (step.notes.isEmpty()) {
                return part;
            }
            List<String> all = new ArrayList<>();
            if (!part.note().isEmpty()) {
                all.add(part.note());
            }
            all.addAll(step.notes);
            return new StepResult(part.migration(), part.script(), part.phases(), String.join("; ", all), part.rows());
        }
        String script = step.migration == null ? String.join(", ", step.engine.history().repeatable().stream()
                .map(m -> m.up().name()).toList()) : step.migration.up().name();
        return new StepResult(displayName(), script, step.log.results(), String.join("; ", step.notes), step.rows());
    }

    /** Stops the remaining steps, for this reason, and remembers that this step did. */
    void blockRest(String reason) {
        blockedRest = reason;
        step.engine.state().block(reason);
    }

    /**
     * Gives back what the part running this step recorded for {@code phase} (throwing what it threw); false when the
     * step runs here: it is not a part's, an earlier step blocked the rest (it is then skipped here, as in one run),
     * or the part could not start.
     */
    private boolean servedByPart(Phase phase) {
        if (remote == null) {
            return false;
        }
        RehearsalEngine engine = step.engine;
        if (phase == Phase.UP) {
            boolean started = remote.part().step(remote.index()).isPresent();
            servedByPart = engine.state().blockedBy() == null && started;
            if (!started && remote.index() == 0) {
                remote.part().whyNotStarted().ifPresent(why -> step.notes.add("part " + remote.part().shard()
                        + " of the round trips could not run on a database of its own (" + why
                        + "), so its steps ran here, one after the other; rehearsal.parallel=1 runs every step here"));
            }
        }
        if (!servedByPart) {
            return false;
        }
        StepRunner own = remote.part().step(remote.index()).orElseThrow();
        try {
            remote.part().await(remote.index(), phase);
        } finally {
            if (own.blockedRest != null) {
                engine.state().block(own.blockedRest);
            }
            if (phase == phases().get(phases().size() - 1)) {
                String failed = engine.plan().catchUpWithParts(this);
                if (failed != null) {
                    step.notes.add(failed);
                }
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return displayName();
    }
}
