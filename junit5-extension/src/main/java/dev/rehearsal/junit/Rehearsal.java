package dev.rehearsal.junit;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.QueryResult;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.schema.SchemaSnapshot;
import dev.rehearsal.snapshots.SchemaAtVersion;
import org.apiguardian.api.API;
import org.junit.jupiter.api.DynamicNode;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The per-test handle of a {@link MigrationTest}: one throwaway database and the project's migration history.
 * Declare it as a test method parameter. Dropped when the test ends.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface Rehearsal {

    /** The migrations, in order. */
    MigrationHistory history();

    /** The highest migration applied, empty for a fresh database. */
    Optional<MigrationVersion> currentVersion();

    /**
     * Moves the database to a version: applies the migrations up to it, or reverts those above it with their down
     * scripts. {@code "latest"} also applies repeatable migrations; {@code "base"} reverts everything. Probe traffic
     * runs meanwhile and the run's locks are traced (see {@link MigrationRun#locks()}).
     */
    MigrationRun migrateTo(String version);

    /**
     * Moves the database to a version with this application traffic running meanwhile:
     * {@code Traffic.probes().behindLongTransaction(ofMillis(500))} rehearses the lock queue. The run's
     * {@link MigrationRun#locks()} has the statements, locks, probe waits and risks; assert on it with
     * {@link RehearsalAssertions#assertThat(MigrationRun)}.
     */
    MigrationRun migrateTo(String version, Traffic traffic);

    /** Applies the next migration. */
    MigrationRun migrateUp();

    /** Reverts the current migration with its down script. */
    MigrationRun migrateDown();

    /**
     * The schema at {@code version} ({@code "latest"} for the last), read from a scratch database the migration tool
     * takes up to it; this test's database is not touched. {@code assertThat(rehearsal.schemaAt("5")).matchesGolden()}
     * compares it with its golden file ({@code rehearsal.snapshots.dir}).
     */
    SchemaAtVersion schemaAt(String version);

    /** The schema now, read from the catalog (the migration tool's history table left out). */
    SchemaSnapshot schema();

    /** Connections to the throwaway database. */
    DataSource dataSource();

    /**
     * One container per migration not yet applied, each with the dynamic tests {@code up}, {@code down} and
     * {@code up again}, plus one for the repeatable migrations. Return it from a {@code @TestFactory}.
     * Down must leave the schema exactly as before the up; up again must reproduce the first up's schema.
     * A phase that cannot run (the up failed, the migration is declared irreversible) is reported as aborted.
     */
    Stream<DynamicNode> roundTrips();

    /** What the round trips did so far: per migration, times and results. */
    RoundTripReport report();

    /**
     * Runs every round trip now, without dynamic tests, and returns the report (failures are recorded in it):
     * {@code assertThat(rehearsal.runRoundTrips()).hasNoFailures()}, for {@link MigrationMatrix} methods.
     */
    RoundTripReport runRoundTrips();

    // ---- data ----

    /**
     * Adds {@code rowsPerTable} realistic rows to every table (generated from the schema with Datafaker, foreign keys
     * consistent, one transaction); {@code overrides} change how some tables or columns are filled:
     * {@code seed(1000, table("orders").rows(50_000).oneOf("status", "new", "paid"))}.
     */
    SeedResult seed(long rowsPerTable, TableSeed... overrides);

    /** Adds rows to the tables the seeds name (and to empty tables they reference). */
    SeedResult seed(TableSeed... seeds);

    /**
     * Makes {@link #roundTrips()} run over data: every table topped up to {@code rows} before each step, with these
     * per-table overrides. Call it before {@link #roundTrips()}; {@link Seed @Seed} does the same without overrides.
     */
    Rehearsal seedEachStep(long rows, TableSeed... overrides);

    /** The data's fingerprint now: per table the row count, per column a hash of its values. */
    DataFingerprint fingerprint();

    /** Invalid indexes, violated NOT VALID constraints, foreign-key orphans and sequences behind their column now. */
    List<DataProblem> integrityProblems();

    /**
     * A query whose result every step must keep ({@code "paid orders keep their total"},
     * {@code "select count(*), sum(total) from orders where status = 'paid'"}): checked before and after each
     * round-trip phase and each {@link #migrateTo}. Register it before the steps run.
     */
    Rehearsal invariant(String name, String sql);

    /** Inserts one row at the current version: column names to values. */
    void insert(String table, Map<String, ?> row);

    /** Inserts rows at the current version; names are checked against the schema first. */
    void insert(String table, List<? extends Map<String, ?>> rows);

    /** Inserts the rows of a fixture file (YAML, JSON or CSV; see {@link AtVersion}) at the current version. */
    void loadFixture(String location);

    /** Runs a query and reads all rows; assert on it with {@link RehearsalAssertions#assertThat(QueryResult)}. */
    QueryResult query(String sql, Object... parameters);

    /**
     * What migration {@code target} will take and lock at production volume, with the volumes declared for this test
     * ({@link ProductionVolume}, {@code rehearsal.volume.<table>}, the {@code rehearsal.volumes.file} statistics
     * file): rehearsed at 10,000, 40,000 and 160,000 rows (or {@code rehearsal.estimates.sizes}), fitted per
     * statement and extrapolated. Also written to the report directory as {@code <test>.estimates.txt} and
     * {@code .json}. Leaves the database at the version
     * before {@code target}, with the rows it had (seeding and runs happen on copies). See {@code docs/estimates.md}.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    VolumeEstimate estimate(String target);

    /** As {@link #estimate(String)}, at other sizes, repeats or time budget. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    VolumeEstimate estimate(String target, EstimateSettings settings);

    /**
     * What the migrations {@code run} applied will take and lock at production volume, with the volumes declared for
     * this test: each one whose up script names a table with a volume, estimated as {@link #estimate(String)} does
     * and written to the same reports. The database is put back as the run left it. What
     * {@code assertThat(run).atProductionVolume()} checks budgets on.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    List<VolumeEstimate> estimate(MigrationRun run);

    /** As {@link #estimate(String)}, with these volumes and settings instead. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    VolumeEstimate estimate(String target, ProductionVolumes volumes,
                                                        EstimateSettings settings);
}
