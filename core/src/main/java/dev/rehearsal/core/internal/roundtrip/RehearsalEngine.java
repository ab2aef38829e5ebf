package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.CoreRuntime;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.NewMigrations;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.SchemaCheck;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.Invariant;
import dev.rehearsal.core.data.QueryResult;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.internal.data.SeedHints;
import dev.rehearsal.core.internal.data.SeedTables;
import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.internal.helper.ToolWrittenRows;
import dev.rehearsal.core.internal.queries.TrafficPlan;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The engine behind {@code MigrationRehearsal}: one history on one throwaway database, its session, the state of the
 * round trips, the data workbench, the invariants and checks the caller added, moves between versions, and the
 * current {@link RoundTripPlan}. Not thread-safe: one rehearsal per test.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RehearsalEngine implements CoreRuntime.Backend {


    private final RehearsalSettings settings;
    private final MigrationSource source;
    private final DatabaseProvider provider;
    private final DatabaseSession session;
    private final RoundTripState state;
    private final MigrationObserver observer;
    private final Invariants invariants;
    private final DataWorkbench data;
    private final ProductionBudgets budgets;
    private final ReleasedTables released;
    private final List<SchemaCheck> schemaChecks = new ArrayList<>();
    private final RoundTripPlan plan;
    /** The data settings of the round trips planned from now on: the settings', or {@link #seedEachStep}'s. */
    private DataSettings stepData;
    private int seedings;
    /** The seed hints of each up script, read at the first seeding. */
    private SeedHints.PerScript hintsPerScript;
    /**
     * Whether the caller may have changed the database outside the round trips (its data source handed out, rows
     * inserted, a migration run): the round trips then run here, one part, since a part's database would not have
     * those changes.
     */
    private boolean changedByCaller;

    RehearsalEngine(RehearsalSettings settings, MigrationSource source, DatabaseProvider provider,
                            EphemeralDatabase database) {
        this.settings = settings;
        this.source = source;
        this.provider = provider;
        this.stepData = settings.data();
        this.session = new DatabaseSession(settings, source, provider, database);
        this.state = new RoundTripState(session);
        this.released = new ReleasedTables(this::history);
        this.observer = new MigrationObserver(settings, session, state, released);
        this.invariants = new Invariants(session.connections());
        this.data = new DataWorkbench(this::database, session.connections(), session::ownConnection,
                this::currentSchema, this::versionText, this::hintsFromLaterMigrations, settings.data());
        this.budgets = new ProductionBudgets(this);
        this.plan = new RoundTripPlan(this);
        if (plan.runningApplication().playsTraffic()) {
            session.playApplication(new TrafficPlan(plan.runningApplication(), session.database().dialect()));
        }
        SeedTables.check(settings.data().roundTripSeeds(), history());
    }

    public RehearsalSettings settings() {
        return settings;
    }

    MigrationSource source() {
        return source;
    }

    DatabaseProvider provider() {
        return provider;
    }

    public MigrationHistory history() {
        return session.tool().history();
    }

    public MigrationTool tool() {
        return session.tool();
    }

    public EphemeralDatabase database() {
        return session.database();
    }

    public String describeSource() {
        return session.describeSource();
    }

    public String describeProvider() {
        return provider.describe();
    }

    /** Connections following the database; the caller may change it from now on. */
    public DataSource dataSource() {
        changedByCaller = true;
        return session.connections();
    }

    public Optional<MigrationVersion> currentVersion() {
        return session.currentVersion();
    }

    /** The schema now, read in full. */
    public SchemaSnapshot fullSchema() {
        return session.fullSchema();
    }

    /** The schema now, patched from the last read where the engine can tell what changed. */
    public SchemaSnapshot currentSchema() {
        return session.schema();
    }

    public SchemaSnapshot scratchSchema(MigrationVersion version) {
        return ScratchSchemas.at(provider, source, version);
    }

    RoundTripState state() {
        return state;
    }

    MigrationObserver observer() {
        return observer;
    }

    RoundTripPlan plan() {
        return plan;
    }

    DataSettings stepData() {
        return stepData;
    }

    /** The probe traffic of the settings: probes, or none. */
    public Traffic traffic() {
        return settings.locks().probes() ? Traffic.probes() : Traffic.none();
    }

    void upFrom(MigrationVersion current, MigrationVersion target) {
        session.upFrom(current, target);
    }

    void scriptsRan(List<String> scripts) {
        session.scriptsRan(scripts);
    }

    // ---- checks ----

    public void checkEachUp(SchemaCheck check) {
        schemaChecks.add(Objects.requireNonNull(check, "check"));
    }

    List<SchemaCheck> schemaChecks() {
        return List.copyOf(schemaChecks);
    }

    /** Why schema reads are full ones where they could be patched, once; else null. */
    String schemaReadsNote() {
        return session.schemaReadsNote();
    }

    /** Null when a full read equals {@code patched} (or every read was a full one), else the message. */
    String missedByPatchedReads(SchemaSnapshot patched) {
        if (!session.patchesSchemaReads()) {
            return null;
        }
        SchemaDiff missed = patched.diff(session.fullSchema());
        if (missed.isEmpty()) {
            return null;
        }
        return "Rehearsal read the schema in parts (only what each migration changed), and those reads missed a change"
                + " that a full read of the catalog shows at the end of the round trips:\n" + missed
                + "\nThis is a bug in Rehearsal; please report it with the migrations that produced it. Until it is fixed,"
                + " rehearsal.schema.patched-reads=false (RehearsalSettings.withPatchedSchemaReads(false)) reads the"
                + " whole catalog every time.";
    }

    ProductionBudgets budgets() {
        return budgets;
    }

    @Override
    public VolumeEstimate estimate(Migration migration, ProductionVolumes volumes, EstimateSettings estimateSettings) {
        return budgets.estimate(migration, volumes, estimateSettings);
    }

    @Override
    public List<VolumeEstimate> estimate(MigrationRun run, ProductionVolumes volumes, EstimateSettings estimateSettings) {
        return budgets.estimate(run, volumes, estimateSettings);
    }

    /** Whether the findings of the migration with this display name fail its phase, or are only reported. */
    boolean judged(String migration) {
        return released.judged(migration);
    }

    @Override
    public void production(Supplier<NewMigrations> judged, ProductionVolumes volumes) {
        released.judging(judged);
        released.volumes(volumes);
    }

    @Override
    public void budgetsAtProductionVolume(ProductionVolumes volumes, EstimateSettings estimateSettings) {
        budgets.budgetsAt(volumes, estimateSettings);
    }

    public List<VolumeEstimate> productionEstimates() {
        return budgets.made();
    }

    VolumeEstimate estimateForBudget(Migration m) {
        return budgets.estimateForBudget(m);
    }

    // ---- data ----

    /** Seeds every table now with {@code rowsPerTable} rows, or the tables the overrides name. */
    public SeedResult seed(Map<String, Long> rows, List<TableSeed> overrides) {
        changedByCaller = true;
        return data.seed(rows, overrides, false, "seed#" + (++seedings));
    }

    /** Seeds the tables {@code seeds} name, each with its rows or {@link TableSeed#DEFAULT_ROWS}. */
    public SeedResult seedTables(List<TableSeed> seeds) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (TableSeed seed : seeds) {
            rows.put(seed.tableName(), seed.requestedRows().orElse(TableSeed.DEFAULT_ROWS));
        }
        return seed(rows, seeds);
    }

    /**
     * Seeds for a volume estimate: without boundary values, which an estimate would only trip over (it measures how
     * long statements take, while the round trips judge what the values do).
     */
    SeedResult seedForEstimate(List<TableSeed> seeds) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (TableSeed seed : seeds) {
            rows.put(seed.tableName(), seed.requestedRows().orElse(TableSeed.DEFAULT_ROWS));
        }
        changedByCaller = true;
        return data.seed(rows, seeds, false, "seed#" + (++seedings), false);
    }

    /** Every table of the schema now, each with {@code rows}. */
    public Map<String, Long> everyTable(long rows) {
        Map<String, Long> all = new LinkedHashMap<>();
        for (String table : TableModel.all(currentSchema()).keySet()) {
            all.put(table, rows);
        }
        return all;
    }

    public void seedEachStep(long rows, TableSeed... overrides) {
        stepData = settings.data().withRoundTripSeeding(rows, overrides);
    }

    SeedResult topUp(Collection<String> tables, long rows, List<TableSeed> overrides, String salt) {
        try (ComponentTiming ignored = ComponentTiming.time("data.seed")) {
            return data.topUp(tables, rows, overrides, salt);
        }
    }

    /**
     * What the migrations not applied yet say about the data (later casts, enums, CHECK lists, foreign keys), so that
     * seeded rows stay the kind of rows the application keeps.
     */
    private SeedHints hintsFromLaterMigrations() {
        Optional<MigrationVersion> now = session.currentVersion();
        List<Migration> versioned = history().versioned();
        if (hintsPerScript == null) {
            hintsPerScript = SeedHints.PerScript.of(versioned.stream().map(m -> m.up().sql()).toList());
        }
        int first = 0;
        while (now.isPresent() && first < versioned.size() && versioned.get(first).version().compareTo(now.get()) <= 0) {
            first++;
        }
        return hintsPerScript.from(first);
    }

    /**
     * The fingerprint the data checks compare: the data now, less the tables whose rows the tool writes itself
     * ({@link ToolWrittenRows}).
     */
    public DataFingerprint checkedFingerprint(SchemaSnapshot snapshot) {
        return ToolWrittenRows.leftOut(tool(), fingerprint(snapshot));
    }

    /** Every table's fingerprint, the tool's own rows included. */
    @Override
    public DataFingerprint fingerprint(SchemaSnapshot snapshot) {
        try (ComponentTiming ignored = ComponentTiming.time("data.fingerprint")) {
            return data.fingerprint(snapshot);
        }
    }

    public long count(String query) {
        return data.count(query);
    }

    public List<DataProblem> integrityProblems(SchemaSnapshot snapshot) {
        try (ComponentTiming ignored = ComponentTiming.time("data.integrity")) {
            return data.integrityProblems(snapshot);
        }
    }

    public void invariant(Invariant invariant) {
        invariants.add(invariant);
    }

    public List<Invariant> invariants() {
        return invariants.all();
    }

    Map<Invariant, String> evaluateInvariants() {
        return invariants.evaluate();
    }

    List<DataProblem> brokenInvariants(Map<Invariant, String> before, String what) {
        return invariants.broken(before, what);
    }

    public void insert(String table, List<? extends Map<String, ?>> rows) {
        changedByCaller = true;
        data.insertRows(table, rows, "rehearsal.insert(\"" + table + "\", ...)");
    }

    public void loadFixture(String location) {
        changedByCaller = true;
        data.loadFixture(location);
    }

    public QueryResult query(String sql, Object... parameters) {
        changedByCaller = true; // a query may write
        return data.query(sql, parameters);
    }

    boolean changedByCaller() {
        return changedByCaller;
    }

    private String versionText() {
        return session.currentVersion().map(v -> "version " + v).orElse("the empty database (no migration applied)");
    }

    // ---- moves ----

    /** Moves the database to version {@code to} (null: the empty database), and the repeatables when {@code latest}. */
    @Override
    public MigrationRun moveTo(MigrationVersion to, boolean latest, Traffic traffic) {
        changedByCaller = true;
        return new VersionMove(session, state, observer, invariants, settings).run(to, latest, traffic);
    }

    /** The base a pull request's new migrations are rehearsed over: see {@link ReleasedBase}. */
    @Override
    public CoreRuntime.BaseReached applyReleased(MigrationVersion target, boolean keep) {
        return ReleasedBase.apply(session, state, target, keep);
    }

    // ---- restore points ----

    /** The session on the database, for the counters a rollback does not take back. */
    DatabaseSession session() {
        return session;
    }

    /** A copy of the database as it is now, or null where it cannot be copied quickly (see {@link DatabaseSession}). */
    DatabaseSession.RestorePoint keepRestorePoint() {
        try (ComponentTiming ignored = ComponentTiming.time("restore.keep")) {
            return session.keepRestorePoint();
        }
    }

    void discard(DatabaseSession.RestorePoint point) {
        session.discard(point);
    }

    /** Brings back the database the restore point copied; the current one is dropped. */
    void restore(DatabaseSession.RestorePoint point) {
        try (ComponentTiming ignored = ComponentTiming.time("restore.switch")) {
            session.restore(point);
            data.forgetFingerprint(); // a rollback brings back values without new row versions (a dropped column's)
        }
    }

    // ---- round trips ----

    /** A new plan of the round trips from the version now; see {@code MigrationRehearsal.roundTripSteps()}. */
    public List<StepRunner> roundTripSteps() {
        return plan.create();
    }

    /** How many parts the last plan runs in. */
    public int parallelParts() {
        return plan.parts();
    }

    /** The steps of the last plan. */
    public List<StepRunner> steps() {
        return plan.steps();
    }

    /** Drops the databases, and ends what the source started for this rehearsal (Alembic's helper process). */
    @Override
    public void close() {
        try (session) { // its databases go even when a part's close failed, its failure added to the part's
            plan.close();
        } finally {
            EngineStart.end(source, null);
        }
    }
}
