package dev.rehearsal.core;

import dev.rehearsal.core.internal.timing.ComponentEvent;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.Invariant;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.internal.data.DataChecks;
import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.internal.locks.AtomicityRisks;
import dev.rehearsal.core.internal.source.UndoFiles;
import dev.rehearsal.core.internal.sql.ScriptRunner;
import dev.rehearsal.core.db.GeneratedUndo;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.estimate.Estimate;
import dev.rehearsal.core.estimate.StatementEstimate;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.StatementTrace;
import dev.rehearsal.core.locks.LockLimits;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

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
    /** Whether the migration has no down script and is rehearsed by restoring a copy instead (see {@link Phase#RESTORE}). */
    private final boolean restoring;
    private DatabaseSession.RestorePoint restorePoint;
    private RehearsalException restorePointFailure;
    private boolean restored;
    /** The up's estimate at production volume, for budgets at production volume; null when there is none. */
    private VolumeEstimate productionEstimate;
    /** The part that runs this step on its own database, or null when it runs here. */
    private final Remote remote;
    /** Whether this step's phases are the part's (decided at the up: not when an earlier step blocked the rest). */
    private boolean servedByPart;
    /** Why this step blocked the remaining steps, or null. */
    private volatile String blockedRest;

    /**
     * Step {@code index} of a parallel part, which runs it on its own database: see
     * {@link MigrationRehearsal#roundTripSteps()}.
     */
    record Remote(ParallelPart part, int index) {
    }

    private static final Set<DataProblem.Kind> DATA_CHANGES = EnumSet.of(DataProblem.Kind.ROW_COUNT_CHANGED,
            DataProblem.Kind.UNTOUCHED_DATA_CHANGED, DataProblem.Kind.PARTIAL_BACKFILL);
    private static final Set<DataProblem.Kind> LOSSES = EnumSet.of(DataProblem.Kind.LOSSY_DOWN,
            DataProblem.Kind.DOWN_CHANGED_DATA);

    RoundTripStep(MigrationRehearsal rehearsal, Migration migration, DataSettings data, boolean last) {
        this(rehearsal, migration, data, last, null);
    }

    RoundTripStep(MigrationRehearsal rehearsal, Migration migration, DataSettings data, boolean last, Remote remote) {
        this.remote = remote;
        this.rehearsal = rehearsal;
        this.migration = migration;
        this.data = data;
        this.last = last;
        this.restoring = migration != null && !migration.reversible()
                && rehearsal.settings().irreversibleAllowance(migration) == null
                && rehearsal.settings().missingDown() == RehearsalSettings.MissingDown.RESTORE;
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
        return migration == null ? List.of(Phase.UP)
                : List.of(Phase.UP, restoring ? Phase.RESTORE : Phase.DOWN, Phase.UP_AGAIN);
    }

    /** Runs one phase. */
    public void run(Phase phase) {
        switch (phase) {
            case UP -> up();
            case DOWN -> down();
            case RESTORE -> restore();
            case UP_AGAIN -> upAgain();
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
            if (notes.isEmpty()) {
                return part;
            }
            List<String> all = new ArrayList<>();
            if (!part.note().isEmpty()) {
                all.add(part.note());
            }
            all.addAll(notes);
            return new StepResult(part.migration(), part.script(), part.phases(), String.join("; ", all), part.rows());
        }
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
        guard(Phase.UP, () -> {
            try {
                runUp();
            } finally {
                if (!upApplied) {
                    dropRestorePoint();
                }
            }
        });
    }

    /**
     * For a migration without a down script: brings back the database as it was before the up, from the copy kept
     * then, and checks there that a failure forced at the end of the up leaves nothing behind (that it is atomic).
     */
    public void restore() {
        guard(Phase.RESTORE, this::runRestore);
    }

    /** Reverts the migration with its down script; the schema must be exactly the one before the up. */
    public void down() {
        guard(Phase.DOWN, this::runDown);
    }

    /**
     * Applies the migration again, after its down script or on the restored copy; the schema must be exactly the one
     * the first up produced, and the data the same.
     */
    public void upAgain() {
        guard(Phase.UP_AGAIN, this::runUpAgain);
    }

    /** Records anything a phase throws that it did not record itself (a lost connection, a catalog query). */
    private void guard(Phase phase, Runnable body) {
        if (servedByPart(phase)) {
            return;
        }
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

    /**
     * Gives back what the part running this step recorded for {@code phase} (throwing what it threw); false when the
     * step runs here: it is not a part's, an earlier step blocked the rest (it is then skipped here, as in one run),
     * or the part could not start.
     */
    private boolean servedByPart(Phase phase) {
        if (remote == null) {
            return false;
        }
        if (phase == Phase.UP) {
            boolean started = remote.part().step(remote.index()).isPresent();
            servedByPart = rehearsal.state().blockedBy() == null && started;
            if (!started && remote.index() == 0) {
                remote.part().whyNotStarted().ifPresent(why -> notes.add("part " + remote.part().shard()
                        + " of the round trips could not start on a database of its own (" + why
                        + "), so its steps ran here, one after the other; rehearsal.parallel=1 runs every step here"));
            }
        }
        if (!servedByPart) {
            return false;
        }
        RoundTripStep own = remote.part().step(remote.index()).orElseThrow();
        try {
            remote.part().await(remote.index(), phase);
        } finally {
            if (own.blockedRest != null) {
                rehearsal.state().block(own.blockedRest);
            }
            if (phase == phases().get(phases().size() - 1)) {
                String failed = rehearsal.catchUpWithParts(this);
                if (failed != null) {
                    notes.add(failed);
                }
            }
        }
        return true;
    }

    /** Stops the remaining steps, for this reason, and remembers that this step did. */
    private void blockRest(String reason) {
        blockedRest = reason;
        rehearsal.state().block(reason);
    }

    private void runUp() {
        if (rehearsal.state().blockedBy() != null) {
            throw log.skip(Phase.UP, "not run: " + rehearsal.state().blockedBy());
        }
        MigrationVersion previous = migration == null
                ? rehearsal.history().latest().orElse(null)
                : rehearsal.history().previous(migration).map(Migration::version).orElse(null);
        try (ComponentEvent ignored = ComponentEvent.time("prepare")) {
            note = rehearsal.state().prepare(previous);
        } catch (RehearsalException e) {
            blockRest("the database could not be brought to the version before " + displayName()
                    + ": " + e.getMessage().lines().findFirst().orElse(""));
            throw log.fail(Phase.UP, Duration.ZERO, Duration.ZERO, e);
        }
        if (migration != null) {
            try (ComponentEvent ignored = ComponentEvent.time("estimate")) {
                productionEstimate = rehearsal.estimateForBudget(migration);
            } catch (RehearsalException e) {
                throw log.fail(Phase.UP, Duration.ZERO, Duration.ZERO, e);
            }
            if (productionEstimate != null) {
                notes.add("at production volume: " + productionEstimate.toText().lines().findFirst().orElse(""));
            }
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
        if (restoring) {
            try {
                restorePoint = rehearsal.keepRestorePoint();
            } catch (RehearsalException e) {
                restorePointFailure = e;
            }
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
                    // prepare() has just read that the database is at the previous version
                    rehearsal.upFrom(previous, migration.version());
                }
            });
        } catch (RehearsalException e) {
            blockRest(displayName() + " failed to apply");
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
        List<String> schemaFailures = new ArrayList<>();
        if (migration != null) {
            for (SchemaCheck check : rehearsal.schemaChecks()) {
                SchemaCheck.Outcome outcome;
                try (ComponentEvent ignored = ComponentEvent.time("checks.schema")) {
                    outcome = check.check(migration, afterUp, rehearsal.database().dialect());
                } catch (RehearsalException e) {
                    checks += System.nanoTime() - c0;
                    throw log.fail(Phase.UP, Duration.ofNanos(sql), Duration.ofNanos(checks), e);
                }
                notes.addAll(outcome.notes());
                if (outcome.isFailure()) {
                    schemaFailures.add(outcome.failure());
                }
            }
        }
        checks += System.nanoTime() - c0;
        if (!failures.isEmpty() || !schemaFailures.isEmpty()) {
            String message = String.join("\n\n", schemaFailures);
            if (!failures.isEmpty()) {
                message = (message.isEmpty() ? "" : message + "\n\n")
                        + DataChecks.describe(displayName() + " applied, but its data is wrong:", failures);
            }
            throw log.fail(Phase.UP, Duration.ofNanos(sql), Duration.ofNanos(checks), problems,
                    new RoundTripAssertionError(message));
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
        List<String> breaches = new ArrayList<>();
        if (phase == Phase.UP && productionEstimate != null) {
            breaches.addAll(productionBreaches(budget));
        }
        if (budget.limitsAnything() && report != LockReport.NONE) {
            breaches.addAll(budget.check(report));
        }
        if (!breaches.isEmpty()) {
            throw log.fail(phase, Duration.ofNanos(sql), Duration.ofNanos(checks), problems, new RoundTripAssertionError(
                    "The " + phase.label() + " of " + displayName() + " broke the lock budget:\n  - "
                            + String.join("\n  - ", breaches)));
        }
    }

    /** The budget's breaches by the estimate at production volume, each with the statement that costs most. */
    private List<String> productionBreaches(LockLimits budget) {
        var e = productionEstimate;
        List<String> breaches = new ArrayList<>();
        String at = String.format(Locale.ROOT, "at production volume (%,d rows): ", e.productionRows());
        if (budget.writes() != null && e.writesBlocked().likely().compareTo(budget.writes()) > 0) {
            breaches.add(at + "writes would wait " + e.writesBlocked() + ", over " + human(budget.writes()) + worst(
                    StatementEstimate::blocksWrites));
        }
        if (budget.reads() != null && e.readsBlocked().likely().compareTo(budget.reads()) > 0) {
            breaches.add(at + "reads would wait " + e.readsBlocked() + ", over " + human(budget.reads()) + worst(
                    StatementEstimate::blocksReads));
        }
        if (budget.accessExclusive() != null && e.readsBlocked().likely().compareTo(budget.accessExclusive()) > 0) {
            breaches.add(at + "ACCESS EXCLUSIVE would be held " + e.readsBlocked() + ", over "
                    + human(budget.accessExclusive()) + worst(StatementEstimate::blocksReads));
        }
        if (!breaches.isEmpty()) {
            for (var risk : e.risks()) {
                breaches.add("safer: " + risk.alternative() + " (" + risk.rule() + ")");
            }
        }
        return breaches;
    }

    private String worst(Predicate<StatementEstimate> counted) {
        return productionEstimate.costliest(counted).map(s -> "\n      most of it: " + s.toText()).orElse("");
    }

    private static String human(Duration d) {
        return Estimate.human(d);
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

    private void dropRestorePoint() {
        if (restorePoint != null) {
            rehearsal.discard(restorePoint);
            restorePoint = null;
        }
    }

    private void runRestore() {
        requireVersioned();
        if (!upApplied) {
            dropRestorePoint();
            throw log.skip(Phase.RESTORE, "not run: the up phase of " + displayName() + " did not apply");
        }
        if (restorePointFailure != null) {
            throw log.fail(Phase.RESTORE, Duration.ZERO, Duration.ZERO, restorePointFailure);
        }
        if (restorePoint == null) {
            throw log.skip(Phase.RESTORE, displayName() + " has no down script, and the database "
                    + rehearsal.database().name() + " cannot be copied (its provider's EphemeralDatabase.copy() gives none), so the state before its"
                    + " up cannot be restored to apply it again. Add a down script ("
                    + rehearsal.tool().expectedDownScript(migration) + "), or rehearse with a provider that copies"
                    + " databases (the embedded PostgreSQL, a named PostgreSQL or MariaDB server, a container).");
        }
        long c0 = System.nanoTime();
        DatabaseSession.RestorePoint point = restorePoint;
        restorePoint = null;
        try {
            try (ComponentEvent ignored = ComponentEvent.time("undo.generated")) {
                rehearseGeneratedUndo();
            }
            rehearsal.restore(point);
        } catch (RuntimeException e) {
            // the generated undo ran on the database, which no longer matches the tool's history
            rehearsal.discard(point);
            rehearsal.state().markDirty("the restore of " + displayName() + " failed");
            throw e;
        }
        rehearsal.state().markClean(beforeUp);
        restored = true;
        long checks = System.nanoTime() - c0;
        String notForced = whyNotForced();
        if (notForced != null) {
            notes.add("restore: " + notForced);
            log.pass(Phase.RESTORE, 0, checks);
            return;
        }
        c0 = System.nanoTime();
        Map<String, String> counters = rehearsal.counters();
        checks += System.nanoTime() - c0;
        long t0 = System.nanoTime();
        boolean forced;
        try (ComponentEvent ignored = ComponentEvent.time("restore.forced")) {
            forced = rehearsal.tool().applyFailingAtEnd(migration);
        } catch (RehearsalException e) {
            restored = false;
            rehearsal.state().markDirty(displayName() + " failed on the restored copy");
            throw log.fail(Phase.RESTORE, Duration.ofNanos(System.nanoTime() - t0), Duration.ofNanos(checks),
                    new RoundTripAssertionError(migration.displayName() + " applied the first time, but failed on a"
                            + " copy of the same database as it was before that up: it is not deterministic (it"
                            + " depends on the clock, on randomness or on something outside the database), so a"
                            + " retried deploy or another environment can fail the same way.\n" + e.getMessage(), e));
        }
        long sql = System.nanoTime() - t0;
        if (!forced) {
            notes.add("restore: atomicity not checked, as " + rehearsal.tool().getClass().getSimpleName()
                    + " cannot stop a migration at its end");
            log.pass(Phase.RESTORE, sql, checks);
            return;
        }
        c0 = System.nanoTime();
        rehearsal.scriptsRan(List.of(migration.up().sql()));
        SchemaSnapshot now = rehearsal.currentSchema();
        SchemaDiff left = beforeUp.diff(now);
        List<String> dataLeft = dataBeforeUp == null ? List.of()
                : dataBeforeUp.differences(rehearsal.fingerprint(now)).stream().map(d -> "data " + d).toList();
        if (left.isEmpty() && dataLeft.isEmpty()) {
            rehearsal.restoreCounters(counters);
        }
        checks += System.nanoTime() - c0;
        if (!left.isEmpty() || !dataLeft.isEmpty()) {
            restored = false;
            rehearsal.state().markDirty(displayName() + " left changes behind after the failure forced at its end");
            throw log.fail(Phase.RESTORE, Duration.ofNanos(sql), Duration.ofNanos(checks), new RoundTripAssertionError(
                    RoundTripMessages.notAtomic(migration, left, dataLeft, rehearsal.database().dialect())));
        }
        rehearsal.state().markClean(now);
        notes.add("restore: a failure forced at the end of " + displayName() + " left nothing behind");
        log.pass(Phase.RESTORE, sql, checks);
    }

    /**
     * Derives a down script from the catalog before and after the up and runs it on the database the up left (about
     * to be replaced by the restore point anyway): verified when the schema comes back exactly; the data it cannot
     * bring back is named. Notes say what happened; with {@code rehearsal.undo.write=true} a verified one is written
     * next to the up script. Never fails the phase: the script is a candidate, not the migration's own.
     */
    private void rehearseGeneratedUndo() {
        var dialect = rehearsal.database().dialect();
        GeneratedUndo undo = dialect.undo(beforeUp, afterUp);
        String yourself = " (write " + rehearsal.tool().expectedDownScript(migration) + " yourself if the migration"
                + " must be reversible)";
        if (!undo.unsupported().isEmpty()) {
            notes.add("generated undo: none, as " + String.join("; ", undo.unsupported()) + yourself);
            return;
        }
        if (undo.sql().isBlank()) {
            notes.add("generated undo: none, as " + displayName() + " changes no schema (only data, which a generated"
                    + " script cannot bring back)");
            return;
        }
        int count = dialect.split(undo.sql()).size();
        try (Connection c = rehearsal.database().dataSource().getConnection()) {
            ScriptRunner.run(c, dialect, "generated undo", migration,
                    "the generated undo of " + migration.up().name(), undo.sql(), conn -> { });
        } catch (MigrationFailedException e) {
            rehearsal.scriptsRan(null);
            notes.add("generated undo not verified: it failed, " + e.getMessage().lines().map(String::strip)
                    .filter(l -> !l.isEmpty()).limit(4).reduce((a, b) -> a + " / " + b).orElse("") + yourself);
            return;
        } catch (SQLException e) {
            notes.add("generated undo not verified: could not connect: " + e.getMessage());
            return;
        }
        rehearsal.scriptsRan(List.of(undo.sql()));
        SchemaSnapshot back = rehearsal.currentSchema();
        SchemaDiff diff = beforeUp.diff(back);
        if (!diff.isEmpty()) {
            notes.add("generated undo not verified: after it the schema still differs from the one before the up: "
                    + String.join(", ", diff.changes().stream().limit(4).map(SchemaChange::toString).toList())
                    + yourself);
            return;
        }
        // "customers.tier: 30 non-null, hash ..., then ..." names what did not come back before its colon
        List<String> lost = dataBeforeUp == null || !dataBeforeUp.hasData() ? List.of()
                : dataBeforeUp.differences(rehearsal.fingerprint(back)).stream()
                .map(d -> d.substring(0, d.indexOf(':') < 0 ? d.length() : d.indexOf(':'))).distinct().toList();
        String data = dataBeforeUp == null || !dataBeforeUp.hasData() ? "no rows to compare"
                : lost.isEmpty() ? "the data back" : "data not back (lossy): " + String.join(", ", lost);
        String note = "generated undo verified: " + count + " statement" + (count == 1 ? "" : "s")
                + ", the schema back exactly, " + data;
        if (rehearsal.settings().tool().writeUndo()) {
            String header = "-- Generated by Rehearsal from the schema before and after " + migration.up().name()
                    + ", and verified:\n-- run after it on " + (rows > 0 ? rows + " seeded rows" : "an empty database")
                    + ", it brought the schema back exactly" + (lost.isEmpty() ? "" : "; it cannot bring back the"
                    + " values of " + String.join(", ", lost) + ", which the up dropped or changed")
                    + ".\n-- Review it before you commit it.\n";
            note += "; " + UndoFiles.write(migration,
                    rehearsal.tool().expectedDownScript(migration), header, undo.sql(), System.getenv("CI"),
                    Path.of(""));
        }
        notes.add(note);
    }

    /**
     * Why no failure is forced at the end of the up, or null to force one: where its statements ran outside a
     * transaction each committed by itself (the rule non-atomic-script judges those), and where the engine commits DDL
     * at once a failure keeps the schema changes whatever the tool does.
     */
    private String whyNotForced() {
        var dialect = rehearsal.database().dialect();
        if (!dialect.rollsBackDdl() && !beforeUp.diff(afterUp).isEmpty()) {
            return "no failure forced at the end of " + displayName() + ": " + dialect.whyFailedMigrationsKeepChanges()
                    + "; keep each migration to one DDL statement, or make its statements safe to run twice";
        }
        List<StatementTrace> outside = log.locks(Phase.UP).statements().stream()
                .filter(st -> !st.inTransaction() && !AtomicityRisks.controlsTransaction(st.sql())).toList();
        List<SqlStatement> statements = dialect.split(migration.up().sql());
        boolean mustRunOutside = statements.stream().anyMatch(st -> dialect.mustRunOutsideTransaction(st.sql()));
        if (!outside.isEmpty() || mustRunOutside) {
            return "no failure forced at the end of " + displayName() + ": its statements ran outside a transaction,"
                    + " each committed by itself" + (statements.size() > 1
                    ? " (see the risk non-atomic-script)" : ", and one statement is applied whole or not at all");
        }
        return null;
    }

    /**
     * The version before this step's migration: where the down script that succeeded left the database (it wrote it
     * in its transaction), or the restored copy, taken when the database was there.
     */
    private MigrationVersion previousVersion() {
        return rehearsal.history().previous(migration).map(Migration::version).orElse(null);
    }

    private void runUpAgain() {
        requireVersioned();
        Phase back = restoring ? Phase.RESTORE : Phase.DOWN;
        if (restoring ? !restored : !downRan) {
            throw log.skip(Phase.UP_AGAIN, log.result(back).status() == Status.SKIPPED
                    ? "not run: " + log.result(back).message()
                    : "not run: the " + back.label() + " phase of " + displayName() + " did not run to its end");
        }
        long t0 = System.nanoTime();
        MigrationObserver.Observed observed;
        try {
            observed = rehearsal.observer().observe(migration, List.of(migration.up()), traffic(),
                    restoring ? beforeUp : afterDown, false, () -> rehearsal.upFrom(previousVersion(), migration.version()));
        } catch (RehearsalException e) {
            tracedFailure(Phase.UP_AGAIN, e);
            rehearsal.state().markDirty(displayName() + " could not be applied again");
            RoundTripAssertionError error = new RoundTripAssertionError(migration.displayName() + (restoring
                    ? " cannot be applied again to a copy of the database it first applied to: it is not deterministic"
                    + " (it depends on the clock, on randomness or on something outside the database)."
                    : " cannot be applied again after its down script ran: the down script probably left something behind"
                    + " that the up script then trips over.") + "\n" + e.getMessage(), e);
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
                    new RoundTripAssertionError(RoundTripMessages.notReproduced(migration, diff, restoring)));
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
                    new RoundTripAssertionError(DataChecks.describe((restoring
                            ? "Applied again to a copy of the database it first applied to, "
                            : "Applied again after its down script, ")
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
