package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.estimate.Estimate;
import dev.rehearsal.core.estimate.StatementEstimate;
import dev.rehearsal.core.estimate.VolumeEstimate;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Budgets at production volume on what a {@link MigrationRun} applied, from
 * {@code assertThat(run).atProductionVolume()}: {@code .tookAtMost(ofMinutes(1)).blockedWritesAtMost(ofSeconds(2))}.
 * The run's duration is the sum of its migrations' estimates; waits are per migration (each takes and releases its
 * own locks), so each one must stay within a wait budget. A failure gives the estimate, its interval, the statement
 * that costs most and the safe alternative the risk rules know for it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public class ProductionVolumeAssert extends AbstractAssert<ProductionVolumeAssert, List<VolumeEstimate>> {

    private final MigrationRun run;

    public ProductionVolumeAssert(MigrationRun run, List<VolumeEstimate> estimates) {
        super(estimates, ProductionVolumeAssert.class);
        this.run = run;
        if (estimates.isEmpty()) {
            failWithMessage("%s", "Nothing to estimate at production volume: "
                    + run.migrations().stream().map(Migration::displayName).collect(Collectors.joining(", "))
                    + (run.migrations().isEmpty() ? "the run applied no migration"
                    : " name no table with a production volume that exists before them")
                    + ". Declare the volumes of the tables they change (@ProductionVolume(table = \"orders\", rows ="
                    + " 50_000_000), rehearsal.volume.<table>=<rows> or rehearsal.volumes.file)");
        }
    }

    /** Verifies the run's migrations would take at most {@code max} together at production volume. */
    public ProductionVolumeAssert tookAtMost(Duration max) {
        if (actual.size() == 1) {
            new VolumeEstimateAssert(actual.get(0)).tookAtMost(max);
            return this;
        }
        Estimate total = actual.stream().map(VolumeEstimate::total).reduce(Estimate.ZERO, Estimate::plus);
        if (total.likely().compareTo(max) > 0) {
            StringBuilder sb = new StringBuilder("The run to " + run.to() + " would take " + total
                    + " at production volume, over the budget of " + Estimate.human(max) + ":");
            actual.forEach(e -> sb.append("\n  ").append(e.migration().displayName()).append(": ").append(e.total()));
            actual.stream().flatMap(e -> e.statements().stream())
                    .max(Comparator.comparing((StatementEstimate s) -> s.estimate().likely()))
                    .ifPresent(s -> sb.append("\n  most of it: ").append(s.toText()));
            failWithMessage("%s", sb.toString());
        }
        return this;
    }

    /** Verifies the application's writes would wait at most {@code max} behind each migration's locks. */
    public ProductionVolumeAssert blockedWritesAtMost(Duration max) {
        actual.forEach(e -> new VolumeEstimateAssert(e).blockedWritesAtMost(max));
        return this;
    }

    /** Verifies the application's reads would wait at most {@code max} behind each migration's locks. */
    public ProductionVolumeAssert blockedReadsAtMost(Duration max) {
        actual.forEach(e -> new VolumeEstimateAssert(e).blockedReadsAtMost(max));
        return this;
    }
}
