package dev.rehearsal.junit.internal;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.NewMigrations;
import dev.rehearsal.core.OnlyNew;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.RoundTripStep;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.QueryResult;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.report.ReportFormat;
import dev.rehearsal.core.report.ReportWriter;
import dev.rehearsal.core.schema.SchemaSnapshot;
import dev.rehearsal.junit.Rehearsal;
import dev.rehearsal.snapshots.GoldenSchemas;
import dev.rehearsal.snapshots.SchemaAtVersion;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

import javax.sql.DataSource;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The {@link Rehearsal} a test receives; closed by the extension's store when the test ends, which writes the
 * round-trip report and drops the database.
 */
final class DefaultRehearsal implements Rehearsal, StoredResource {

    private final MigrationRehearsal core;
    private final ReportOutput output;
    private final GoldenSchemas golden;
    private boolean roundTripsPlanned;
    private boolean onlyNew;
    private boolean keepBase;
    private static final String ONLY_NEW = "only new \u203a the released migrations, applied without checks";

    private final Supplier<ProductionVolumes> volumes;
    private final Supplier<EstimateSettings> estimateSettings;
    private final List<VolumeEstimate> estimates = new ArrayList<>();
    /** The runs this rehearsal returned, by identity, with their estimates once asked for. */
    private final Map<MigrationRun, List<VolumeEstimate>> runs = new IdentityHashMap<>();

    /** Which migrations are new, whose risks fail a test; null for none (a rehearsal outside the extension). */
    private Supplier<NewMigrations> judged;

    DefaultRehearsal(MigrationRehearsal core, ReportOutput output, GoldenSchemas golden,
                     Supplier<ProductionVolumes> volumes, Supplier<EstimateSettings> estimateSettings) {
        this.volumes = volumes;
        this.estimateSettings = estimateSettings;
        this.core = core;
        this.golden = golden;
        this.output = output;
        RunEstimates.opened(this);
    }

    /** Judges the risks of the migrations {@code judged} names new: each gets a failing "risks" test in round trips. */
    DefaultRehearsal judging(Supplier<NewMigrations> judged) {
        this.judged = judged;
        return this;
    }

    /**
     * Makes {@link #roundTrips()} yield only the steps of the migrations the change adds, over the released ones
     * applied without checks ({@code rehearsal.only-new}); with {@code keepBase}, copied from a base an earlier run
     * kept where the provider keeps one ({@code rehearsal.only-new.keep-base}).
     */
    DefaultRehearsal onlyNew(boolean value, boolean keepBase) {
        this.onlyNew = value;
        this.keepBase = keepBase;
        return this;
    }

    @Override
    public MigrationHistory history() {
        return core.history();
    }

    @Override
    public Optional<MigrationVersion> currentVersion() {
        return core.currentVersion();
    }

    @Override
    public MigrationRun migrateTo(String version) {
        return made(core.migrateTo(version));
    }

    @Override
    public MigrationRun migrateTo(String version, Traffic traffic) {
        return made(core.migrateTo(version, traffic));
    }

    /** Keeps the run, so that its estimate can be asked for by the run alone ({@link RunEstimates}). */
    private MigrationRun made(MigrationRun run) {
        synchronized (runs) {
            runs.put(run, null);
        }
        return run;
    }

    /** Whether this rehearsal made {@code run} (the very object). */
    boolean returned(MigrationRun run) {
        synchronized (runs) {
            return runs.containsKey(run);
        }
    }

    @Override
    public SchemaAtVersion schemaAt(String version) {
        Migration migration = "latest".equalsIgnoreCase(version) ? core.history().latest()
                .flatMap(v -> core.history().find(v)).orElseThrow() : core.migration(version);
        return golden.at(migration, core.schemaAt(migration.version()), core.database().dialect());
    }

    @Override
    public MigrationRun migrateUp() {
        return made(core.migrateUp());
    }

    @Override
    public MigrationRun migrateDown() {
        return made(core.migrateDown());
    }

    @Override
    public SchemaSnapshot schema() {
        return core.schema();
    }

    @Override
    public DataSource dataSource() {
        return core.dataSource();
    }

    @Override
    public Stream<DynamicNode> roundTrips() {
        if (!onlyNew || judged == null) {
            return planned();
        }
        // the base is reached here, before any step is planned from it (JUnit may run dynamic tests in parallel, so
        // nothing may wait on one test having run); the first step's note says how, and a failure has a test of its own
        OnlyNew base;
        try {
            base = OnlyNew.reach(core, judged.get(), keepBase);
        } catch (RuntimeException e) {
            return Stream.of(DynamicTest.dynamicTest(ONLY_NEW, () -> {
                throw e;
            }));
        }
        return base.nothingNew() ? Stream.empty() : planned();
    }

    private Stream<DynamicNode> planned() {
        List<RoundTripStep> steps = core.roundTripSteps();
        roundTripsPlanned = true;
        OrderedPhases phases = new OrderedPhases(steps);
        // each test's name carries its migration (V10 create group channels › down): build tools that list tests
        // by name (Surefire, Gradle) then count three per migration and name the migration of a failure
        return steps.stream().map(step -> DynamicContainer.dynamicContainer(step.displayName(), source(step),
                Stream.concat(step.phases().stream().map(phase -> DynamicTest.dynamicTest(testName(step, phase.label()),
                        () -> phases.run(step, phase))), judged == null ? Stream.empty()
                        : RiskTests.of(step, phases, judged))));
    }

    /** {@code V10 create group channels › down}. */
    static String testName(RoundTripStep step, String test) {
        return step.displayName() + " \u203a " + test;
    }

    private static URI source(RoundTripStep step) {
        return step.migration().map(m -> m.up()).map(MigrationScript::location).map(location -> {
            try {
                Path path = Path.of(location);
                return Files.exists(path) ? path.toUri() : null;
            } catch (RuntimeException e) {
                return null;
            }
        }).orElse(null);
    }

    @Override
    public RoundTripReport report() {
        return core.report();
    }

    @Override
    public RoundTripReport runRoundTrips() {
        roundTripsPlanned = true;
        return core.runRoundTrips();
    }

    @Override
    public SeedResult seed(long rowsPerTable, TableSeed... overrides) {
        return core.seed(rowsPerTable, overrides);
    }

    @Override
    public SeedResult seed(TableSeed... seeds) {
        return core.seed(seeds);
    }

    @Override
    public Rehearsal seedEachStep(long rows, TableSeed... overrides) {
        core.seedEachStep(rows, overrides);
        return this;
    }

    @Override
    public DataFingerprint fingerprint() {
        return core.fingerprint();
    }

    @Override
    public List<DataProblem> integrityProblems() {
        return core.integrityProblems();
    }

    @Override
    public Rehearsal invariant(String name, String sql) {
        core.invariant(name, sql);
        return this;
    }

    @Override
    public void insert(String table, Map<String, ?> row) {
        core.insert(table, row);
    }

    @Override
    public void insert(String table, List<? extends Map<String, ?>> rows) {
        core.insert(table, rows);
    }

    @Override
    public void loadFixture(String location) {
        core.loadFixture(location);
    }

    @Override
    public QueryResult query(String sql, Object... parameters) {
        return core.query(sql, parameters);
    }

    @Override
    public VolumeEstimate estimate(String target) {
        return estimate(target, volumes.get(), estimateSettings.get());
    }

    @Override
    public VolumeEstimate estimate(String target, EstimateSettings settings) {
        return estimate(target, volumes.get(), settings);
    }

    @Override
    public List<VolumeEstimate> estimate(MigrationRun run) {
        synchronized (runs) {
            List<VolumeEstimate> known = runs.get(run);
            if (known != null) {
                return known;
            }
        }
        List<VolumeEstimate> made = core.estimate(run, volumes.get(), estimateSettings.get());
        synchronized (runs) {
            runs.put(run, made);
        }
        estimates.addAll(made);
        return made;
    }

    @Override
    public VolumeEstimate estimate(String target, ProductionVolumes productionVolumes, EstimateSettings settings) {
        VolumeEstimate estimate = core.estimate(target, productionVolumes, settings);
        estimates.add(estimate);
        return estimate;
    }

    /**
     * The formats beyond text and JSON (HTML, with the estimates made; SARIF, JUnit XML, GitHub annotations), pointing
     * at the scripts' sources from the build's working directory; on GitHub Actions the annotations are printed too, where the
     * runner turns them into notes on the diff.
     */
    private void writeMachineFormats(RoundTripReport report) {
        List<ReportFormat> extra = output.formats().stream()
                .filter(f -> f != ReportFormat.TEXT && f != ReportFormat.JSON)
                .sorted().toList();
        if (extra.isEmpty()) {
            return;
        }
        ReportWriter writer = ReportWriter.of(report, core.history(),
                Path.of("")).withEstimates(estimates);
        for (ReportFormat format : extra) {
            output.out().println("  " + format.name().toLowerCase(Locale.ROOT) + ": " + writer.write(format, output.directory(),
                    output.name()));
        }
        if (output.annotate() && extra.contains(ReportFormat.GITHUB)) {
            output.out().print(writer.render(ReportFormat.GITHUB));
        }
    }

    @Override
    public void close() {
        try {
            if (!estimates.isEmpty()) {
                VolumeEstimate.writeTo(estimates, output.directory(), output.name());
                VolumeEstimate.biggestRisksFirst(estimates).forEach(e -> output.out().println(e.toText()));
                output.out().println("  estimates: " + output.directory().resolve(output.name() + ".estimates.txt")
                        + " and .json");
            }
            if (roundTripsPlanned) {
                RoundTripReport report = core.report();
                report.writeTo(output.directory(), output.name());
                output.out().print(report.toText());
                output.out().println("  report: " + output.directory().resolve(output.name() + ".txt") + " and .json");
                writeMachineFormats(report);
            }
        } finally {
            RunEstimates.closed(this);
            core.close();
        }
    }
}
