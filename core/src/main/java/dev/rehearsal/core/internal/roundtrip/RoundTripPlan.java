package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.Shard;
import dev.rehearsal.core.internal.helper.HelperSource;
import dev.rehearsal.core.internal.queries.RunningApplication;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;

import java.util.ArrayList;
import java.util.List;

/**
 * The round-trip steps of one plan: one per migration not yet applied (and one for the repeatable migrations), or
 * the shard's part of them, run in order. A long history runs in parallel parts: the first part's steps run here,
 * every other part starts at once on a database and thread of its own ({@link ParallelPart}), as that shard would
 * run, and its steps here give back what it recorded, so that the report and outcomes are one run's. After the last
 * step the database here is brought to the last version, where one run would have left it.
 */
final class RoundTripPlan implements AutoCloseable {

    /** Migrations per part at least: below it, a part's own start (its database, its ups) costs more than it saves. */
    static final int MIGRATIONS_PER_PART = RehearsalSettings.MIGRATIONS_PER_PART;
    /**
     * Steps served between two catch-ups while waiting, at least: each catch-up reads the version and starts the tool
     * before its ups, which one step at a time would pay for at every step, on a core the parts still use.
     */
    private static final int CATCH_UP_BATCH = 10;

    private final RehearsalEngine engine;
    private List<StepRunner> steps = List.of();
    /** The parts of the plan that run on their own databases; empty when it runs here alone. */
    private final List<ParallelPart> parts = new ArrayList<>();
    /** Why catching up with the parts failed before the plan's last step, or null. */
    private String catchUpFailure;
    /** The plan's step whose version catching up with the parts last reached, or -1. */
    private int caughtUpTo;

    /** The running application's queries over every plan of the rehearsal. */
    private final RunningApplication runningApplication;

    RoundTripPlan(RehearsalEngine engine) {
        this.engine = engine;
        this.runningApplication = new RunningApplication(engine.settings().queries());
    }

    RunningApplication runningApplication() {
        return runningApplication;
    }

    /** A new plan from the version now, replacing the last one (and stopping its parts). */
    List<StepRunner> create() {
        close();
        MigrationVersion from = engine.currentVersion().orElse(null);
        List<StepRunner> planned = new ArrayList<>();
        Shard shard = engine.settings().shard();
        List<Migration> migrations = shard.of(engine.history().between(from, null));
        boolean repeatables = shard.last() && !engine.history().repeatable().isEmpty();
        int count = from == null ? partsFor(migrations.size()) : 1;
        for (int k = 2; k <= count; k++) {
            Shard part = new Shard(k, count);
            parts.add(new ParallelPart(engine.settings(), partSource(), engine.provider(), part,
                    engine.invariants(), part.of(migrations)));
        }
        for (int k = 1; k <= count; k++) {
            Shard part = new Shard(k, count);
            List<Migration> own = part.of(migrations);
            boolean withRepeatables = repeatables && part.last();
            ParallelPart remote = k == 1 ? null : parts.get(k - 2);
            for (int i = 0; i < own.size(); i++) {
                planned.add(new StepRunner(engine, own.get(i), engine.stepData(), !withRepeatables && i == own.size() - 1,
                        remote == null ? null : new StepRunner.Remote(remote, i)));
            }
            if (withRepeatables) {
                planned.add(new StepRunner(engine, null, engine.stepData(), true,
                        remote == null ? null : new StepRunner.Remote(remote, own.size())));
            }
        }
        engine.state().unblock();
        catchUpFailure = null;
        caughtUpTo = -1;
        steps = List.copyOf(planned);
        return steps;
    }

    List<StepRunner> steps() {
        return steps;
    }

    /** How many parts the last plan runs in (1: all here, one step after the other). */
    int parts() {
        return parts.size() + 1;
    }

    /**
     * The source a part runs its steps with: this rehearsal's own, or, for a tool run by a helper process, a source of
     * the same history with a helper of its own, so that parts share no process, session or handed database.
     */
    private MigrationSource partSource() {
        return engine.source() instanceof HelperSource helped ? helped.forAnotherPart() : engine.source();
    }

    /** How many parts a plan of these migrations runs in: 1 where running them in parts would change a result. */
    private int partsFor(int migrations) {
        RehearsalSettings settings = engine.settings();
        int wanted = settings.parallel() == RehearsalSettings.PARALLEL_AUTO
                ? Math.min(Runtime.getRuntime().availableProcessors(), 4) : settings.parallel();
        boolean same = !engine.changedByCaller() && settings.shard().equals(Shard.ALL)
                && engine.stepData().roundTripRows() == 0 && engine.schemaChecks().isEmpty() && !engine.budgets().on()
                && engine.source().runsOnSeveralDatabasesAtOnce();
        return same ? Math.max(1, Math.min(wanted, migrations / MIGRATIONS_PER_PART)) : 1;
    }

    /**
     * After the last phase of each step a part ran: brings the database here to where one run would have left it,
     * unless a step blocked the rest. After the plan's last step, that is the last version and the repeatable
     * migrations. Before it, where the part is still running the plan's next step, it is this step's version: the ups
     * of catching up then run while this thread would only wait, rather than all of them after the last part is done,
     * with one core idle. Returns what failed, for the step's note, or null.
     */
    String catchUpWithParts(StepRunner served) {
        RoundTripState state = engine.state();
        if (parts.isEmpty() || steps.isEmpty() || state.blockedBy() != null) {
            return null;
        }
        if (steps.get(steps.size() - 1) != served) {
            catchUpWhileWaiting(served);
            return null;
        }
        if (catchUpFailure != null) {
            state.block(catchUpFailure);
            return catchUpFailure;
        }
        MigrationVersion last = null;
        boolean repeatables = false;
        for (StepRunner step : steps) {
            if (step.migration().isPresent()) {
                last = step.migration().get().version();
            } else {
                repeatables = true;
            }
        }
        try (ComponentTiming ignored = ComponentTiming.time("parts.catch-up")) {
            state.prepare(last);
            if (repeatables) {
                engine.tool().applyRepeatables();
                // as in one run, where their retry phase applied them again over themselves
                boolean retried = served.result().phase(PhaseResult.Phase.RETRY)
                        .filter(p -> p.status() == PhaseResult.Status.PASSED
                                && p.locks().risks().isEmpty()).isPresent();
                if (retried) {
                    engine.tool().applyRepeatablesAgain();
                }
                engine.scriptsRan(null);
                state.invalidate();
            }
        } catch (RehearsalException e) {
            String failed = failedCatchUp(last, e);
            state.block(failed);
            return failed;
        }
        return null;
    }

    /**
     * Brings the database here to {@code served}'s version where the plan's next step is still running in its part
     * (this thread would otherwise wait for it) and at least {@link #CATCH_UP_BATCH} steps were served since the last
     * time. Where that fails, the catch-up after the last step reports it (it would fail at the same up), and nothing
     * else is tried here before.
     */
    private void catchUpWhileWaiting(StepRunner served) {
        if (catchUpFailure != null || served.migration().isEmpty()) {
            return;
        }
        int at = steps.indexOf(served);
        if (at - caughtUpTo < CATCH_UP_BATCH || !steps.get(at + 1).stillRunningInItsPart()) {
            return; // the ups wait for more steps, for the next one that is still running, or for the last
        }
        MigrationVersion version = served.migration().get().version();
        try (ComponentTiming ignored = ComponentTiming.time("parts.catch-up (while waiting)")) {
            engine.state().prepare(version);
            caughtUpTo = at;
        } catch (RehearsalException e) {
            catchUpFailure = failedCatchUp(version, e);
        }
    }

    private static String failedCatchUp(MigrationVersion version, RehearsalException e) {
        return "after the parallel parts, this rehearsal's database could not be brought to V" + version
                + " (" + NotRun.cause(e) + "), so it is not where one run would"
                + " leave it; rehearsal.parallel=1 runs every step on it";
    }

    /** Stops the parts of the plan and drops their databases. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (ParallelPart part : parts) {
            try {
                part.close();
            } catch (RuntimeException e) { // the other parts still close
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        parts.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
