package dev.rehearsal.junit.internal;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseSkippedException;
import dev.rehearsal.core.RoundTripStep;
import org.opentest4j.TestAbortedException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the phases of a round trip in their order, whatever order or threads the JUnit scheduler picks for the
 * dynamic tests (parallel execution runs them concurrently, and a round trip's phases depend on each other). When
 * a phase's test starts, every earlier phase that has not run yet runs first, on that thread, under one lock; each
 * outcome is kept, and each test reports the outcome of its own phase. With the default sequential scheduler this
 * changes nothing: every phase is the next one when its test starts.
 */
final class OrderedPhases {

    private record Planned(RoundTripStep step, Phase phase) {
    }

    private final List<Planned> order = new ArrayList<>();
    private final Map<Planned, Throwable> failures = new HashMap<>();
    private int next;

    OrderedPhases(List<RoundTripStep> steps) {
        for (RoundTripStep step : steps) {
            for (Phase phase : step.phases()) {
                order.add(new Planned(step, phase));
            }
        }
    }

    /** Runs every phase of {@code step} not run yet (and every earlier one), keeping their outcomes for their tests. */
    synchronized void runAll(RoundTripStep step) {
        for (int i = order.size() - 1; i >= 0; i--) {
            if (order.get(i).step() == step) {
                try {
                    run(step, order.get(i).phase());
                } catch (Throwable outcome) {
                    // kept for the phase's own test, which reports it
                }
                return;
            }
        }
    }

    /** Runs this phase, after every earlier phase; throws what the phase threw, or aborts the test when it was skipped. */
    synchronized void run(RoundTripStep step, Phase phase) throws Throwable {
        Planned wanted = new Planned(step, phase);
        int at = order.indexOf(wanted);
        if (at < 0) {
            throw new IllegalArgumentException(step.displayName() + " has no " + phase.label() + " phase in this plan");
        }
        while (next <= at) {
            Planned p = order.get(next++);
            try {
                p.step().run(p.phase());
            } catch (PhaseSkippedException e) {
                failures.put(p, new TestAbortedException(e.getMessage()));
            } catch (RuntimeException | AssertionError e) {
                failures.put(p, e);
            }
        }
        Throwable failure = failures.get(wanted);
        if (failure != null) {
            throw failure;
        }
    }
}
