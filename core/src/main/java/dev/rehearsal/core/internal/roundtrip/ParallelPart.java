package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.PhaseSkippedException;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.Shard;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.data.Invariant;
import dev.rehearsal.core.db.DatabaseProvider;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One part of a plan whose round trips run in parallel parts: a rehearsal of its own, on its own database, that runs
 * the part's steps on its own thread, exactly as the shard {@code index/count} of the history would be run (reaching
 * the part's first version with ups). The plan's steps for this part serve what it recorded, in order, through
 * {@link #step(int)} and {@link #await(int, Phase)}; see {@link RoundTripPlan}.
 */
final class ParallelPart implements AutoCloseable {

    private final Shard shard;
    private final CompletableFuture<List<StepRunner>> steps = new CompletableFuture<>();
    private final Map<String, CompletableFuture<Throwable>> outcomes = new HashMap<>();
    private final Thread thread;
    private volatile boolean stopped;
    private RehearsalEngine rehearsal;

    /**
     * Starts the part at once: its database, its tool, then its steps, one phase after the other. {@code planned} are
     * the migrations the plan gives this part: a part whose tool lists others there (its files changed since the
     * rehearsal read them) does not start, and the plan runs those steps itself.
     */
    ParallelPart(RehearsalSettings settings, MigrationSource source, DatabaseProvider provider, Shard shard,
                 List<Invariant> invariants, List<Migration> planned) {
        this.shard = shard;
        RehearsalSettings own = settings.withShard(shard).withParallel(1);
        List<String> expected = planned.stream().map(Migration::displayName).toList();
        this.thread = new Thread(() -> run(own, source, provider, invariants, expected), "rehearsal-part-" + shard);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(RehearsalSettings settings, MigrationSource source, DatabaseProvider provider,
                     List<Invariant> invariants, List<String> expected) {
        List<StepRunner> plan;
        try {
            RehearsalEngine started = EngineStart.start(settings, source, provider);
            synchronized (this) {
                rehearsal = started;
            }
            if (stopped) {
                started.close(); // closed while starting
                steps.completeExceptionally(new RehearsalException("not run: the rehearsal was closed"));
                return;
            }
            invariants.forEach(started::invariant);
            plan = started.roundTripSteps();
            String different = differs(expected, plan.stream().flatMap(step -> step.migration().stream())
                    .map(Migration::displayName).toList());
            if (different != null) {
                synchronized (this) {
                    rehearsal = null;
                }
                started.close(); // its database and its tool's process are not needed
                throw new RehearsalException("its tool lists this part's migrations differently from the history the"
                        + " rehearsal read: " + different + "; were migrations added or removed during the run?");
            }
        } catch (RuntimeException | Error e) {
            steps.completeExceptionally(e);
            return;
        }
        // every outcome exists before anyone waits, so that close() can end every wait
        for (int i = 0; i < plan.size(); i++) {
            for (Phase phase : plan.get(i).phases()) {
                outcome(i, phase);
            }
        }
        steps.complete(plan);
        for (int i = 0; i < plan.size() && !stopped; i++) {
            StepRunner step = plan.get(i);
            for (Phase phase : step.phases()) {
                Throwable thrown = null;
                try {
                    step.run(phase);
                } catch (RuntimeException | Error e) {
                    thrown = e;
                }
                outcome(i, phase).complete(thrown);
            }
        }
    }

    /** Where {@code listed} first differs from {@code expected}, or null where they are the same. */
    private static String differs(List<String> expected, List<String> listed) {
        for (int i = 0; i < Math.max(expected.size(), listed.size()); i++) {
            String want = i < expected.size() ? expected.get(i) : null;
            String got = i < listed.size() ? listed.get(i) : null;
            if (want == null || !want.equals(got)) {
                return (want == null ? "after the plan's last, " : "where the plan has " + want + ", ")
                        + (got == null ? "it lists no more" : "it lists " + got);
            }
        }
        return null;
    }

    private synchronized CompletableFuture<Throwable> outcome(int step, Phase phase) {
        return outcomes.computeIfAbsent(step + " " + phase, k -> new CompletableFuture<>());
    }

    /**
     * The part's own step {@code index} (0 is its first), once the part has started; empty when it could not start
     * (its database or its tool failed), and the plan then runs that step itself.
     */
    Optional<StepRunner> step(int index) {
        try {
            return Optional.of(steps.get().get(index));
        } catch (ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RehearsalException("Interrupted while waiting for the round trips of part " + shard + " to start", e);
        }
    }

    /** Why the part could not start (the first line of what failed), once it has tried; empty when it started. */
    Optional<String> whyNotStarted() {
        try {
            steps.get();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(String.valueOf(e.getCause().getMessage()).lines().findFirst().orElse(""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** This part's shard of the plan, {@code 2/3}, for messages. */
    Shard shard() {
        return shard;
    }

    /** Whether the part has run {@code phase} of its step {@code index}, without waiting. */
    boolean finished(int index, Phase phase) {
        return outcome(index, phase).isDone();
    }

    /** Waits until the part has run {@code phase} of its step {@code index}; throws what the phase threw. */
    void await(int index, Phase phase) {
        Throwable thrown;
        try {
            thrown = outcome(index, phase).get();
        } catch (ExecutionException e) {
            thrown = e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RehearsalException("Interrupted while waiting for part " + shard + " of the round trips", e);
        }
        if (thrown instanceof RuntimeException r) {
            throw r;
        }
        if (thrown instanceof Error error) {
            throw error;
        }
    }

    /** Stops the part after the phase it is running and drops its database. */
    @Override
    public void close() {
        stopped = true;
        RehearsalEngine started;
        synchronized (this) {
            started = rehearsal;
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (started != null) {
                started.close(); // a phase still running fails on the dropped database, and the thread ends
            }
        } finally {
            List<CompletableFuture<Throwable>> waiting;
            synchronized (this) {
                waiting = new ArrayList<>(outcomes.values());
            }
            // nothing waits forever on a part that was closed
            RehearsalException closed = new RehearsalException("not run: the rehearsal was closed");
            waiting.forEach(f -> f.complete(new PhaseSkippedException(closed.getMessage())));
            steps.completeExceptionally(closed);
        }
    }
}
