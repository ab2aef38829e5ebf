package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.schema.SchemaSnapshot;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The core entry point: one project's migration history rehearsed on one throwaway database. Moves the database
 * between versions ({@link #migrateTo(String)}), reads its schema ({@link #schema()}), and plans round trips
 * ({@link #roundTripSteps()}) that apply each migration up, down and up again and check that down leaves no trace
 * and that re-applying reproduces the schema. Not thread-safe: one rehearsal per test.
 */
public final class MigrationRehearsal implements AutoCloseable {

    private final RehearsalSettings settings;
    private final MigrationSource source;
    private final DatabaseProvider provider;
    private EphemeralDatabase database;
    private MigrationTool tool;
    private Connection snapshotConnection;
    private List<RoundTripStep> plan = List.of();

    private boolean dirty;
    private String dirtyReason;
    private String blockedBy;
    private SchemaSnapshot cleanSnapshot;

    private MigrationRehearsal(RehearsalSettings settings, MigrationSource source, DatabaseProvider provider,
                               EphemeralDatabase database, MigrationTool tool) {
        this.settings = settings;
        this.source = source;
        this.provider = provider;
        this.database = database;
        this.tool = tool;
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
            MigrationTool tool = source.open(database.dataSource(), database.dialect());
            return new MigrationRehearsal(settings, source, provider, database, tool);
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

    /**
     * Moves the database to {@code target}: applies the migrations up to it, or reverts those above it with their
     * down scripts. {@code "latest"} applies every versioned migration and then the repeatable ones; {@code "base"}
     * reverts everything.
     *
     * @throws MigrationFailedException when a script fails, naming migration, script, line and SQLState
     * @throws RehearsalException       when the version does not exist or a migration to revert has no down script
     */
    public MigrationRun migrateTo(String target) {
        MigrationHistory history = tool.history();
        boolean latest = "latest".equalsIgnoreCase(target) || "head".equalsIgnoreCase(target);
        boolean base = "base".equalsIgnoreCase(target);
        MigrationVersion to = latest ? history.latest().orElseThrow() : base ? null : history.require(target).version();
        MigrationVersion from = tool.currentVersion().orElse(null);
        long t0 = System.nanoTime();
        invalidate();
        List<Migration> ran;
        MigrationRun.Direction direction;
        if (to != null && (from == null || to.compareTo(from) > 0)) {
            ran = history.between(from, to);
            tool.upTo(to);
            direction = MigrationRun.Direction.UP;
        } else {
            ran = new ArrayList<>(history.between(to, from));
            Collections.reverse(ran);
            for (Migration m : ran) {
                requireDown(m);
            }
            for (Migration m : ran) {
                tool.down(m);
            }
            direction = MigrationRun.Direction.DOWN;
        }
        if (latest && !history.repeatable().isEmpty()) {
            tool.applyRepeatables();
        }
        return new MigrationRun(direction, ran, from, to, Duration.ofNanos(System.nanoTime() - t0));
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
        database = provider.createDatabase();
        old.close();
        tool = source.open(database.dataSource(), database.dialect());
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
        database.close();
    }

    private final class FollowingDataSource implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return database.dataSource().getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return database.dataSource().getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return database.dataSource().getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            database.dataSource().setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            database.dataSource().setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return database.dataSource().getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return database.dataSource().getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return database.dataSource().unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return database.dataSource().isWrapperFor(iface);
        }

        @Override
        public String toString() {
            return "DataSource of " + database;
        }
    }
}
