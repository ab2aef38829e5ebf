package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.estimate.Estimate;
import dev.rehearsal.core.estimate.StatementEstimate;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.LockRisk;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Budgets at production volume, on a migration's {@link VolumeEstimate}:
 * {@code assertThat(rehearsal.estimate("V5")).tookAtMost(ofMinutes(1)).blockedWritesAtMost(ofSeconds(2))}.
 * A budget is broken when the likely estimate exceeds it; the failure gives the estimate, its interval, the statement
 * that costs most and the safe alternative the risk rules know for it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public class VolumeEstimateAssert extends AbstractAssert<VolumeEstimateAssert, VolumeEstimate> {

    public VolumeEstimateAssert(VolumeEstimate actual) {
        super(actual, VolumeEstimateAssert.class);
    }

    /** Verifies the whole migration would take at most {@code max} at production volume. */
    public VolumeEstimateAssert tookAtMost(Duration max) {
        return within(max, actual.total(), "take", s -> true);
    }

    /** Verifies the application's writes would wait at most {@code max} behind the migration's locks. */
    public VolumeEstimateAssert blockedWritesAtMost(Duration max) {
        return within(max, actual.writesBlocked(), "block writes for", StatementEstimate::blocksWrites);
    }

    /** Verifies the application's reads would wait at most {@code max} behind the migration's locks. */
    public VolumeEstimateAssert blockedReadsAtMost(Duration max) {
        return within(max, actual.readsBlocked(), "block reads for", StatementEstimate::blocksReads);
    }

    private VolumeEstimateAssert within(Duration max, Estimate estimate, String what,
                                        Predicate<StatementEstimate> counted) {
        isNotNull();
        if (estimate.likely().compareTo(max) <= 0) {
            return this;
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "%s at %,d rows would %s %s, over the budget of %s",
                actual.migration().displayName(), actual.productionRows(), what, estimate, Estimate.human(max)));
        actual.costliest(counted).ifPresent(s -> sb.append("\n  most of it: ").append(s.toText()));
        for (LockRisk risk : actual.risks()) {
            sb.append("\n  safer: ").append(risk.alternative()).append(" (").append(risk.rule()).append(")");
        }
        if (actual.risks().isEmpty()) {
            sb.append("\n  split the work into batches that each stay within the budget, or run it where the"
                    + " application does not wait on it");
        }
        failWithMessage("%s", sb.toString());
        return this;
    }
}
