package dev.rehearsal.core;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.Invariant;
import dev.rehearsal.core.data.QueryResult;
import dev.rehearsal.core.data.Seed;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.data.DataChecks;
import dev.rehearsal.core.internal.data.FixtureFiles;
import dev.rehearsal.core.internal.data.Seeder;
import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.internal.locks.LockObservation;
import dev.rehearsal.core.internal.locks.ObservedDataSource;
import dev.rehearsal.core.internal.sql.DelegatingDataSource;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.schema.SchemaSnapshot;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The core entry point: one project's migration history rehearsed on one throwaway database. Moves the database
 * between versions ({@link #migrateTo(String)}), reads its schema ({@link #schema()}), and plans round trips
 * ({@link #roundTripSteps()}) that apply each migration up, down and up again and check that down leaves no trace
 * and that re-applying reproduces the schema. With data present ({@link #seed(long, Seed...)}, {@link #insert},
 * fixtures) round trips also check that no data is lost or changed by accident, and {@link #invariant user
 * invariants} hold. Not thread-safe: one rehearsal per test.
 */
public final class MigrationRehearsal implements AutoCloseable {

    private RehearsalSettings settings;
    private final MigrationSource source;
    private final DatabaseProvider provider;
    private EphemeralDatabase database;
    private MigrationTool tool;
    private Connection snapshotConnection;
    private List<RoundTripStep> plan = List.of();
    private final List<Invariant> invariants = new ArrayList<>();
    private int seedings;

    private boolean dirty;
    private String dirtyReason;
    private String blockedBy;
    private SchemaSnapshot cleanSnapshot;

    private ObservedDataSource observed;
    private LockObservation lockObservation;

    private MigrationRehearsal(RehearsalSettings settings, MigrationSource source, DatabaseProvider provider,
                               EphemeralDatabase database) {
        this.settings = settings;
        this.source = source;
        this.provider = provider;
        this.database = database;
        openTool();
    }

    /** Opens the migration tool on the current database, through a data source Rehearsal can watch. */
    private void openTool() {
        observed = new ObservedDataSource(database.dataSource());
        tool = source.open(observed, database.dialect());
        lockObservation = database.dialect().locks() == null ? null : new LockObservation(observed,
                database.dataSource(), database.dialect(), settings.locks(), tool.ownTables());
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
        return tool.history();
    }

    /** The throwaway database in use now (it changes when a failed round trip forces a rebuild). */
    public EphemeralDatabase database() {
        return database;
    }

    /** Connections to the rehearsal's database, following it if a rebuild replaces it. */
    public DataSource dataSource() {
        return new FollowingDataSource();
    }

    /** The highest migration applied, per the migration tool's history table. */
    public Optional<MigrationVersion> currentVersion() {
        return tool.currentVersion();
    }

    /** The database's schema now, without the migration tool's history table. */
    public SchemaSnapshot schema() {
        try {
            if (snapshotConnection == null || snapshotConnection.isClosed()) {
                snapshotConnection = database.dataSource().getConnection();
            }
            return database.dialect().snapshot(snapshotConnection, tool.ownTables());
        } catch (SQLException e) {
            throw new RehearsalException("Could not read the schema of " + database.name() + ": " + e.getMessage(), e);
        }
    }

    // ---- data ----

    /**
     * Adds {@code rowsPerTable} realistic rows to every table, parents first, in one transaction; {@code overrides}
     * change how some tables or columns are filled (and may set other row counts).
     *
     * @throws dev.rehearsal.core.data.SeedException naming the table, column or constraint that could not be
     *                                               satisfied; nothing of the seeding is left in the database
     */
    public SeedResult seed(long rowsPerTable, Seed... overrides) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : TableModel.all(schema()).keySet()) {
            rows.put(table, rowsPerTable);
        }
        return seed(rows, Arrays.asList(overrides), false, "seed#" + (++seedings));
    }

    /**
     * Adds rows to the tables the seeds name ({@link Seed#DEFAULT_ROWS} where a seed sets no count), and to empty
     * tables they reference.
     */
    public SeedResult seed(Seed... seeds) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (Seed seed : seeds) {
            rows.put(seed.tableName(), seed.requestedRows().orElse(Seed.DEFAULT_ROWS));
        }
        return seed(rows, Arrays.asList(seeds), false, "seed#" + (++seedings));
    }

    /**
     * Makes the round trips planned from now on top every table up to {@code rows} before each step (and fill the
     * tables a step creates after its up), with these per-table overrides. Returns this rehearsal.
     */
    public MigrationRehearsal seedEachStep(long rows, Seed... overrides) {
        settings = settings.withData(settings.data().withRoundTripSeeding(rows, overrides));
        return this;
    }

    /** Tops tables up to a row count (the round trip's per-step seeding). */
    SeedResult topUp(java.util.Collection<String> tables, long rows, List<Seed> overrides, String salt) {
        Map<String, Long> target = new LinkedHashMap<>();
        for (String table : tables) {
            target.put(table, rows);
        }
        // an override for a table a later migration creates applies once it exists
        java.util.Set<String> existing = TableModel.all(schema()).keySet();
        return seed(target, overrides.stream().filter(o -> existing.contains(o.tableName())).toList(), true, salt);
    }

    private SeedResult seed(Map<String, Long> rows, List<Seed> overrides, boolean topUp, String salt) {
        Map<String, Seed> byTable = new LinkedHashMap<>();
        for (Seed seed : overrides) {
            byTable.merge(seed.tableName(), seed, (a, b) -> b);
            if (seed.requestedRows().isPresent() && rows.containsKey(seed.tableName())) {
                rows.put(seed.tableName(), seed.requestedRows().getAsLong());
            }
        }
        SchemaSnapshot snapshot = schema();
        try (Connection c = database.dataSource().getConnection()) {
            return new Seeder(database.dialect(), settings.data())
                    .seed(c, snapshot, new Seeder.Plan(rows, byTable, topUp, salt, hintsFromLaterMigrations()));
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to " + database.name() + " to seed it: " + e.getMessage(), e);
        }
    }

    /**
     * What the migrations not applied yet say about the data (later casts, enums, CHECK lists, foreign keys), so that
     * seeded rows stay the kind of rows the application keeps.
     */
    private dev.rehearsal.core.internal.data.SeedHints hintsFromLaterMigrations() {
        Optional<MigrationVersion> now = tool.currentVersion();
        List<String> later = history().versioned().stream()
                .filter(m -> now.isEmpty() || m.version().compareTo(now.get()) > 0)
                .map(m -> m.up().sql()).toList();
        List<String> all = history().versioned().stream().map(m -> m.up().sql()).toList();
        return dev.rehearsal.core.internal.data.SeedHints.fromLaterScripts(later, all);
    }

    /** The data's fingerprint now: per table the row count and per column a hash of its values. */
    public DataFingerprint fingerprint() {
        return fingerprint(schema());
    }

    DataFingerprint fingerprint(SchemaSnapshot snapshot) {
        return withConnection("fingerprint the data", c -> database.dialect().data(c).fingerprint(snapshot));
    }

    /**
     * Integrity problems of the data now: invalid indexes, NOT VALID constraints that rows violate, foreign keys that
     * point at nothing, sequences behind their column's maximum.
     */
    public List<DataProblem> integrityProblems() {
        return integrityProblems(schema());
    }

    List<DataProblem> integrityProblems(SchemaSnapshot snapshot) {
        return withConnection("check the data's integrity", c -> database.dialect().data(c).integrityProblems(snapshot));
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
        return List.copyOf(invariants);
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
        insertRows(table, rows, "rehearsal.insert(\"" + table + "\", ...)");
    }

    private void insertRows(String table, List<? extends Map<String, ?>> rows, String where) {
        if (rows.isEmpty()) {
            return;
        }
        TableModel model = TableModel.all(schema()).get(table);
        if (model == null) {
            throw new RehearsalException(where + ": there is no table " + table + " at " + versionText() + ". Tables: "
                    + String.join(", ", TableModel.all(schema()).keySet()) + ".");
        }
        List<String> columns = new ArrayList<>();
        for (Map<String, ?> row : rows) {
            for (String column : row.keySet()) {
                if (!columns.contains(column)) {
                    if (model.column(column).isEmpty()) {
                        throw new RehearsalException(where + ": table " + table + " has no column " + column + " at "
                                + versionText() + ". Columns: " + model.columns().stream()
                                .map(c -> c.name() + " " + c.type()).collect(java.util.stream.Collectors.joining(", ")) + ".");
                    }
                    columns.add(column);
                }
            }
        }
        List<Object[]> values = new ArrayList<>();
        for (Map<String, ?> row : rows) {
            Object[] v = new Object[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                v[i] = row.get(columns.get(i));
            }
            values.add(v);
        }
        withConnection("insert into " + table, c -> {
            try {
                database.dialect().data(c).insert(table, columns, values);
            } catch (SQLException e) {
                throw new RehearsalException(where + ": " + table + " refused " + e.getMessage()
                        + (e.getSQLState() == null ? "" : " [SQLState " + e.getSQLState() + "]"), e);
            }
            return null;
        });
    }

    /**
     * Loads a fixture file into the database as it is now: YAML or JSON mapping tables to rows, or a CSV file named
     * after its table. Tables are loaded in file order (put parents first).
     */
    public void loadFixture(String location) {
        FixtureFiles.Fixture fixture = FixtureFiles.read(location, Thread.currentThread().getContextClassLoader());
        fixture.tables().forEach((table, rows) -> insertRows(table, rows, "Fixture " + location));
    }

    /**
     * Runs a query and reads all its rows; {@code parameters} bind to {@code ?} placeholders (without parameters the
     * SQL goes as written, so operators such as jsonb's {@code ?} work).
     */
    public QueryResult query(String sql, Object... parameters) {
        return withConnection("run " + sql, c -> {
            try (PreparedStatement ps = parameters.length == 0 ? null : c.prepareStatement(sql);
                 java.sql.Statement plain = parameters.length == 0 ? c.createStatement() : null) {
                for (int i = 0; i < parameters.length; i++) {
                    ps.setObject(i + 1, parameters[i]);
                }
                try (ResultSet rs = ps == null ? plain.executeQuery(sql) : ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<String> columns = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        columns.add(md.getColumnLabel(i));
                    }
                    List<List<Object>> rows = new ArrayList<>();
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>(columns.size());
                        for (int i = 1; i <= columns.size(); i++) {
                            row.add(plain(rs.getObject(i)));
                        }
                        rows.add(row);
                    }
                    return new QueryResult(sql, columns, rows);
                }
            } catch (SQLException e) {
                throw new RehearsalException("Query failed at " + versionText() + ": " + e.getMessage() + "\n  " + sql, e);
            }
        });
    }

    /** Driver-specific objects (json, inet, enums) as their text; SQL arrays as lists. */
    private static Object plain(Object value) throws SQLException {
        if (value instanceof Array array) {
            Object[] items = (Object[]) array.getArray();
            List<Object> list = new ArrayList<>(items.length);
            for (Object item : items) {
                list.add(plain(item));
            }
            return list;
        }
        if (value != null && !value.getClass().getName().startsWith("java.")) {
            return value.toString();
        }
        return value;
    }

    /** The invariants' results now; a query that cannot run yet maps to null. */
    Map<Invariant, String> evaluateInvariants() {
        Map<Invariant, String> results = new LinkedHashMap<>();
        for (Invariant invariant : invariants) {
            results.put(invariant, evaluate(invariant));
        }
        return results;
    }

    private String evaluate(Invariant invariant) {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(invariant.sql());
             ResultSet rs = ps.executeQuery()) {
            StringBuilder sb = new StringBuilder();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                sb.append(sb.length() == 0 ? "" : "; ");
                for (int i = 1; i <= n; i++) {
                    sb.append(i == 1 ? "" : ", ").append(plain(rs.getObject(i)));
                }
            }
            return sb.toString();
        } catch (SQLException e) {
            return null;
        }
    }

    /** Invariants whose result changed from {@code before}; each line names the invariant and both results. */
    List<DataProblem> brokenInvariants(Map<Invariant, String> before, String what) {
        List<DataProblem> problems = new ArrayList<>();
        for (Map.Entry<Invariant, String> e : before.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            String now = evaluate(e.getKey());
            if (!Objects.equals(e.getValue(), now)) {
                problems.add(new DataProblem(DataProblem.Kind.INVARIANT_BROKEN, null, null, "invariant \""
                        + e.getKey().name() + "\" broken by " + what + ": " + e.getKey().sql() + "\n      before: "
                        + e.getValue() + "\n      after:  " + (now == null ? "(the query fails now)" : now)));
            }
        }
        return problems;
    }

    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T withConnection(String what, SqlWork<T> work) {
        try (Connection c = database.dataSource().getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new RehearsalException("Could not " + what + " on " + database.name() + ": " + e.getMessage(), e);
        }
    }

    private String versionText() {
        return tool.currentVersion().map(v -> "version " + v).orElse("the empty database (no migration applied)");
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
        return migrateTo(target, settings.locks().probes() ? Traffic.probes() : Traffic.none());
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
        MigrationHistory history = tool.history();
        boolean latest = "latest".equalsIgnoreCase(target) || "head".equalsIgnoreCase(target);
        boolean base = "base".equalsIgnoreCase(target);
        MigrationVersion to = latest ? history.latest().orElseThrow() : base ? null : history.require(target).version();
        MigrationVersion from = tool.currentVersion().orElse(null);
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
        SchemaSnapshot before = settings.locks().trace() ? schema() : null;
        invalidate();
        long t0 = System.nanoTime();
        LockReport locks = observe(ran.isEmpty() ? null : ran.get(0), scripts, traffic, before, !up, () -> {
            if (up) {
                tool.upTo(to);
            } else {
                for (Migration m : ran) {
                    tool.down(m);
                }
            }
            if (repeatables) {
                tool.applyRepeatables();
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

    /**
     * Runs {@code work} (the migration tool running {@code scripts}) while tracing its locks and playing
     * {@code traffic}; returns the lock report. A failure keeps the trace up to the failing statement, attached to
     * the {@link MigrationFailedException}; a run stopped at the migration timeout fails with a message saying
     * who held the lock it waited for.
     */
    Observed observe(Migration first, List<MigrationScript> scripts, Traffic traffic, SchemaSnapshot before,
                     boolean reverting, Runnable work) {
        if (!settings.locks().trace() || before == null || database.dialect().locks() == null) {
            work.run();
            invalidate();
            return new Observed(LockReport.NONE, null);
        }
        List<LockObservation.Script> named = scripts.stream()
                .map(sc -> new LockObservation.Script(sc.name(), sc.sql())).toList();
        LockObservation.Run run;
        try {
            run = lockObservation.begin(before, named, traffic, reverting);
        } catch (SQLException e) {
            throw new RehearsalException("Could not start watching locks on " + database.name() + ": " + e.getMessage()
                    + ". Turn lock tracing off with rehearsal.locks.trace=false if this database does not allow it.", e);
        }
        Map<String, String> allowed = LockObservation.allowed(named, first == null ? Map.of()
                : settings.locks().allowedRisks().getOrDefault(first.version(), Map.of()));
        try {
            work.run();
        } catch (MigrationFailedException e) {
            LockReport partial = run.finish(null, allowed);
            String stopped = run.timeoutMessage();
            MigrationFailedException failure = stopped == null ? e : e.stoppedAtTimeout(stopped);
            throw failure.withLocks(partial);
        } catch (RuntimeException | Error e) {
            run.finish(null, allowed);
            throw e;
        }
        invalidate();
        SchemaSnapshot after = schema();
        return new Observed(run.finish(after, allowed), after);
    }

    /** What {@link #observe} saw: the lock report, and the schema after the run (null when not traced). */
    record Observed(LockReport locks, SchemaSnapshot after) {
    }

    /** Applies the next migration. */
    public MigrationRun migrateUp() {
        MigrationVersion from = tool.currentVersion().orElse(null);
        Migration next = tool.history().between(from, null).stream().findFirst().orElseThrow(() -> new RehearsalException(
                "No migration left to apply: the database is at the latest version " + from));
        return migrateTo(next.version().toString());
    }

    /** Reverts the current migration with its down script. */
    public MigrationRun migrateDown() {
        MigrationVersion from = tool.currentVersion().orElseThrow(() -> new RehearsalException(
                "No migration to revert: the database is empty"));
        Migration current = tool.history().find(from).orElseThrow();
        return tool.history().previous(current)
                .map(p -> migrateTo(p.version().toString()))
                .orElseGet(() -> migrateTo("base"));
    }

    private void requireDown(Migration m) {
        if (!m.reversible()) {
            throw new RehearsalException("Cannot revert " + m.displayName() + ": it has no down script (expected "
                    + tool.expectedDownScript(m) + " next to " + m.up().name() + ")");
        }
    }

    /**
     * One step per migration not yet applied (and one for the repeatable migrations, if any), to be run in order:
     * each step's {@link RoundTripStep#up()}, {@link RoundTripStep#down()}, {@link RoundTripStep#upAgain()}.
     * Total work is linear in the number of migrations: each step starts from the state the previous one left.
     */
    public List<RoundTripStep> roundTripSteps() {
        MigrationVersion from = tool.currentVersion().orElse(null);
        List<RoundTripStep> steps = new ArrayList<>();
        for (Migration m : tool.history().between(from, null)) {
            steps.add(new RoundTripStep(this, m));
        }
        if (!tool.history().repeatable().isEmpty()) {
            steps.add(new RoundTripStep(this, null));
        }
        blockedBy = null;
        plan = List.copyOf(steps);
        return plan;
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
        return new RoundTripReport(source.describe(), provider.describe(), plan.stream().map(RoundTripStep::result).toList());
    }

    // ---- state shared with RoundTripStep ----

    MigrationTool tool() {
        return tool;
    }

    String blockedBy() {
        return blockedBy;
    }

    void block(String reason) {
        if (blockedBy == null) {
            blockedBy = reason;
        }
    }

    void markDirty(String reason) {
        dirty = true;
        dirtyReason = reason;
        cleanSnapshot = null;
    }

    void markClean(SchemaSnapshot snapshot) {
        dirty = false;
        dirtyReason = null;
        cleanSnapshot = snapshot;
    }

    private void invalidate() {
        cleanSnapshot = null;
    }

    /**
     * Brings the database to {@code version} in a known-good state for the next step; rebuilds a fresh database
     * if a failed step left it dirty. Returns a note when it had to rebuild, else null.
     */
    String prepare(MigrationVersion version) {
        MigrationVersion current = tool.currentVersion().orElse(null);
        if (!dirty) {
            if (current == null ? version == null : version != null && current.compareTo(version) == 0) {
                return null;
            }
            if (version != null && (current == null || current.compareTo(version) < 0)) {
                cleanSnapshot = null;
                tool.upTo(version);
                return null;
            }
        }
        String reason = dirty ? dirtyReason : "the database was at " + current + " instead of " + version;
        rebuildAt(version);
        return "rebuilt a fresh database at " + (version == null ? "the empty state" : "V" + version)
                + " to carry on, because " + reason;
    }

    private void rebuildAt(MigrationVersion version) {
        closeSnapshotConnection();
        EphemeralDatabase old = database;
        if (lockObservation != null) {
            lockObservation.close();
        }
        database = provider.createDatabase();
        old.close();
        openTool();
        if (version != null) {
            tool.upTo(version);
        }
        dirty = false;
        dirtyReason = null;
        cleanSnapshot = null;
    }

    SchemaSnapshot cleanSnapshot() {
        if (cleanSnapshot == null) {
            cleanSnapshot = schema();
        }
        return cleanSnapshot;
    }

    private void closeSnapshotConnection() {
        if (snapshotConnection != null) {
            try {
                snapshotConnection.close();
            } catch (SQLException ignored) {
                // the database is about to be dropped
            }
            snapshotConnection = null;
        }
    }

    /** Drops the throwaway database. */
    @Override
    public void close() {
        closeSnapshotConnection();
        if (lockObservation != null) {
            lockObservation.close();
        }
        database.close();
    }

    private final class FollowingDataSource extends DelegatingDataSource {
        @Override
        protected DataSource target() {
            return database.dataSource();
        }

        @Override
        public Connection getConnection() throws SQLException {
            return database.dataSource().getConnection();
        }

        @Override
        public String toString() {
            return "DataSource of " + database;
        }
    }
}
