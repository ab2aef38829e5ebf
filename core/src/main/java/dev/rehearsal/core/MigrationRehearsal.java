package dev.rehearsal.core;

import dev.rehearsal.core.internal.timing.ComponentEvent;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.Invariant;
import dev.rehearsal.core.data.QueryResult;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.data.DataChecks;
import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The core entry point: one project's migration history rehearsed on one throwaway session.database(). Moves the database
 * between versions ({@link #migrateTo(String)}), reads its schema ({@link #schema()}), and plans round trips
 * ({@link #roundTripSteps()}) that apply each migration up, down and up again and check that down leaves no trace
 * and that re-applying reproduces the schema. With data present ({@link #seed(long, TableSeed...)}, {@link #insert},
 * fixtures) round trips also check that no data is lost or changed by accident, and {@link #invariant user
 * invariants} hold. Not thread-safe: one rehearsal per test.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class MigrationRehearsal implements AutoCloseable {

    private final RehearsalSettings settings;
    /** The data settings of the round trips planned from now on: the settings', or {@link #seedEachStep}'s. */
    private DataSettings stepData;
    private final DatabaseSession session;
    private List<RoundTripStep> plan = List.of();
    /** Why catching up with the parts failed before the plan's last step, or null. */
    private String catchUpFailure;
    /** The plan's step whose version catching up with the parts last reached, or -1. */
    private int caughtUpTo;
    private final Invariants invariants;
    private final DataWorkbench data;
    private int seedings;
    /** The seed hints of each up script, read at the first seeding. */
    private dev.rehearsal.core.internal.data.SeedHints.PerScript hintsPerScript;
    /** Volumes and settings for lock budgets at production volume in round trips; null when not asked for. */
    private ProductionVolumes budgetVolumes;
    private EstimateSettings budgetEstimates;

    private final RoundTripState state;
    private final MigrationObserver observer;
    private final List<SchemaCheck> schemaChecks = new ArrayList<>();
    private final MigrationSource source;
    private final DatabaseProvider provider;
    /** The parts of the last plan that run on their own databases; empty when it runs here alone. */
    private final List<ParallelPart> parts = new ArrayList<>();
    /**
     * Whether the caller may have changed the database outside the round trips (its data source handed out, rows
     * inserted, a migration run): the round trips then run here, one after the other, since a part's database would
     * not have those changes.
     */
    private boolean changedByCaller;

    private MigrationRehearsal(RehearsalSettings settings, MigrationSource source, DatabaseProvider provider,
                               EphemeralDatabase database) {
        this.settings = settings;
        this.source = source;
        this.provider = provider;
        this.stepData = settings.data();
        this.session = new DatabaseSession(settings, source, provider, database);
        this.state = new RoundTripState(session);
        this.observer = new MigrationObserver(settings, session, state);
        this.invariants = new Invariants(this::database);
        this.data = new DataWorkbench(this::database, session::ownConnection, this::currentSchema, this::versionText,
                this::hintsFromLaterMigrations, settings.data());
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
        MigrationSource source = MigrationSources.detect(settings, classLoader);
        return start(settings, source, provider);
    }

    /** A rehearsal of an explicit source, on a fresh database from {@code provider}. */
    public static MigrationRehearsal start(RehearsalSettings settings, MigrationSource source, DatabaseProvider provider) {
        EphemeralDatabase database = provider.createDatabase();
        try {
            return new MigrationRehearsal(settings, source, provider, database);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** The settings this rehearsal runs with. */
    public RehearsalSettings settings() {
        return settings;
    }

    /** The migrations, in order. */
    public MigrationHistory history() {
        return session.tool().history();
    }

    /**
     * The versioned migration that {@code target} names, as {@link #migrateTo(String)} reads it: a version, an id,
     * or the tool's own names for it (a Liquibase tag or {@code author:id}).
     *
     * @throws RehearsalException naming the versions that exist when there is none
     */
    public Migration migration(String target) {
        return session.tool().migration(target);
    }

    /** The throwaway database in use now (it changes when a failed round trip forces a rebuild). */
    public EphemeralDatabase database() {
        return session.database();
    }

    /** Connections to the rehearsal's database, following it if a rebuild replaces it. */
    public DataSource dataSource() {
        changedByCaller = true;
        return session.followingDataSource();
    }

    /** The highest migration applied, per the migration tool's history table. */
    public Optional<MigrationVersion> currentVersion() {
        return session.currentVersion();
    }

    /** The database's schema now, without the migration tool's history table, read in full from the catalog. */
    public SchemaSnapshot schema() {
        return session.fullSchema();
    }

    /**
     * The schema at {@code version}, read from a scratch database of the same provider that the migration tool takes
     * up to that version; this rehearsal's own database is not touched. {@code "latest"} is the last version.
     *
     * @throws RehearsalException       when the history has no such version
     * @throws MigrationFailedException when a migration up to it fails
     */
    public SchemaSnapshot schemaAt(String version) {
        MigrationHistory history = session.tool().history();
        MigrationVersion target = "latest".equalsIgnoreCase(version) ? history.latest().orElseThrow(() ->
                new RehearsalException("The history has no migrations, so there is no latest schema"))
                : session.tool().migration(version).version();
        return session.scratchSchema(target);
    }

    /** The schema at exactly this version, as {@link #schemaAt(String)} reads it. */
    public SchemaSnapshot schemaAt(MigrationVersion version) {
        return session.scratchSchema(session.tool().history().find(version).orElseThrow(() -> new RehearsalException(
                "No migration with version " + version + " in " + session.tool().history().location())).version());
    }

    /**
     * Adds a check of the schema every round trip's up leaves (golden files): its failure fails that up phase, its
     * notes go into the report.
     */
    public MigrationRehearsal checkEachUp(SchemaCheck check) {
        schemaChecks.add(java.util.Objects.requireNonNull(check, "check"));
        return this;
    }

    /** The checks {@link #checkEachUp} added. */
    List<SchemaCheck> schemaChecks() {
        return List.copyOf(schemaChecks);
    }

    /** Why schema reads are full ones where they could be patched, once; else null. */
    String schemaReadsNote() {
        return session.schemaReadsNote();
    }

    /** The schema now, patched from the last read where the engine can tell what changed (the round trips' reads). */
    SchemaSnapshot currentSchema() {
        return session.schema();
    }

    /**
     * A check of the patched reads, run at the end of a plan: the schema read in full must equal {@code patched},
     * what the patched reads made of it. Null when it does (or when every read was a full one), else the message.
     */
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

    // ---- data ----

    /**
     * Adds {@code rowsPerTable} realistic rows to every table, parents first, in one transaction; {@code overrides}
     * change how some tables or columns are filled (and may set other row counts).
     *
     * @throws dev.rehearsal.core.data.SeedException naming the table, column or constraint that could not be
     *                                               satisfied; nothing of the seeding is left in the database
     */
    public SeedResult seed(long rowsPerTable, TableSeed... overrides) {
        changedByCaller = true;
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : TableModel.all(currentSchema()).keySet()) {
            rows.put(table, rowsPerTable);
        }
        return seed(rows, Arrays.asList(overrides), false, "seed#" + (++seedings));
    }

    /**
     * Adds rows to the tables the seeds name ({@link TableSeed#DEFAULT_ROWS} where a seed sets no count), and to empty
     * tables they reference.
     */
    public SeedResult seed(TableSeed... seeds) {
        changedByCaller = true;
        Map<String, Long> rows = new LinkedHashMap<>();
        for (TableSeed seed : seeds) {
            rows.put(seed.tableName(), seed.requestedRows().orElse(TableSeed.DEFAULT_ROWS));
        }
        return seed(rows, Arrays.asList(seeds), false, "seed#" + (++seedings));
    }

    /**
     * Makes the round trips planned from now on top every table up to {@code rows} before each step (and fill the
     * tables a step creates after its up), with these per-table overrides. Returns this rehearsal.
     */
    public MigrationRehearsal seedEachStep(long rows, TableSeed... overrides) {
        stepData = settings.data().withRoundTripSeeding(rows, overrides);
        return this;
    }

    /** Tops tables up to a row count (the round trip's per-step seeding). */
    SeedResult topUp(java.util.Collection<String> tables, long rows, List<TableSeed> overrides, String salt) {
        try (ComponentEvent ignored = ComponentEvent.time("data.seed")) {
            return data.topUp(tables, rows, overrides, salt);
        }
    }

    private SeedResult seed(Map<String, Long> rows, List<TableSeed> overrides, boolean topUp, String salt) {
        return data.seed(rows, overrides, topUp, salt);
    }

    /**
     * What the migrations not applied yet say about the data (later casts, enums, CHECK lists, foreign keys), so that
     * seeded rows stay the kind of rows the application keeps.
     */
    private dev.rehearsal.core.internal.data.SeedHints hintsFromLaterMigrations() {
        Optional<MigrationVersion> now = session.currentVersion();
        List<Migration> versioned = history().versioned();
        if (hintsPerScript == null) {
            hintsPerScript = dev.rehearsal.core.internal.data.SeedHints.PerScript.of(
                    versioned.stream().map(m -> m.up().sql()).toList());
        }
        int first = 0;
        while (now.isPresent() && first < versioned.size() && versioned.get(first).version().compareTo(now.get()) <= 0) {
            first++;
        }
        return hintsPerScript.from(first);
    }

    /** The data's fingerprint now: per table the row count and per column a hash of its values. */
    public DataFingerprint fingerprint() {
        return fingerprint(schema());
    }

    DataFingerprint fingerprint(SchemaSnapshot snapshot) {
        try (ComponentEvent ignored = ComponentEvent.time("data.fingerprint")) {
            return data.fingerprint(snapshot);
        }
    }

    /**
     * Integrity problems of the data now: invalid indexes, NOT VALID constraints that rows violate, foreign keys that
     * point at nothing, sequences behind their column's maximum.
     */
    public List<DataProblem> integrityProblems() {
        return integrityProblems(schema());
    }

    List<DataProblem> integrityProblems(SchemaSnapshot snapshot) {
        try (ComponentEvent ignored = ComponentEvent.time("data.integrity")) {
            return data.integrityProblems(snapshot);
        }
    }

    /**
     * Registers a query whose result every step must keep: round-trip phases and {@link #migrateTo} compare it
     * before and after. Returns this rehearsal.
     */
    public MigrationRehearsal invariant(String name, String sql) {
        invariants.add(new Invariant(name, sql));
        return this;
    }

    /** The registered invariants. */
    public List<Invariant> invariants() {
        return invariants.all();
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
        changedByCaller = true;
        data.insertRows(table, rows, "rehearsal.insert(\"" + table + "\", ...)");
    }


    /**
     * Loads a fixture file into the database as it is now: YAML or JSON mapping tables to rows, or a CSV file named
     * after its table. Tables are loaded in file order (put parents first).
     */
    public void loadFixture(String location) {
        changedByCaller = true;
        data.loadFixture(location);
    }

    /**
     * Runs a query and reads all its rows; {@code parameters} bind to {@code ?} placeholders (without parameters the
     * SQL goes as written, so operators such as jsonb's {@code ?} work).
     */
    public QueryResult query(String sql, Object... parameters) {
        changedByCaller = true; // a query may write
        return data.query(sql, parameters);
    }


    /** The invariants' results now; a query that cannot run yet maps to null. */
    Map<Invariant, String> evaluateInvariants() {
        return invariants.evaluate();
    }

    /** Invariants whose result changed from {@code before}; each line names the invariant and both results. */
    List<DataProblem> brokenInvariants(Map<Invariant, String> before, String what) {
        return invariants.broken(before, what);
    }


    private String versionText() {
        return session.currentVersion().map(v -> "version " + v).orElse("the empty database (no migration applied)");
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
        return migrateTo(target, defaultTraffic());
    }

    /**
     * Moves the database to exactly this version, as {@link #migrateTo(String)} does; for callers that hold a
     * {@link Migration}, whose version is not always a name the tool reads alone (a Liquibase position where
     * changeset ids are numbers).
     */
    public MigrationRun migrateTo(MigrationVersion version) {
        session.tool().history().find(version).orElseThrow(() -> new RehearsalException(
                "No migration with version " + version + " in " + session.tool().history().location()));
        return moveTo(version, false, defaultTraffic());
    }

    private Traffic defaultTraffic() {
        return settings.locks().probes() ? Traffic.probes() : Traffic.none();
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
        return moveTo(latest ? session.tool().history().latest().orElseThrow() : base ? null
                : session.tool().migration(target).version(), latest, traffic);
    }

    /** Moves the database to version {@code to} (null: the empty database), and the repeatables when {@code latest}. */
    private MigrationRun moveTo(MigrationVersion to, boolean latest, Traffic traffic) {
        changedByCaller = true;
        MigrationHistory history = session.tool().history();
        MigrationVersion from = session.currentVersion().orElse(null);
        Map<Invariant, String> invariantsBefore = evaluateInvariants();
        boolean up = to != null && (from == null || to.compareTo(from) > 0);
        List<Migration> ran;
        if (up) {
            ran = history.between(from, to);
        } else {
            ran = new ArrayList<>(history.between(to, from));
            Collections.reverse(ran);
            for (Migration m : ran) {
                requireDown(m);
            }
        }
        boolean repeatables = latest && !history.repeatable().isEmpty();
        List<MigrationScript> scripts = new ArrayList<>();
        for (Migration m : ran) {
            scripts.add(up ? m.up() : m.down());
        }
        if (repeatables) {
            history.repeatable().forEach(m -> scripts.add(m.up()));
        }
        SchemaSnapshot before = settings.locks().trace() ? currentSchema() : null;
        state.invalidate();
        long t0 = System.nanoTime();
        LockReport locks = observer.observe(ran.isEmpty() ? null : ran.get(0), scripts, traffic, before, !up, () -> {
            if (up) {
                session.upFrom(from, to); // read above
            } else {
                for (Migration m : ran) {
                    session.tool().down(m);
                }
            }
            if (repeatables) {
                session.tool().applyRepeatables();
            }
        }).locks();
        MigrationRun run = new MigrationRun(up ? MigrationRun.Direction.UP : MigrationRun.Direction.DOWN, ran, from, to,
                Duration.ofNanos(System.nanoTime() - t0), locks);
        MigrationRun.Direction direction = run.direction();
        List<DataProblem> broken = brokenInvariants(invariantsBefore, "migrating from " + (from == null ? "the empty database"
                : "V" + from) + " to " + (to == null ? "the empty database" : "V" + to));
        if (!broken.isEmpty()) {
            throw new RoundTripAssertionError(DataChecks.describe("Migrating " + (direction == MigrationRun.Direction.UP
                    ? "up" : "down") + " broke an invariant:", broken));
        }
        return run;
    }

    /** Moves to {@code version} with this traffic (none: nothing but the migration on the server). */
    MigrationRun migrateTo(MigrationVersion version, Traffic traffic) {
        return moveTo(version, false, traffic);
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
        changedByCaller = true;
        return VolumeEstimator.estimate(this, migration(target), volumes, estimateSettings);
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
        if (volumes.isEmpty()) {
            throw new RehearsalException("Lock budgets at production volume need production volumes: declare them with"
                    + " @ProductionVolume(table = \"orders\", rows = 50_000_000), rehearsal.volume.<table>=<rows> or"
                    + " rehearsal.volumes.file (docs/estimates.md)");
        }
        this.budgetVolumes = volumes;
        this.budgetEstimates = estimateSettings;
        return this;
    }

    /**
     * The estimate a round trip's up checks its budget against: null when budgets at production volume are off, the
     * migration's up script names none of the tables with a volume, or none of them exists before it.
     */
    VolumeEstimate estimateForBudget(Migration m) {
        if (budgetVolumes == null || !settings.locks().budget().limitsAnything()) {
            return null;
        }
        return namesTableWithVolume(m, budgetVolumes) ? VolumeEstimator.estimate(this, m, budgetVolumes, budgetEstimates)
                : null;
    }

    /**
     * Whether migration {@code m}, about to run on the current database, works on a table with a volume: one that
     * exists now and that its up script names as a word; a migration whose SQL is not known before it runs (Java,
     * Liquibase changes, tools run through their own command) works on every such table that exists.
     */
    private boolean namesTableWithVolume(Migration m, ProductionVolumes volumes) {
        SchemaSnapshot schema = currentSchema();
        String sql = m.up().sql();
        return volumes.rows().keySet().stream().anyMatch(table -> schema.table(table).isPresent()
                && (sql == null || java.util.regex.Pattern.compile("(?i)(?<![\\w$])" + java.util.regex.Pattern.quote(
                        table.contains(".") ? table.substring(table.indexOf('.') + 1) : table) + "(?![\\w$])")
                .matcher(sql).find()));
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
        if (run.direction() != MigrationRun.Direction.UP) {
            throw new RehearsalException("Estimates at production volume are of migrations going up; this run reverted "
                    + run.migrations().stream().map(Migration::displayName).collect(java.util.stream.Collectors.joining(", "))
                    + ". Estimate the up that the down undoes, or the down script's statements as a migration of their own");
        }
        if (run.migrations().isEmpty()) {
            return List.of();
        }
        if (volumes.isEmpty()) {
            throw VolumeEstimator.noVolumes(run.migrations().get(0));
        }
        DatabaseSession.RestorePoint now = keepRestorePoint();
        if (now == null) {
            throw VolumeEstimator.cannotCopy(this);
        }
        List<VolumeEstimate> estimates = new ArrayList<>();
        try {
            for (Migration m : run.migrations()) {
                state.prepare(history().previous(m).map(Migration::version).orElse(null));
                if (namesTableWithVolume(m, volumes)) {
                    estimates.add(VolumeEstimator.estimate(this, m, volumes, estimateSettings));
                }
            }
        } finally {
            restore(now);
        }
        return List.copyOf(estimates);
    }

    /** Applies the next migration. */
    public MigrationRun migrateUp() {
        MigrationVersion from = session.currentVersion().orElse(null);
        Migration next = session.tool().history().between(from, null).stream().findFirst().orElseThrow(() -> new RehearsalException(
                "No migration left to apply: the database is at the latest version " + from));
        return moveTo(next.version(), false, defaultTraffic());
    }

    /** Reverts the current migration with its down script. */
    public MigrationRun migrateDown() {
        MigrationVersion from = session.currentVersion().orElseThrow(() -> new RehearsalException(
                "No migration to revert: the database is empty"));
        Migration current = session.tool().history().find(from).orElseThrow();
        return session.tool().history().previous(current)
                .map(p -> moveTo(p.version(), false, defaultTraffic()))
                .orElseGet(() -> moveTo(null, false, defaultTraffic()));
    }

    private void requireDown(Migration m) {
        if (!m.reversible()) {
            throw new RehearsalException("Cannot revert " + m.displayName() + ": it has no down script (expected "
                    + session.tool().expectedDownScript(m) + " next to " + m.up().name() + ")");
        }
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
        closeParts();
        MigrationVersion from = session.currentVersion().orElse(null);
        List<RoundTripStep> steps = new ArrayList<>();
        Shard shard = settings().shard();
        List<Migration> migrations = shard.of(session.tool().history().between(from, null));
        boolean repeatables = shard.last() && !session.tool().history().repeatable().isEmpty();
        int count = from == null ? partsFor(migrations.size()) : 1;
        if (count > 1) {
            for (int k = 2; k <= count; k++) {
                parts.add(new ParallelPart(settings, source, provider, new Shard(k, count), invariants.all()));
            }
        }
        for (int k = 1; k <= count; k++) {
            Shard part = new Shard(k, count);
            List<Migration> own = part.of(migrations);
            boolean withRepeatables = repeatables && part.last();
            ParallelPart remote = k == 1 ? null : parts.get(k - 2);
            for (int i = 0; i < own.size(); i++) {
                steps.add(new RoundTripStep(this, own.get(i), stepData, !withRepeatables && i == own.size() - 1,
                        remote == null ? null : new RoundTripStep.Remote(remote, i)));
            }
            if (withRepeatables) {
                steps.add(new RoundTripStep(this, null, stepData, true,
                        remote == null ? null : new RoundTripStep.Remote(remote, own.size())));
            }
        }
        state.unblock();
        catchUpFailure = null;
        caughtUpTo = -1;
        plan = List.copyOf(steps);
        return plan;
    }

    /** Migrations per part at least: below it, a part's own start (its database, its ups) costs more than it saves. */
    static final int MIGRATIONS_PER_PART = 40;

    /** How many parts the plan of these migrations runs in: 1 where running them in parts would change a result. */
    private int partsFor(int migrations) {
        int wanted = settings.parallel() == RehearsalSettings.PARALLEL_AUTO
                ? Math.min(Runtime.getRuntime().availableProcessors(), 4) : settings.parallel();
        boolean same = !changedByCaller && settings.shard().equals(Shard.ALL) && stepData.roundTripRows() == 0
                && schemaChecks.isEmpty() && budgetVolumes == null && source.runsOnSeveralDatabasesAtOnce();
        return same ? Math.max(1, Math.min(wanted, migrations / MIGRATIONS_PER_PART)) : 1;
    }

    /** How many parts the last plan runs in (1: all here, one step after the other). */
    public int parallelParts() {
        return parts.size() + 1;
    }

    /**
     * After the last phase of each step a part ran: brings the database here to where one run would have left it,
     * unless a step blocked the rest. After the plan's last step, that is the last version and the repeatable
     * migrations. Before it, where the part is still running the plan's next step, it is this step's version: the ups
     * of catching up then run while this thread would only wait, rather than all of them after the last part is done,
     * with one core idle.
     * Returns what failed, for the step's note, or null.
     */
    String catchUpWithParts(RoundTripStep served) {
        if (parts.isEmpty() || plan.isEmpty() || state.blockedBy() != null) {
            return null;
        }
        if (plan.get(plan.size() - 1) != served) {
            catchUpWhileWaiting(served);
            return null;
        }
        if (catchUpFailure != null) {
            state.block(catchUpFailure);
            return catchUpFailure;
        }
        MigrationVersion last = null;
        boolean repeatables = false;
        for (RoundTripStep step : plan) {
            if (step.migration().isPresent()) {
                last = step.migration().get().version();
            } else {
                repeatables = true;
            }
        }
        try (ComponentEvent ignored = ComponentEvent.time("parts.catch-up")) {
            state.prepare(last);
            if (repeatables) {
                session.tool().applyRepeatables();
                session.scriptsRan(null);
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
    private void catchUpWhileWaiting(RoundTripStep served) {
        if (catchUpFailure != null || served.migration().isEmpty()) {
            return;
        }
        int at = 0;
        while (plan.get(at) != served) {
            at++;
        }
        if (at - caughtUpTo < CATCH_UP_BATCH || !plan.get(at + 1).stillRunningInItsPart()) {
            return; // the ups wait for more steps, for the next one that is still running, or for the last
        }
        MigrationVersion version = served.migration().get().version();
        try (ComponentEvent ignored = ComponentEvent.time("parts.catch-up (while waiting)")) {
            state.prepare(version);
            caughtUpTo = at;
        } catch (RehearsalException e) {
            catchUpFailure = failedCatchUp(version, e);
        }
    }

    /**
     * Steps served between two catch-ups while waiting, at least: each catch-up reads the version and starts the tool
     * before its ups, which one step at a time would pay for at every step, on a core the parts still use.
     */
    private static final int CATCH_UP_BATCH = 10;

    private static String failedCatchUp(MigrationVersion version, RehearsalException e) {
        return "after the parallel parts, this rehearsal's database could not be brought to V" + version
                + " (" + e.getMessage().lines().findFirst().orElse("") + "), so it is not where one run would"
                + " leave it; rehearsal.parallel=1 runs every step on it";
    }

    private void closeParts() {
        parts.forEach(ParallelPart::close);
        parts.clear();
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
        return new RoundTripReport(session.describeSource(), session.describeProvider(), plan.stream().map(RoundTripStep::result).toList());
    }

    // ---- state shared with RoundTripStep ----

    MigrationTool tool() {
        return session.tool();
    }

    /** Applies the migrations after {@code current}, which the version table is known to say, up to {@code target}. */
    void upFrom(MigrationVersion current, MigrationVersion target) {
        session.upFrom(current, target);
    }

    /** Where the round trips stand: which step blocked the rest, whether the database must be rebuilt. */
    /** The counters a rollback does not take back (sequences), to {@link #restoreCounters} after a forced failure. */
    Map<String, String> counters() {
        try (Connection c = session.database().dataSource().getConnection()) {
            return session.database().dialect().data(c).counters();
        } catch (SQLException e) {
            throw new RehearsalException("Could not read the sequences of " + session.database().name() + ": "
                    + e.getMessage(), e);
        }
    }

    void restoreCounters(Map<String, String> counters) {
        try (Connection c = session.database().dataSource().getConnection()) {
            session.database().dialect().data(c).restoreCounters(counters);
        } catch (SQLException e) {
            throw new RehearsalException("Could not set the sequences of " + session.database().name() + " back: "
                    + e.getMessage(), e);
        }
    }

    /** The scripts that just ran outside the lock observer, so that the next schema read knows what to trust. */
    void scriptsRan(List<String> scripts) {
        session.scriptsRan(scripts);
    }

    /** A copy of the database as it is now, or null where it cannot be copied quickly (see {@link DatabaseSession}). */
    DatabaseSession.RestorePoint keepRestorePoint() {
        try (ComponentEvent ignored = ComponentEvent.time("restore.keep")) {
            return session.keepRestorePoint();
        }
    }

    /** Drops a restore point that is not needed after all. */
    void discard(DatabaseSession.RestorePoint point) {
        session.discard(point);
    }

    /** Brings back the database the restore point copied; the current one is dropped. */
    void restore(DatabaseSession.RestorePoint point) {
        try (ComponentEvent ignored = ComponentEvent.time("restore.switch")) {
            session.restore(point);
        }
    }

    RoundTripState state() {
        return state;
    }

    /** Runs the migration tool while tracing locks and playing traffic. */
    MigrationObserver observer() {
        return observer;
    }

    /** Drops the throwaway database. */
    @Override
    public void close() {
        closeParts();
        session.close();
    }
}
