package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Estimates at production volume for a rehearsal: of one migration, of the migrations a run applied, and of each
 * round trip's up when lock budgets are to hold at production volume ({@link #budgetsAt}).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ProductionBudgets {

    private final RehearsalEngine engine;
    /** Volumes and settings for lock budgets at production volume in round trips; null when not asked for. */
    private ProductionVolumes budgetVolumes;
    private EstimateSettings budgetEstimates;
    /** The estimates round trips made, in the order of their ups. */
    private final List<VolumeEstimate> made = new CopyOnWriteArrayList<>();

    ProductionBudgets(RehearsalEngine engine) {
        this.engine = engine;
    }

    /** Makes the round trips check the lock budget at these volumes too. */
    public void budgetsAt(ProductionVolumes volumes, EstimateSettings estimateSettings) {
        if (volumes.isEmpty()) {
            throw new RehearsalException("Lock budgets at production volume need production volumes: declare them with"
                    + " @ProductionVolume(table = \"orders\", rows = 50_000_000), rehearsal.volume.<table>=<rows> or"
                    + " rehearsal.volumes.file (docs/estimates.md)");
        }
        this.budgetVolumes = volumes;
        this.budgetEstimates = estimateSettings;
    }

    /** Whether round trips check budgets at production volume. */
    boolean on() {
        return budgetVolumes != null;
    }

    /** What {@code migration} will take at production volume, estimated on copies from the version before it. */
    public VolumeEstimate estimate(Migration migration, ProductionVolumes volumes, EstimateSettings settings) {
        return VolumeEstimator.estimate(engine, migration, volumes, settings);
    }

    /**
     * The estimate a round trip's up checks its budget against: null when budgets at production volume are off, the
     * migration's up script names none of the tables with a volume, or none of them exists before it.
     */
    VolumeEstimate estimateForBudget(Migration m) {
        // tables no larger in production than the smallest estimate size are as the round trip measures them already
        if (budgetVolumes == null || largestNamed(m, budgetVolumes).orElse(0) <= budgetEstimates.sizes().get(0)) {
            return null;
        }
        VolumeEstimate estimate = estimate(m, budgetVolumes, budgetEstimates);
        made.add(estimate);
        return estimate;
    }

    /** The estimates the round trips made so far (each up on a table with a volume, once volumes are given). */
    public List<VolumeEstimate> made() {
        return List.copyOf(made);
    }

    /**
     * The estimates of the migrations {@code run} applied that name a table with a volume, from the version before the
     * run; the database is put back as it is now, rows included.
     */
    public List<VolumeEstimate> estimate(MigrationRun run, ProductionVolumes volumes, EstimateSettings settings) {
        if (run.direction() != MigrationRun.Direction.UP) {
            throw new RehearsalException("Estimates at production volume are of migrations going up; this run reverted "
                    + run.migrations().stream().map(Migration::displayName).collect(Collectors.joining(", "))
                    + ". Estimate the up that the down undoes, or the down script's statements as a migration of their own");
        }
        if (run.migrations().isEmpty()) {
            return List.of();
        }
        if (volumes.isEmpty()) {
            throw VolumeEstimator.noVolumes(run.migrations().get(0));
        }
        DatabaseSession.RestorePoint now = engine.keepRestorePoint();
        if (now == null) {
            throw VolumeEstimator.cannotCopy(engine);
        }
        List<VolumeEstimate> estimates = new ArrayList<>();
        try {
            for (Migration m : run.migrations()) {
                engine.state().prepare(engine.history().previous(m).map(Migration::version).orElse(null));
                if (namesTableWithVolume(m, volumes)) {
                    estimates.add(estimate(m, volumes, settings));
                }
            }
        } finally {
            engine.restore(now);
        }
        return List.copyOf(estimates);
    }

    /**
     * Whether migration {@code m}, about to run on the current database, works on a table with a volume: one that
     * exists now and that its up script names as a word; a migration whose SQL is not known before it runs (Java,
     * Liquibase changes, tools run through their own command) works on every such table that exists.
     */
    private boolean namesTableWithVolume(Migration m, ProductionVolumes volumes) {
        return largestNamed(m, volumes).isPresent();
    }

    /** The largest production volume of the tables with a volume that exist and that the up script names. */
    private OptionalLong largestNamed(Migration m, ProductionVolumes volumes) {
        SchemaSnapshot schema = engine.currentSchema();
        String sql = m.up().sql();
        return volumes.rows().entrySet().stream().filter(e -> schema.table(e.getKey()).isPresent()
                && (sql == null || Pattern.compile("(?i)(?<![\\w$])" + Pattern.quote(
                        e.getKey().contains(".") ? e.getKey().substring(e.getKey().indexOf('.') + 1) : e.getKey())
                        + "(?![\\w$])").matcher(sql).find()))
                .mapToLong(Map.Entry::getValue).max();
    }
}
