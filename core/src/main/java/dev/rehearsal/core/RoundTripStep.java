package dev.rehearsal.core;

import dev.rehearsal.core.internal.timing.Timings;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.Invariant;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.internal.data.DataChecks;
import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The round trip of one migration: {@link #up()} from the previous version, {@link #down()} with its down script
 * (the schema must equal the one before the up), {@link #upAgain()} (the schema must equal the one after the first
 * up). Run the phases in that order, and the steps in the order {@link MigrationRehearsal#roundTripSteps()} gives.
 * A phase that fails throws ({@link RoundTripAssertionError} for a defect, {@link MigrationFailedException} for a
 * failing script); a phase that cannot run throws {@link PhaseSkippedException}. Every outcome is also recorded in
 * {@link #result()}. The step for repeatable migrations has only an up phase.
 *
 * <p>When tables hold rows, each phase also checks the data (see {@link DataProblem.Kind}): after up, tables the
 * migration does not name keep their data, touched tables keep their row count, new columns are filled for every
 * row, and indexes, NOT VALID constraints, foreign keys and sequences are sound; after down, every value that
 * existed before the up is back (else the down is lossy); after up again, the data equals the first up's.
 * Invariants must give the same result after every phase as before the up.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RoundTripStep {

    private final MigrationRehearsal rehearsal;
    private final Migration migration;
    private final DataSettings data;
    private final PhaseLog log;
    private final boolean last;
    private String note;
    private SchemaSnapshot beforeUp;
    private SchemaSnapshot afterUp;
    private boolean upApplied;
    private boolean downRan;
    private boolean lossyDown;
    private DataFingerprint dataBeforeUp;
    private DataFingerprint dataAfterUp;
    private List<DataProblem> integrityBefore = List.of();
    private Map<Invariant, String> invariantsBefore = Map.of();
    private long rows;
    private final List<String> notes = new ArrayList<>();
    private SchemaSnapshot afterDown;

    private static final Set<DataProblem.Kind> DATA_CHANGES = EnumSet.of(DataProblem.Kind.ROW_COUNT_CHANGED,
            DataProblem.Kind.UNTOUCHED_DATA_CHANGED, DataProblem.Kind.PARTIAL_BACKFILL);
    private static final Set<DataProblem.Kind> LOSSES = EnumSet.of(DataProblem.Kind.LOSSY_DOWN,
            DataProblem.Kind.DOWN_CHANGED_DATA);

    RoundTripStep(MigrationRehearsal rehearsal, Migration migration, DataSettings data, boolean last) {
        this.rehearsal = rehearsal;
        this.migration = migration;
        this.data = data;
        this.last = last;
        this.log = new PhaseLog(phases());
    }

    /** The migration, or empty for the step that applies the repeatable migrations. */
    public Optional<Migration> migration() {
        return Optional.ofNullable(migration);
    }

    /** {@code V3 add orders status}, or {@code repeatable migrations}. */
    public String displayName() {
        return migration == null ? "repeatable migrations" : migration.displayName();
    }

    /** The phases of this step, in order. */
    public List<Phase> phases() {
        return migration == null ? List.of(Phase.UP) : List.of(Phase.UP, Phase.DOWN, Phase.UP_AGAIN);
    }

    /** Runs one phase. */
    public void run(Phase phase) {
        switch (phase) {
            case UP -> up();
            case DOWN -> down();
            case UP_AGAIN -> upAgain();
        }
    }

    /** What happened so far. */
    public StepResult result() {
        String script = migration == null ? String.join(", ", rehearsal.history().repeatable().stream()
                .map(m -> m.up().name()).toList()) : migration.up().name();
        List<String> all = new ArrayList<>();
        if (note != null) {
            all.add(note);
        }
        all.addAll(notes);
        return new StepResult(displayName(), script, log.results(), String.join("; ", all), rows);
    }

    /** Applies the migration from the previous version and records the schema it produces. */
    public void up() {
        guard(Phase.UP, this::runUp);
    }

    /** Reverts the migration with its down script; the schema must be exactly the one before the up. */
    public void down() {
        guard(Phase.DOWN, this::runDown);
    }

    /** Applies the migration again; the schema must be exactly the one the first up produced. */
    public void upAgain() {
        guard(Phase.UP_AGAIN, this::runUpAgain);
    }

    /** Records anything a phase throws that it did not record itself (a lost connection, a catalog query). */
    private void guard(Phase phase, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException | AssertionError e) {
            log.failedUnrecorded(phase, e);
            throw e;
        } finally {
            for (String message : rehearsal.tool().drainMessages()) {
                notes.add(phase.label() + ": " + message);
            }
        }
    }

    private void runUp() {
        if (rehearsal.state().blockedBy() != null) {
            throw log.skip(Phase.UP, "not run: " + rehearsal.state().blockedBy());
        }
        MigrationVersion previous = migration == null
                ? rehearsal.history().latest().orElse(null)
                : rehearsal.history().previous(migration).map(Migration::version).orElse(null);
        try (Timings.Timer ignored = Timings.time("prepare")) {
            note = rehearsal.state().prepare(previous);
        } catch (RehearsalException e) {
            rehearsal.state().block("the database could not be brought to the version before " + displayName()
                    + ": " + e.getMessage().lines().findFirst().orElse(""));
            throw log.fail(Phase.UP, Duration.ZERO, Duration.ZERO, e);
        }
        long c0 = System.nanoTime();
        beforeUp = rehearsal.state().cleanSnapshot();
        String reads = rehearsal.schemaReadsNote();
        if (reads != null) {
            notes.add(reads);
        }
        try {
            if (data.roundTripRows() > 0) {
                seed(TableModel.all(beforeUp).keySet(), "before");
            }
            if (data.dataChecks() && migration != null) {
                dataBeforeUp = rehearsal.fingerprint(beforeUp);
                rows = dataBeforeUp.totalRows();
                if (dataBeforeUp.hasData()) {
                    integrityBefore = rehearsal.integrityProblems(beforeUp);
                }
            }
            invariantsBefore = rehearsal.evaluateInvariants();
        } catch (RehearsalException e) {
            throw log.fail(Phase.UP, Duration.ZERO, Duration.ofNanos(System.nanoTime() - c0), e);
        }
        long checks = System.nanoTime() - c0;
        long t0 = System.nanoTime();
        MigrationObserver.Observed observed;
        List<MigrationScript> scripts = migration == null
                ? rehearsal.history().repeatable().stream().map(Migration::up).toList() : List.of(migration.up());
        try {
            observed = rehearsal.observer().observe(migration, scripts, traffic(), beforeUp, false, () -> {
                if (migration == null) {
                    rehearsal.tool().applyRepeatables();
                } else {
                    rehearsal.tool().upTo(migration.version());
                }
            });
        } catch (RehearsalException e) {
            rehearsal.state().block(displayName() + " failed to apply");
            tracedFailure(Phase.UP, e);
            String partial = partialChanges(scripts);
            RehearsalException failure = partial == null ? e : new RehearsalException(e.getMessage() + "\n" + partial, e);
            throw log.fail(Phase.UP, Duration.ofNanos(System.nanoTime() - t0), Duration.ofNanos(checks), failure);
        }
        long sql = System.nanoTime() - t0;
        log.locks(Phase.UP, observed.locks());
        c0 = System.nanoTime();
        afterUp = observed.after() != null ? observed.after() : rehearsal.currentSchema();
        rehearsal.state().markClean(afterUp);
        upApplied = true;
        if (migration == null) {
            checkPatchedReads(Phase.UP, afterUp, sql, System.nanoTime() - c0);
        }
        List<DataProblem> problems = new ArrayList<>();
        if (dataBeforeUp != null) {
            dataAfterUp = rehearsal.fingerprint(afterUp);
            if (dataBeforeUp.hasData() || dataAfterUp.hasData()) {
                problems.addAll(DataChecks.afterUp(migration, afterUp, beforeUp.diff(afterUp), dataBeforeUp, dataAfterUp));
                problems.addAll(DataChecks.newProblems(integrityBefore, rehearsal.integrityProblems(afterUp)));
            }
        }
        problems.addAll(rehearsal.brokenInvariants(invariantsBefore, displayName()));
        List<DataProblem> failures = declared(problems, DATA_CHANGES,
                migration != null && data.dataChanges().contains(migration.version()), "declared dataChanges");
        if (data.roundTripRows() > 0 && migration != null) {
            List<String> created = beforeUp.diff(afterUp).changes().stream()
                    .filter(c -> c.type() == SchemaChange.Type.ADDED && c.object().kind() == ObjectKind.TABLE)
                    .map(c -> c.object().name()).filter(TableModel.all(afterUp)::containsKey).toList();
            if (!created.isEmpty()) {
                try {
                    seed(created, "after");
                } catch (RehearsalException e) {
                    failures = new ArrayList<>(failures);
                    failures.add(new DataProblem(DataProblem.Kind.ROW_COUNT_CHANGED, null, null,
                            "could not seed the tables " + displayName() + " creates: " + e.getMessage()));
                }
            }
        }
        checks += System.nanoTime() - c0;
        if (!failures.isEmpty()) {
            throw log.fail(Phase.UP, Duration.ofNanos(sql), Duration.ofNanos(checks), problems, new RoundTripAssertionError(
                    DataChecks.describe(displayName() + " applied, but its data is wrong:", failures)));
        }
        checkBudget(Phase.UP, sql, checks, problems);
        log.pass(Phase.UP, sql, checks, problems);
    }

    /**
     * What a failed up left behind: on engines that commit DDL at once (MariaDB, MySQL), or with statements that ran
     * outside a transaction, a migration that fails half-way keeps its first changes. Null when it left nothing.
     */
    private String partialChanges(List<MigrationScript> scripts) {
        try {
            SchemaDiff left = beforeUp.diff(rehearsal.schema());
            if (left.isEmpty()) {
                return null;
            }
            rehearsal.state().markDirty(displayName() + " failed half-way and left changes behind");
            return RoundTripMessages.partialChanges(left, scripts, rehearsal.database().dialect());
        } catch (RehearsalException e) {
            return null;
        }
    }

    private Traffic traffic() {
        return rehearsal.settings().locks().probes() ? Traffic.probes() : Traffic.none();
    }

    private void tracedFailure(Phase phase, RehearsalException e) {
        if (e instanceof MigrationFailedException f) {
            log.locks(phase, f.locks());
        }
    }

    /** Fails the phase when its locks break the budget of the settings; the message names statement, lock, table and wait. */
    private void checkBudget(Phase phase, long sql, long checks, List<DataProblem> problems) {
        var budget = rehearsal.settings().locks().budget();
        LockReport report = log.locks(phase);
        if (!budget.limitsAnything() || report == LockReport.NONE) {
            return;
        }
        List<String> breaches = budget.check(report);
        if (!breaches.isEmpty()) {
            throw log.fail(phase, Duration.ofNanos(sql), Duration.ofNanos(checks), problems, new RoundTripAssertionError(
                    "The " + phase.label() + " of " + displayName() + " broke the lock budget:\n  - "
                            + String.join("\n  - ", breaches)));
        }
    }

    private void seed(java.util.Collection<String> tables, String when) {
        SeedResult seeded = rehearsal.topUp(tables, data.roundTripRows(), data.roundTripSeeds(),
                displayName() + "/" + when);
        if (seeded.totalRows() > 0) {
            notes.add("seeded " + seeded.totalRows() + " rows " + when + " the up");
        }
    }

    /** Problems of {@code kinds} become notes when the migration declares them; returns the rest. */
    private List<DataProblem> declared(List<DataProblem> problems, Set<DataProblem.Kind> kinds, boolean declared,
                                       String declaration) {
        List<DataProblem> failures = new ArrayList<>();
        for (DataProblem p : problems) {
            if (declared && kinds.contains(p.kind())) {
                notes.add(declaration + ": " + p.message());
            } else {
                failures.add(p);
            }
        }
        return failures;
    }

    private void runDown() {
        requireVersioned();
        if (!upApplied) {
            throw log.skip(Phase.DOWN, "not run: the up phase of " + displayName() + " did not apply");
        }
        if (!migration.reversible()) {
            String allowance = rehearsal.settings().irreversibleAllowance(migration);
            if (allowance == null) {
                allowance = rehearsal.tool().irreversibleReason(migration);
            }
            if (allowance != null) {
                throw log.skip(Phase.DOWN, "irreversible, " + allowance);
            }
            throw log.fail(Phase.DOWN, Duration.ZERO, Duration.ZERO, new RoundTripAssertionError(
                    migration.displayName() + " has no down script: expected " + rehearsal.tool().expectedDownScript(migration)
                            + " next to " + migration.up().name() + ".\n"
                            + "Add one, or declare the migration irreversible: @MigrationTest(irreversible = \""
                            + migration.version() + "\") (or minimumDowngradeVersion = \"" + migration.version() + "\")."));
        }
        long t0 = System.nanoTime();
        MigrationObserver.Observed observed;
        try {
            observed = rehearsal.observer().observe(migration, List.of(migration.down()), traffic(), afterUp, true,
                    () -> rehearsal.tool().down(migration));
        } catch (RehearsalException e) {
            tracedFailure(Phase.DOWN, e);
            long sql = System.nanoTime() - t0;
            long c0 = System.nanoTime();
            if (!rehearsal.schema().diff(afterUp).isEmpty()) {
                rehearsal.state().markDirty("the down script of " + displayName() + " failed part-way");
            }
            throw log.fail(Phase.DOWN, Duration.ofNanos(sql), Duration.ofNanos(System.nanoTime() - c0), e);
        }
        long sql = System.nanoTime() - t0;
        log.locks(Phase.DOWN, observed.locks());
        downRan = true;
        long c0 = System.nanoTime();
        afterDown = observed.after() != null ? observed.after() : rehearsal.currentSchema();
        SchemaDiff diff = beforeUp.diff(afterDown);
        if (!diff.isEmpty()) {
            afterDown = rehearsal.schema();
            diff = beforeUp.diff(afterDown);
        }
        long checks = System.nanoTime() - c0;
        if (!diff.isEmpty()) {
            rehearsal.state().markDirty("the down script of " + displayName() + " did not restore the schema");
            throw log.fail(Phase.DOWN, Duration.ofNanos(sql), Duration.ofNanos(checks),
                    new RoundTripAssertionError(RoundTripMessages.downLeftTrace(migration, afterUp, diff)));
        }
        rehearsal.state().markClean(afterDown);
        long c1 = System.nanoTime();
        List<DataProblem> problems = new ArrayList<>();
        if (dataBeforeUp != null && dataBeforeUp.hasData()) {
            problems.addAll(DataChecks.afterDown(migration, dataBeforeUp, rehearsal.fingerprint(afterDown)));
            lossyDown = problems.stream().anyMatch(p -> LOSSES.contains(p.kind()));
        }
        problems.addAll(rehearsal.brokenInvariants(invariantsBefore, "the down script of " + displayName()));
        boolean declaredLossy = data.lossy().contains(migration.version());
        List<DataProblem> failures = declared(problems, LOSSES, declaredLossy, "declared lossy");
        checks += System.nanoTime() - c1;
        if (!failures.isEmpty()) {
            StringBuilder sb = new StringBuilder(DataChecks.describe("The down script of " + displayName() + " ("
                    + migration.down().name() + ") restored the schema but not the data:", failures));
            if (failures.stream().anyMatch(p -> LOSSES.contains(p.kind()))) {
                sb.append("\nMake ").append(migration.down().name()).append(" restore the values as they were before")
                        .append(" the up, or, if it cannot, declare the migration lossy: @MigrationTest(lossy = \"")
                        .append(migration.version()).append("\").");
            }
            throw log.fail(Phase.DOWN, Duration.ofNanos(sql), Duration.ofNanos(checks), problems,
                    new RoundTripAssertionError(sb.toString()));
        }
        checkBudget(Phase.DOWN, sql, checks, problems);
        log.pass(Phase.DOWN, sql, checks, problems);
    }

    private void runUpAgain() {
        requireVersioned();
        if (!downRan) {
            throw log.skip(Phase.UP_AGAIN, log.result(Phase.DOWN).status() == Status.SKIPPED
                    ? "not run: " + log.result(Phase.DOWN).message()
                    : "not run: the down phase of " + displayName() + " did not run to its end");
        }
        long t0 = System.nanoTime();
        MigrationObserver.Observed observed;
        try {
            observed = rehearsal.observer().observe(migration, List.of(migration.up()), traffic(), afterDown, false,
                    () -> rehearsal.tool().upTo(migration.version()));
        } catch (RehearsalException e) {
            tracedFailure(Phase.UP_AGAIN, e);
            rehearsal.state().markDirty(displayName() + " could not be applied again after its down script");
            RoundTripAssertionError error = new RoundTripAssertionError(migration.displayName()
                    + " cannot be applied again after its down script ran: the down script probably left something behind"
                    + " that the up script then trips over.\n" + e.getMessage(), e);
            throw log.fail(Phase.UP_AGAIN, Duration.ofNanos(System.nanoTime() - t0), Duration.ZERO, error);
        }
        long sql = System.nanoTime() - t0;
        log.locks(Phase.UP_AGAIN, observed.locks());
        long c0 = System.nanoTime();
        SchemaSnapshot again = observed.after() != null ? observed.after() : rehearsal.currentSchema();
        SchemaDiff diff = afterUp.diff(again);
        if (!diff.isEmpty()) {
            again = rehearsal.schema();
            diff = afterUp.diff(again);
        }
        long checks = System.nanoTime() - c0;
        if (!diff.isEmpty()) {
            rehearsal.state().markDirty(displayName() + " produced a different schema when applied again");
            throw log.fail(Phase.UP_AGAIN, Duration.ofNanos(sql), Duration.ofNanos(checks),
                    new RoundTripAssertionError(RoundTripMessages.notReproduced(migration, diff)));
        }
        rehearsal.state().markClean(again);
        checkPatchedReads(Phase.UP_AGAIN, again, sql, checks);
        long c1 = System.nanoTime();
        List<DataProblem> problems = new ArrayList<>();
        if (dataAfterUp != null && (dataAfterUp.hasData() || dataBeforeUp.hasData())) {
            if (lossyDown) {
                notes.add("data not compared after up again: the down did not restore the data");
            } else {
                problems.addAll(DataChecks.afterUpAgain(migration, again, dataAfterUp, rehearsal.fingerprint(again), notes));
            }
        }
        problems.addAll(rehearsal.brokenInvariants(invariantsBefore, displayName() + " (up again)"));
        checks += System.nanoTime() - c1;
        if (!problems.isEmpty()) {
            throw log.fail(Phase.UP_AGAIN, Duration.ofNanos(sql), Duration.ofNanos(checks), problems,
                    new RoundTripAssertionError(DataChecks.describe("Applied again after its down script, "
                            + displayName() + " did not reproduce the data of the first up:", problems)));
        }
        checkBudget(Phase.UP_AGAIN, sql, checks, problems);
        log.pass(Phase.UP_AGAIN, sql, checks, problems);
    }

    /**
     * At the end of the plan, the schema as the patched reads saw it must equal a full read of the catalog; a
     * difference is Rehearsal's bug, not the migration's, and fails the phase so that it cannot pass unnoticed.
     */
    private void checkPatchedReads(Phase phase, SchemaSnapshot patched, long sql, long checks) {
        if (!last) {
            return;
        }
        String missed = rehearsal.missedByPatchedReads(patched);
        if (missed != null) {
            rehearsal.state().markDirty("the patched schema reads missed a change");
            throw log.fail(phase, Duration.ofNanos(sql), Duration.ofNanos(checks), new RoundTripAssertionError(missed));
        }
    }

    private void requireVersioned() {
        if (migration == null) {
            throw new PhaseSkippedException("repeatable migrations have no down script; they are applied once");
        }
    }

    @Override
    public String toString() {
        return displayName();
    }
}
