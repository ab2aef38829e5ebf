package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.SchemaCheck;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.Invariant;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.internal.checks.PhaseContext;
import dev.rehearsal.core.internal.queries.RunningApplication;
import dev.rehearsal.core.internal.retry.ReportedUp;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One round-trip step as its phases and checks see it: the migration, what the up found and left ({@link UpOutcome}),
 * the schema the database is back at after the down or the restore, the phase that ran last with the schema and lock
 * report it left, the step's notes, and the checks' store.
 */
final class StepContext implements PhaseContext {

    /** What the up found before it ran and left after it: the schemas and the data's fingerprint before it. */
    record UpOutcome(SchemaSnapshot beforeUp, SchemaSnapshot afterUp, DataFingerprint dataBeforeUp) {
    }

    final RehearsalEngine engine;
    final Migration migration;
    final DataSettings data;
    final boolean last;
    final boolean restoring;
    final PhaseLog log;
    final List<String> notes = new ArrayList<>();
    private final Map<Key<?>, Object> store = new IdentityHashMap<>();
    private SchemaSnapshot beforeUp;
    private DataFingerprint dataBeforeUp;
    private UpOutcome up;
    private SchemaSnapshot backBeforeUp;
    private Phase phase = Phase.UP;
    private SchemaSnapshot after;
    private DatabaseSession.RestorePoint restorePoint;
    private ReportedUp reportedUp;
    private RehearsalException restorePointFailure;

    StepContext(RehearsalEngine engine, Migration migration, DataSettings data, boolean last, boolean restoring,
                List<Phase> phases) {
        this.engine = engine;
        this.migration = migration;
        this.data = data;
        this.last = last;
        this.restoring = restoring;
        this.log = new PhaseLog(phases);
    }

    // ---- what the phases record ----

    /** The schema and data before the up, read once the database is at the version before the migration. */
    void startingPoint(SchemaSnapshot schema, DataFingerprint fingerprint) {
        beforeUp = schema;
        dataBeforeUp = fingerprint;
    }

    /** The up applied, leaving {@code schema}. */
    void upApplied(SchemaSnapshot schema) {
        up = new UpOutcome(beforeUp, schema, dataBeforeUp);
    }

    /** What the up found and left; empty when it did not apply. */
    Optional<UpOutcome> up() {
        return Optional.ofNullable(up);
    }

    /** The down or the restore brought the database back to the version before the migration, with this schema. */
    void backBeforeUp(SchemaSnapshot schema) {
        backBeforeUp = schema;
    }

    /** The schema the down or the restore left, ready for up again; empty when neither ran to its end. */
    Optional<SchemaSnapshot> backBeforeUp() {
        return Optional.ofNullable(backBeforeUp);
    }

    /** The phase that ran, and the schema it left, for the checks after it. */
    void ran(Phase phase, SchemaSnapshot after) {
        this.phase = phase;
        this.after = after;
    }

    /**
     * Keeps the state before the up, for the restore: a transaction held open across the up and its checks where the
     * migration runs in one and no production estimate needs copies of the database, else a copy of it; remembers why
     * when it cannot.
     */
    void keepRestorePoint() {
        try {
            if (!engine.budgets().on() && engine.session().canHoldTransaction(migration)) {
                try (ComponentTiming ignored = ComponentTiming.time("restore.hold")) {
                    restorePoint = engine.session().holdTransaction();
                }
            } else {
                restorePoint = engine.keepRestorePoint();
            }
        } catch (RehearsalException e) {
            restorePointFailure = e;
        }
    }

    /** The up's statements as the tool's helper reported them, for the retry phase; null where none were recorded. */
    ReportedUp reportedUp() {
        return reportedUp;
    }

    void reportedUp(ReportedUp up) {
        this.reportedUp = up;
    }

    /**
     * Keeps a copy of the database before the up for the retry phase of a migration with a down script: where a retry
     * leaves the database elsewhere, it comes back from there, and the up again runs as usual.
     */
    void keepRetryCopy() {
        try {
            restorePoint = engine.keepRestorePoint();
        } catch (RehearsalException e) {
            restorePointFailure = e;
        }
    }

    /** The copy kept before the up, now the restore's to use or drop; null when there is none. */
    DatabaseSession.RestorePoint takeRestorePoint() {
        DatabaseSession.RestorePoint point = restorePoint;
        restorePoint = null;
        return point;
    }

    /** Why no copy could be kept before the up, or null. */
    RehearsalException restorePointFailure() {
        return restorePointFailure;
    }

    /** Drops the copy kept before the up, if it is still there (the up failed, or the rehearsal ends). */
    void dropRestorePoint() {
        DatabaseSession.RestorePoint point = takeRestorePoint();
        if (point != null) {
            engine.discard(point);
        }
    }

    /** Rows in the database before the up (0 when data is not checked). */
    long rows() {
        return dataBeforeUp == null ? 0 : dataBeforeUp.totalRows();
    }

    // ---- PhaseContext ----

    @Override
    public Phase phase() {
        return phase;
    }

    @Override
    public Optional<Migration> migration() {
        return Optional.ofNullable(migration);
    }

    @Override
    public String displayName() {
        return migration == null ? "repeatable migrations" : migration.displayName();
    }

    @Override
    public RehearsalSettings settings() {
        return engine.settings();
    }

    @Override
    public DataSettings data() {
        return data;
    }

    @Override
    public boolean restoring() {
        return restoring;
    }

    @Override
    public boolean lastStep() {
        return last;
    }

    @Override
    public Dialect dialect() {
        return engine.database().dialect();
    }

    @Override
    public SchemaSnapshot beforeUp() {
        return beforeUp;
    }

    @Override
    public SchemaSnapshot afterUp() {
        return up == null ? null : up.afterUp();
    }

    @Override
    public SchemaSnapshot after() {
        return after;
    }

    @Override
    public LockReport locks() {
        return log.locks(phase);
    }

    @Override
    public DataFingerprint dataBeforeUp() {
        return dataBeforeUp;
    }

    @Override
    public DataFingerprint fingerprint(SchemaSnapshot schema) {
        return engine.checkedFingerprint(schema);
    }

    @Override
    public List<DataProblem> integrityProblems(SchemaSnapshot schema) {
        return engine.integrityProblems(schema);
    }

    @Override
    public long count(String query) {
        return engine.count(query);
    }

    @Override
    public Map<Invariant, String> evaluateInvariants() {
        return engine.evaluateInvariants();
    }

    @Override
    public List<DataProblem> brokenInvariants(Map<Invariant, String> before, String what) {
        return engine.brokenInvariants(before, what);
    }

    @Override
    public List<SchemaCheck> schemaChecks() {
        return engine.schemaChecks();
    }

    @Override
    public String missedByPatchedReads(SchemaSnapshot patched) {
        return engine.missedByPatchedReads(patched);
    }

    @Override
    public VolumeEstimate estimateAtProductionVolume(Migration m) {
        return engine.estimateForBudget(m);
    }

    @Override
    public long seed(Collection<String> tables, String when) {
        SeedResult seeded = engine.topUp(tables, data.roundTripRows(), data.roundTripSeeds(), displayName() + "/" + when);
        if (seeded.totalRows() > 0) {
            // keys linked across time change what later joins find: worth a line in the report
            List<String> links = seeded.notes().stream().filter(n -> n.contains(" seeded before ")).toList();
            notes.add("seeded " + seeded.totalRows() + " rows " + when + " the up"
                    + (links.isEmpty() ? "" : " (" + String.join("; ", links) + ")"));
        }
        // the seeder's shortfall, not the migration's: named once, where it happened, and the round trip goes on
        seeded.shortfalls().forEach(s -> notes.add("seeding: " + s));
        return seeded.totalRows();
    }

    @Override
    public SchemaSnapshot schemaNow() {
        engine.state().invalidate();
        return engine.state().cleanSnapshot();
    }

    @Override
    public Connection connection() {
        try {
            return engine.session().ownConnection();
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to the rehearsal database: "
                    + e.getSQLState() + " " + e.getMessage(), e);
        }
    }

    @Override
    public RunningApplication runningApplication() {
        return engine.plan().runningApplication();
    }

    @Override
    public void note(String note) {
        notes.add(note);
    }

    @Override
    public <T> Optional<T> get(Key<T> key) {
        @SuppressWarnings("unchecked")
        T value = (T) store.get(key);
        return Optional.ofNullable(value);
    }

    @Override
    public <T> void put(Key<T> key, T value) {
        store.put(key, value);
    }
}
