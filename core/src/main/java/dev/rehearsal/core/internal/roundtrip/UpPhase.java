package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.internal.checks.PhaseChecks;
import dev.rehearsal.core.internal.checks.RoundTripMessages;
import dev.rehearsal.core.internal.data.BoundaryValues;
import dev.rehearsal.core.internal.data.DataChecks;
import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.internal.retry.ReportedUp;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Applies a step's migration (or the repeatable migrations) from the previous version: brings the database there,
 * seeds it where the plan asks, lets the checks read what they compare with later, keeps a copy where the migration
 * is rehearsed by restore, runs the tool under observation, and has the checks judge the result.
 */
final class UpPhase {

    private final StepContext step;
    private final StepRunner runner;

    UpPhase(StepContext step, StepRunner runner) {
        this.step = step;
        this.runner = runner;
    }

    void run() {
        RehearsalEngine engine = step.engine;
        Migration migration = step.migration;
        if (engine.state().blockedBy() != null) {
            throw step.log.skip(Phase.UP, NotRun.because(engine.state().blockedBy()));
        }
        MigrationVersion previous = migration == null ? engine.history().latest().orElse(null)
                : engine.history().previous(migration).map(Migration::version).orElse(null);
        // taken first: a start is this step's alone, even where preparing the step fails
        RoundTripState.Start start = engine.state().takeStart();
        // a shard after the first starts later than the base: its schema is not the base's
        Migration base = start == null || start.releasedBase() == null || previous == null
                || previous.compareTo(start.releasedBase().version()) != 0 ? null : start.releasedBase();
        if (start != null) {
            step.notes.add(0, start.note()); // said even where preparing the step fails
        }
        try (ComponentTiming ignored = ComponentTiming.time("prepare")) {
            engine.session().settle(); // a step whose restore did not run keeps what its up committed
            String rebuilt = engine.state().prepare(previous);
            if (rebuilt != null) {
                step.notes.add(start == null ? 0 : 1, rebuilt);
            }
        } catch (RehearsalException e) {
            throw cannotRun(e); // an earlier migration fails on the way here: this step did not fail, it cannot run
        }
        long c0 = System.nanoTime();
        String drift = base == null ? null : ReleasedBase.drift(engine.schemaChecks(), base,
                engine.state().cleanSnapshot(), step.dialect(), step.notes);
        if (drift != null) {
            throw step.log.fail(Phase.UP, Duration.ZERO, Duration.ofNanos(System.nanoTime() - c0),
                    new RehearsalException(drift));
        }
        // after the base's drift check: what the migration depends on from outside the history is not the base's
        long a0 = System.nanoTime();
        try (ComponentTiming ignored = ComponentTiming.time("prepare")) {
            String ahead = engine.state().applyOutsideDependencies(migration);
            if (ahead != null) {
                step.notes.add(ahead);
            }
        } catch (RehearsalException e) {
            // the tool's own up of this migration would fail there too: the up fails, and the rest cannot run unless
            // it failed over seeded rows, as a migration of the history's own may carry on over empty tables; only on
            // an engine that rolls DDL back, as the own path carries on only where the failed up left nothing behind
            Duration took = Duration.ofNanos(System.nanoTime() - a0);
            String boundaries = boundaryValues(e, engine::fullSchema); // read before a carry-on rebuilds the database
            String carriedOn = carryOnOrBlockRest(e, migration, true, step.dialect().rollsBackDdl());
            throw step.log.fail(Phase.UP, took, Duration.ZERO, new RehearsalException("What " + step.displayName()
                    + " depends on from outside the history failed to apply: " + e.getMessage() + "\nThe tool's own"
                    + " up of " + step.displayName() + " applies it first wherever it is not applied yet, and fails the"
                    + " same way over such a schema and rows: fix the failing migration named above, or the data it"
                    + " meets." + (boundaries == null ? "" : "\n" + boundaries)
                    + (carriedOn == null ? "" : "\n" + carriedOn), e));
        }
        c0 += System.nanoTime() - a0;
        SchemaSnapshot beforeUp = engine.state().cleanSnapshot();
        String reads = engine.schemaReadsNote();
        if (reads != null) {
            step.notes.add(reads);
        }
        try {
            if (step.data.roundTripRows() > 0 && step.seed(TableModel.all(beforeUp).keySet(), "before") > 0
                    && !beforeUp.objects(ObjectKind.TRIGGER).isEmpty()) {
                // the seeded rows fired the schema's own triggers: what they created is the starting point too
                beforeUp = step.schemaNow();
            }
            DataFingerprint data = step.data.dataChecks() && migration != null ? engine.checkedFingerprint(beforeUp) : null;
            step.startingPoint(beforeUp, data);
            PhaseChecks.beforeUp(step);
        } catch (RehearsalException e) {
            throw step.log.fail(Phase.UP, Duration.ZERO, Duration.ofNanos(System.nanoTime() - c0), e);
        }
        boolean reported = migration != null && step.log.phases().contains(Phase.RETRY)
                && engine.tool().upTransaction(migration) == UpTransaction.AS_REPORTED;
        if (step.restoring) {
            step.keepRestorePoint();
        } else if (migration != null && step.log.phases().contains(Phase.RETRY) && !reported
                && !step.dialect().undo(beforeUp, beforeUp).unsupported().isEmpty()) {
            // where no undo can be derived from the catalog (MariaDB), a retry that ends elsewhere comes back from a copy
            step.keepRetryCopy();
        }
        long checks = System.nanoTime() - c0;
        long t0 = System.nanoTime();
        List<MigrationScript> scripts = migration == null
                ? engine.history().repeatable().stream().map(Migration::up).toList() : List.of(migration.up());
        MigrationObserver.Observed observed;
        // where the migration's code decides which statements commit, the helper's account of the up finds the points
        ReportedUp up = reported ? new ReportedUp() : null;
        try {
            engine.session().intercept(up);
            observed = engine.observer().observe(migration, scripts, engine.traffic(), beforeUp, false, () -> {
                if (migration == null) {
                    engine.tool().applyRepeatables();
                } else {
                    engine.upFrom(previous, migration.version()); // prepare() has just read that it is there
                }
            });
            step.reportedUp(up);
        } catch (RehearsalException e) {
            Judgement.traced(step, Phase.UP, e);
            String partial = partialChanges(beforeUp, scripts);
            SchemaSnapshot before = beforeUp;
            String boundaries = boundaryValues(e, () -> before);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            String carriedOn = carryOnOrBlockRest(e, migration, false, partial == null && migration != null);
            String more = (partial == null ? "" : "\n" + partial) + (boundaries == null ? "" : "\n" + boundaries)
                    + (carriedOn == null ? "" : "\n" + carriedOn);
            RehearsalException failure = more.isEmpty() ? e : new RehearsalException(e.getMessage() + more, e);
            throw step.log.fail(Phase.UP, took, Duration.ofNanos(checks), failure);
        } finally {
            engine.session().intercept(null);
        }
        long sql = System.nanoTime() - t0;
        step.log.locks(Phase.UP, observed.locks());
        RowRulesExemptions.note(observed.locks(), beforeUp, observed.production()).ifPresent(step.notes::add);
        c0 = System.nanoTime();
        SchemaSnapshot afterUp = observed.after() != null ? observed.after() : engine.currentSchema();
        engine.state().markClean(afterUp);
        step.upApplied(afterUp);
        step.ran(Phase.UP, afterUp);
        Judgement.afterPhase(step, Phase.UP, sql, checks, c0,
                Judgement.heading(step.displayName() + " applied, but its data is wrong:"));
    }

    /** The step cannot run: the database could not be brought to where it starts; the rest cannot run either. */
    private RuntimeException cannotRun(RehearsalException e) {
        String why = "the database could not be brought to the version before " + step.displayName() + ": "
                + NotRun.cause(e);
        runner.blockRest(why);
        return step.log.skip(Phase.UP, NotRun.because(why));
    }

    /**
     * After a failed up (of the migration, or of what it depends on from outside the history where {@code ahead}):
     * carries on over data where {@code mayCarryOn} and {@link #carryOnOverData} can (returning what it says, also
     * added to the step's notes), else blocks the rest of the history (returning null).
     */
    private String carryOnOrBlockRest(RehearsalException e, Migration migration, boolean ahead, boolean mayCarryOn) {
        String carriedOn = mayCarryOn ? carryOnOverData(e, migration, ahead) : null;
        if (carriedOn == null) {
            runner.blockRest(step.displayName() + " failed to apply: " + NotRun.cause(e));
        } else {
            // a note within the step's notes: "The rest..." and "It fails..." go lower case, a migration's name not
            step.notes.add(carriedOn.startsWith("The ") || carriedOn.startsWith("It ")
                    ? carriedOn.substring(0, 1).toLowerCase(Locale.ROOT) + carriedOn.substring(1) : carriedOn);
        }
        return carriedOn;
    }

    /**
     * A seeded run goes on after an up that failed over its rows (a value too long, a NULL under NOT NULL, a duplicate
     * under a new unique index: SQLState class 22 or 23): a fresh database is built at the failing migration's version,
     * which applies over empty tables, and the later steps seed it again, so no migration is left unrehearsed because
     * an earlier one failed over data. Where what the migration depends on from outside the history failed
     * ({@code ahead}), the fresh database holds the migration itself too, applied unchecked: its own round trip is the
     * one not rehearsed. Null when the run cannot go on that way (the rest is then not run, as before).
     */
    private String carryOnOverData(RehearsalException e, Migration migration, boolean ahead) {
        MigrationFailedException f = failureOf(e);
        if (step.data.roundTripRows() == 0 || f == null
                || !f.sqlState().map(s -> s.startsWith("22") || s.startsWith("23")).orElse(false)) {
            return null;
        }
        try {
            step.engine.state().markDirty(step.displayName() + " failed over seeded rows");
            step.engine.state().prepare(migration.version());
        } catch (RehearsalException again) {
            runner.blockRest(step.displayName() + " failed over seeded rows and fails over empty tables too: "
                    + NotRun.cause(again));
            return (ahead ? step.displayName() + ", with what it depends on," : "It") + " fails over empty tables"
                    + " too, so the rest of the history is not run: " + NotRun.cause(again);
        }
        if (ahead) {
            return "The rest of the history is still rehearsed over data: a fresh database was built at "
                    + step.displayName() + ", which applies with what it depends on over empty tables, and each later"
                    + " step seeds it again. " + step.displayName() + " itself was applied there without checks: its"
                    + " own up, down and up again are not rehearsed.";
        }
        return "The rest of the history is still rehearsed over data: a fresh database was built at "
                + step.displayName() + ", which applies over empty tables, and each later step seeds it again.";
    }

    private static MigrationFailedException failureOf(Throwable e) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof MigrationFailedException)) {
            cause = cause.getCause();
        }
        return (MigrationFailedException) cause;
    }

    /**
     * For an up that failed on a value (SQLState class 22: too long, out of range, bad date) over seeded rows, which
     * seeded boundary values the tables its statement names hold, so a team can tell a real limit from an unlikely
     * one; null when none (or the statement is not known). {@code schema} gives the tables as they are, read only
     * where the failure is one to look into.
     */
    private String boundaryValues(RehearsalException e, Supplier<SchemaSnapshot> schema) {
        MigrationFailedException f = failureOf(e);
        if (!step.data.boundaryValues() || step.data.roundTripRows() == 0 || f == null
                || !f.sqlState().map(s -> s.startsWith("22")).orElse(false) || f.statement().isEmpty()) {
            return null;
        }
        List<String> found = new ArrayList<>();
        try {
            SchemaSnapshot beforeUp = schema.get();
            Set<String> tables = new HashSet<>();
            TableModel.all(beforeUp).keySet().stream()
                    .filter(t -> DataChecks.mentions(f.statement().get(), t)).forEach(tables::add);
            for (BoundaryValues.Probe probe : BoundaryValues.probes(beforeUp, tables, step.dialect()::quote)) {
                long rows = step.engine.count(probe.query());
                if (rows > 0) {
                    found.add(probe.what() + " (" + rows + (rows == 1 ? " row)" : " rows)"));
                }
            }
        } catch (RehearsalException unreadable) {
            return "Whether it failed on one of Rehearsal's seeded boundary values could not be read: "
                    + unreadable.getMessage();
        }
        return found.isEmpty() ? null : "It failed over seeded rows that hold boundary values: " + String.join("; ", found)
                + ". Production meets this failure if it holds such values; rehearsal.seed.boundaries=false leaves"
                + " them out of seeded rows.";
    }

    /**
     * What a failed up left behind: on engines that commit DDL at once (MariaDB, MySQL), or with statements that ran
     * outside a transaction, a migration that fails half-way keeps its first changes. Null when it left nothing.
     */
    private String partialChanges(SchemaSnapshot beforeUp, List<MigrationScript> scripts) {
        try {
            SchemaDiff left = beforeUp.diff(step.engine.fullSchema());
            if (left.isEmpty()) {
                return null;
            }
            step.engine.state().markDirty(step.displayName() + " failed half-way and left changes behind");
            return RoundTripMessages.partialChanges(left, scripts, step.dialect());
        } catch (RehearsalException e) {
            return null;
        }
    }
}
