package dev.rehearsal.core;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.Invariant;
import dev.rehearsal.core.data.QueryResult;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * What the public API asks of core's implementation: a rehearsal's engine, the layouts' detection, and the JSON
 * report ({@link dev.rehearsal.core.report.ReportRendering} has the other formats). Found once by {@link ServiceLoader} in core itself, so that the API packages name no internal class and
 * the implementation depends on the API, never the other way round. Not for users.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface CoreRuntime {

    /**
     * The engine of one rehearsal on a fresh database from {@code provider}, created while {@code source} is found;
     * see {@link MigrationRehearsal}.
     */
    Backend start(RehearsalSettings settings, Supplier<MigrationSource> source, DatabaseProvider provider);

    /** The source for the settings' location; see {@link MigrationSources#detect}. */
    MigrationSource detect(RehearsalSettings settings, ClassLoader classLoader);

    /** Every migration tool's format and layout, in one line for messages; see {@link MigrationSources#SUPPORTED}. */
    String supportedLayouts();

    /** The location migrations are read from when the settings name none; see {@link MigrationSources#defaultLocation}. */
    String defaultLocation(ToolSettings tool, ClassLoader classLoader);

    /** The report as JSON; {@code partial} marks an interrupted run, {@code interruptedDuring} may be null. */
    String reportJson(RoundTripReport report, boolean partial, String interruptedDuring);

    /**
     * How a pull request's base was reached ({@link MigrationRehearsal#reachReleased}).
     *
     * @param took how long it took
     * @param how  for the report: applied by the tool's ups, or copied from a kept base, and whether it was kept
     */
    record BaseReached(Duration took, String how) {
    }

    /** Core's implementation. */
    static CoreRuntime get() {
        return Loaded.RUNTIME;
    }

    /** Holds the implementation, loaded once. */
    final class Loaded {
        private static final CoreRuntime RUNTIME = ServiceLoader.load(CoreRuntime.class,
                CoreRuntime.class.getClassLoader()).findFirst().orElseThrow(() -> new IllegalStateException(
                "No " + CoreRuntime.class.getName() + " found: rehearsal-core's META-INF/services entry is missing"
                        + " (a jar built without merging service files?)"));

        private Loaded() {
        }
    }

    /** One rehearsal's engine, behind {@link MigrationRehearsal}, which documents each operation. */
    interface Backend extends AutoCloseable {
        RehearsalSettings settings();

        MigrationHistory history();

        MigrationTool tool();

        EphemeralDatabase database();

        DataSource dataSource();

        Optional<MigrationVersion> currentVersion();

        SchemaSnapshot fullSchema();

        SchemaSnapshot currentSchema();

        SchemaSnapshot scratchSchema(MigrationVersion version);

        void checkEachUp(SchemaCheck check);

        SeedResult seed(Map<String, Long> rows, List<TableSeed> overrides);

        Map<String, Long> everyTable(long rows);

        SeedResult seedTables(List<TableSeed> seeds);

        void seedEachStep(long rows, TableSeed... overrides);

        DataFingerprint fingerprint(SchemaSnapshot snapshot);

        List<DataProblem> integrityProblems(SchemaSnapshot snapshot);

        void invariant(Invariant invariant);

        List<Invariant> invariants();

        void insert(String table, List<? extends Map<String, ?>> rows);

        void loadFixture(String location);

        QueryResult query(String sql, Object... parameters);

        MigrationRun moveTo(MigrationVersion to, boolean latest, Traffic traffic);

        BaseReached applyReleased(MigrationVersion target, boolean keep);

        Traffic traffic();

        VolumeEstimate estimate(Migration migration, ProductionVolumes volumes, EstimateSettings settings);

        List<VolumeEstimate> estimate(MigrationRun run, ProductionVolumes volumes, EstimateSettings settings);

        void budgetsAtProductionVolume(ProductionVolumes volumes, EstimateSettings settings);

        void production(Supplier<NewMigrations> judged, ProductionVolumes volumes);

        List<VolumeEstimate> productionEstimates();

        List<? extends Step> roundTripSteps();

        int parallelParts();

        String describeSource();

        String describeProvider();

        @Override
        void close();
    }

    /** One round-trip step, behind {@link RoundTripStep}, which documents each operation. */
    interface Step {
        Optional<Migration> migration();

        String displayName();

        List<PhaseResult.Phase> phases();

        void run(PhaseResult.Phase phase);

        StepResult result();
    }
}
