package dev.rehearsal.core;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.Migration;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.Invariant;
import dev.rehearsal.core.data.QueryResult;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The core entry point: one project's migration history rehearsed on one throwaway database. Moves the database
 * between versions ({@link #migrateTo(String)}), reads its schema ({@link #schema()}), and plans round trips
 * ({@link #roundTripSteps()}) that apply each migration up, down and up again and check that down leaves no trace
 * and that re-applying reproduces the schema. With data present ({@link #seed(long, TableSeed...)}, {@link #insert},
 * fixtures) round trips also check that no data is lost or changed by accident, and {@link #invariant user
 * invariants} hold. Not thread-safe: one rehearsal per test.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class MigrationRehearsal implements AutoCloseable {

    /** Migrations per part at least, when a plan runs in parallel parts. */
    static final int MIGRATIONS_PER_PART = RehearsalSettings.MIGRATIONS_PER_PART;

    private final CoreRuntime.Backend engine;
    private List<RoundTripStep> plan = List.of();

    private MigrationRehearsal(CoreRuntime.Backend engine) {
        this.engine = engine;
    }

    /** A rehearsal on the JVM's shared embedded PostgreSQL server. */
    public static MigrationRehearsal start(RehearsalSettings settings) {
        return start(settings, DatabaseProviders.embeddedPostgres(), Thread.currentThread().getContextClassLoader());
    }

    /**
     * A rehearsal of the migrations {@code settings} names, on a fresh database from {@code provider}.
     *
     * @throws RehearsalException when the migrations cannot be read (nothing is left behind)
     */
    public static MigrationRehearsal start(RehearsalSettings settings, DatabaseProvider provider, ClassLoader classLoader) {
        // the database is created while the history is found and read
        return new MigrationRehearsal(CoreRuntime.get().start(settings,
                () -> MigrationSources.detect(settings, classLoader), provider));
    }

    /** A rehearsal of an explicit source, on a fresh database from {@code provider}. */
    public static MigrationRehearsal start(RehearsalSettings settings, MigrationSource source, DatabaseProvider provider) {
        return new MigrationRehearsal(CoreRuntime.get().start(settings, () -> source, provider));
    }

    /** The settings this rehearsal runs with. */
    public RehearsalSettings settings() {
        return engine.settings();
    }

    /** The migrations, in order. */
    public MigrationHistory history() {
        return engine.history();
    }

    /**
     * The versioned migration that {@code target} names, as {@link #migrateTo(String)} reads it: a version, an id,
     * or the tool's own names for it (a Liquibase tag or {@code author:id}).
     *
     * @throws RehearsalException naming the versions that exist when there is none
     */
    public Migration migration(String target) {
        return engine.tool().migration(target);
    }

    /** The throwaway database in use now (it changes when a failed round trip forces a rebuild). */
    public EphemeralDatabase database() {
        return engine.database();
    }

    /** Connections to the rehearsal's database, following it if a rebuild replaces it. */
    public DataSource dataSource() {
        return engine.dataSource();
    }

    /** The highest migration applied, per the migration tool's history table. */
    public Optional<MigrationVersion> currentVersion() {
        return engine.currentVersion();
    }

    /** The database's schema now, without the migration tool's history table, read in full from the catalog. */
    public SchemaSnapshot schema() {
        return engine.fullSchema();
    }

    /**
     * The schema at {@code version}, read from a scratch database of the same provider that the migration tool takes
     * up to that version; this rehearsal's own database is not touched. {@code "latest"} is the last version.
     *
     * @throws RehearsalException       when the history has no such version
     * @throws MigrationFailedException when a migration up to it fails
     */
    public SchemaSnapshot schemaAt(String version) {
        MigrationHistory history = engine.history();
        MigrationVersion target = "latest".equalsIgnoreCase(version) ? history.latest().orElseThrow(() ->
                new RehearsalException("The history has no migrations, so there is no latest schema"))
                : engine.tool().migration(version).version();
        return engine.scratchSchema(target);
    }

    /** The schema at exactly this version, as {@link #schemaAt(String)} reads it. */
    public SchemaSnapshot schemaAt(MigrationVersion version) {
        return engine.scratchSchema(find(version).version());
    }

    /**
     * Adds a check of the schema every round trip's up leaves (golden files): its failure fails that up phase, its
     * notes go into the report.
     */
    public MigrationRehearsal checkEachUp(SchemaCheck check) {
        engine.checkEachUp(check);
        return this;
    }

    /**
     * Adds {@code rowsPerTable} realistic rows to every table, parents first, in one transaction; {@code overrides}
     * change how some tables or columns are filled (and may set other row counts).
     *
     * @throws dev.rehearsal.core.data.SeedException naming the table, column or constraint that could not be
     *                                               satisfied; nothing of the seeding is left in the database
     */
    public SeedResult seed(long rowsPerTable, TableSeed... overrides) {
        return engine.seed(engine.everyTable(rowsPerTable), Arrays.asList(overrides));
    }

    /**
     * Adds rows to the tables the seeds name ({@link TableSeed#DEFAULT_ROWS} where a seed sets no count), and to empty
     * tables they reference.
     */
    public SeedResult seed(TableSeed... seeds) {
        return engine.seedTables(Arrays.asList(seeds));
    }

    /**
     * Makes the round trips planned from now on top every table up to {@code rows} before each step (and fill the
     * tables a step creates after its up), with these per-table overrides. Returns this rehearsal.
     */
    public MigrationRehearsal seedEachStep(long rows, TableSeed... overrides) {
        engine.seedEachStep(rows, overrides);
        return this;
    }

    /** The data's fingerprint now: per table the row count and per column a hash of its values. */
    public DataFingerprint fingerprint() {
        return engine.fingerprint(schema());
    }

    /**
     * Integrity problems of the data now: invalid indexes, NOT VALID constraints that rows violate, foreign keys that
     * point at nothing, sequences behind their column's maximum.
     */
    public List<DataProblem> integrityProblems() {
        return engine.integrityProblems(schema());
    }

    /**
     * Registers a query whose result every step must keep: round-trip phases and {@link #migrateTo} compare it
     * before and after. Returns this rehearsal.
     */
    public MigrationRehearsal invariant(String name, String sql) {
        engine.invariant(new Invariant(name, sql));
        return this;
    }

    /** The registered invariants. */
    public List<Invariant> invariants() {
        return engine.invariants();
    }

    /** Inserts one row: column names to values (numbers, strings, booleans, dates, lists for arrays, maps for JSON). */
    public void insert(String table, Map<String, ?> row) {
        insert(table, List.of(row));
    }

    /**
     * Inserts rows into a table, checking the names against the schema first. Identity columns accept explicit
     * values, and their sequences move past them.
     *
     * @throws RehearsalException naming an unknown table or column, or the row the database refused
     */
    public void insert(String table, List<? extends Map<String, ?>> rows) {
        engine.insert(table, rows);
    }

    /**
     * Loads a fixture file into the database as it is now: YAML or JSON mapping tables to rows, or a CSV file named
     * after its table. Tables are loaded in file order (put parents first).
     */
    public void loadFixture(String location) {
        engine.loadFixture(location);
    }

    /**
     * Runs a query and reads all its rows; {@code parameters} bind to {@code ?} placeholders (without parameters the
     * SQL goes as written, so operators such as jsonb's {@code ?} work).
     */
    public QueryResult query(String sql, Object... parameters) {
        return engine.query(sql, parameters);
    }

    /**
     * Moves the database to {@code target}: applies the migrations up to it, or reverts those above it with their
     * down scripts. {@code "latest"} applies every versioned migration and then the repeatable ones; {@code "base"}
     * reverts everything.
     *
     * @throws MigrationFailedException when a script fails, naming migration, script, line and SQLState
     * @throws RehearsalException       when the version does not exist or a migration to revert has no down script
     */
    public MigrationRun migrateTo(String target) {
        return migrateTo(target, engine.traffic());
    }

    /**
     * Moves the database to exactly this version, as {@link #migrateTo(String)} does; for callers that hold a
     * {@link Migration}, whose version is not always a name the tool reads alone (a Liquibase position where
     * changeset ids are numbers).
     */
    public MigrationRun migrateTo(MigrationVersion version) {
        return engine.moveTo(find(version).version(), false, engine.traffic());
    }

    /**
     * Moves the database to {@code target} as {@link #migrateTo(String)} does, with this application traffic
     * running meanwhile; the run's {@link MigrationRun#locks()} tells what the traffic felt.
     * {@code Traffic.probes().behindLongTransaction(ofMillis(500))} rehearses the lock queue.
     *
     * @throws MigrationFailedException when a script fails (or is stopped at the migration timeout); its
     *                                  {@link MigrationFailedException#locks()} holds the trace up to the failure
     */
    public MigrationRun migrateTo(String target, Traffic traffic) {
        boolean latest = "latest".equalsIgnoreCase(target) || "head".equalsIgnoreCase(target);
        boolean base = "base".equalsIgnoreCase(target);
        return engine.moveTo(latest ? engine.history().latest().orElseThrow() : base ? null
                : engine.tool().migration(target).version(), latest, traffic);
    }

    /**
     * What migration {@code target} will take at production volume: rehearsed at {@link EstimateSettings#DEFAULTS}'s
     * sizes on the tables {@code volumes} names, fitted and extrapolated per statement. Leaves the database at the
     * version before {@code target} (reached with ups only from an earlier one), with the rows it had: the seeding
     * and the runs happen on copies. See {@code docs/estimates.md}.
     *
     * @throws RehearsalException when no declared table exists before the migration, the engine cannot copy databases,
     *                            or the migration fails at one of the sizes (named)
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public VolumeEstimate estimate(String target, ProductionVolumes volumes) {
        return estimate(target, volumes, EstimateSettings.DEFAULTS);
    }

    /** As {@link #estimate(String, ProductionVolumes)}, with other sizes, repeats or time budget. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public VolumeEstimate estimate(String target, ProductionVolumes volumes, EstimateSettings estimateSettings) {
        return engine.estimate(migration(target), volumes, estimateSettings);
    }

    /**
     * Makes the round trips check the lock budget ({@code LockSettings.budget}) at production volume too: before the
     * up of each migration whose up script names a table with a volume that exists before it, the migration is
     * estimated ({@link #estimate(String, ProductionVolumes, EstimateSettings)}, on copies), and its up fails when
     * the estimated waits of writes or reads, or the time reads are blocked (ACCESS EXCLUSIVE), break the budget.
     * Returns this rehearsal.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public MigrationRehearsal budgetsAtProductionVolume(ProductionVolumes volumes, EstimateSettings estimateSettings) {
        engine.budgetsAtProductionVolume(volumes, estimateSettings);
        return this;
    }

    /**
     * What production has, for the risk rules: which migrations a change adds ({@link NewMigrations}, asked once when
     * a risk is first judged), so that the tables the migrations before them created are production's and are judged
     * as tables with rows at any rehearsed size; and the declared production volumes, under
     * {@link dev.rehearsal.core.locks.ProductionTables#SMALL} rows of which a table is small and no risk. Without it,
     * every table an earlier migration created counts as production's. Returns this rehearsal.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public MigrationRehearsal production(Supplier<NewMigrations> judged, ProductionVolumes volumes) {
        engine.production(judged, volumes);
        return this;
    }

    /**
     * The estimates at production volume the round trips made so far: once {@link #budgetsAtProductionVolume} gave
     * volumes, each up whose script names a table with a volume is estimated before it runs (and its lock budget, if
     * any, checked against the estimate). For {@link dev.rehearsal.core.report.ReportWriter#withEstimates}.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public List<VolumeEstimate> productionEstimates() {
        return engine.productionEstimates();
    }

    /**
     * What the migrations a run applied will take at production volume: each one whose up script names a table with
     * a volume that exists before it, estimated as {@link #estimate(String, ProductionVolumes, EstimateSettings)}
     * does; the others are left out. The estimates start from the version before the run (reached again by a fresh
     * database when the run is already applied, without the rows a test added), and the database is put back as it
     * is now, rows included. Empty when no migration of the run works on such a table.
     *
     * @throws RehearsalException when the run went down, or as {@link #estimate(String, ProductionVolumes,
     *                            EstimateSettings)}
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public List<VolumeEstimate> estimate(MigrationRun run, ProductionVolumes volumes, EstimateSettings estimateSettings) {
        return engine.estimate(run, volumes, estimateSettings);
    }

    /** Applies the next migration. */
    public MigrationRun migrateUp() {
        MigrationVersion from = engine.currentVersion().orElse(null);
        Migration next = engine.history().between(from, null).stream().findFirst().orElseThrow(() ->
                new RehearsalException("No migration left to apply: the database is at the latest version " + from));
        return engine.moveTo(next.version(), false, engine.traffic());
    }

    /** Reverts the current migration with its down script. */
    public MigrationRun migrateDown() {
        MigrationVersion from = engine.currentVersion().orElseThrow(() -> new RehearsalException(
                "No migration to revert: the database is empty"));
        Migration current = engine.history().find(from).orElseThrow();
        return engine.moveTo(engine.history().previous(current).map(Migration::version).orElse(null), false,
                engine.traffic());
    }

    /**
     * One step per migration not yet applied (and one for the repeatable migrations, if any), or this shard's part of
     * them ({@link RehearsalSettings#shard()}), to be run in order:
     * each step's {@link RoundTripStep#up()}, {@link RoundTripStep#down()}, {@link RoundTripStep#upAgain()}.
     * Total work is linear in the number of migrations: each step starts from the state the previous one left.
     *
     * <p>A long history runs in parallel parts ({@link RehearsalSettings#parallel()}: one part per
     * {@value #MIGRATIONS_PER_PART} migrations at most): the first part's steps run here when they are run, and every
     * other part starts at once on a database of its own and its own thread, as the shard of that part would run
     * (its first version reached with ups); its steps here wait for what it recorded and give it back, in order, so
     * the report, the tests and their outcomes are those of the shards' runs added up, which are those of one
     * run ({@code ShardTest}). A step that blocks the rest (an up that fails to apply) blocks the later parts'
     * steps too, as it would in one run; after the last step the database here is brought to the last version, where
     * one run would have left it. Only where that gives the same results: nothing applied, seeded, inserted or handed
     * out before the plan, no seeding before each step, no checks of each up or budgets at production volume, and a
     * migration tool that may run on several databases at once ({@link MigrationSource#runsOnSeveralDatabasesAtOnce()}).
     */
    public List<RoundTripStep> roundTripSteps() {
        plan = engine.roundTripSteps().stream().map(step -> new RoundTripStep(step)).toList();
        return plan;
    }

    /**
     * Applies the migrations up to {@code lastReleased} with the tool's own ups, in one go and without any check or
     * trace, as production has them: the base over which only a change's new migrations are then rehearsed
     * ({@code rehearsal check --only-new}, {@code rehearsal.only-new}). The next {@link #roundTripSteps()} plans from
     * there. Returns how long the ups took.
     *
     * @throws MigrationFailedException when a released migration fails to apply, naming it
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public Duration applyReleased(MigrationVersion lastReleased) {
        return engine.applyReleased(find(lastReleased).version(), false).took();
    }

    /**
     * Brings the database to {@code lastReleased} as {@link #applyReleased} does, or, with {@code keepBase}
     * ({@code rehearsal.only-new.keep-base}) on a provider that keeps bases, copies it from the base an earlier run
     * kept for the same released migrations; where none is kept yet, applies them and keeps a copy for later runs.
     * Returns how the base was reached, with its time, for the report.
     *
     * @throws MigrationFailedException when a released migration fails to apply, naming it
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public String reachReleased(MigrationVersion lastReleased, boolean keepBase) {
        return engine.applyReleased(find(lastReleased).version(), keepBase).how();
    }

    /** How many parts the last plan runs in (1: all here, one step after the other). */
    public int parallelParts() {
        return engine.parallelParts();
    }

    /** Runs every round-trip step and returns the report; failures are recorded in it, not thrown. */
    public RoundTripReport runRoundTrips() {
        for (RoundTripStep step : roundTripSteps()) {
            for (PhaseResult.Phase phase : step.phases()) {
                try {
                    step.run(phase);
                } catch (RehearsalException | AssertionError e) {
                    // recorded in the step's result
                }
            }
        }
        return report();
    }

    /** The report of the last round-trip plan. */
    public RoundTripReport report() {
        return new RoundTripReport(engine.describeSource(), engine.describeProvider(),
                plan.stream().map(RoundTripStep::result).toList());
    }

    /** Drops the throwaway database. */
    @Override
    public void close() {
        engine.close();
    }

    /** The schema now, patched from the last read where the engine can tell what changed (the round trips' reads). */
    SchemaSnapshot currentSchema() {
        return engine.currentSchema();
    }

    /** The migration tool opened on the database (for tests of the tools in this package). */
    MigrationTool tool() {
        return engine.tool();
    }

    private Migration find(MigrationVersion version) {
        return engine.history().find(version).orElseThrow(() -> new RehearsalException(
                "No migration with version " + version + " in " + engine.history().location()));
    }
}
