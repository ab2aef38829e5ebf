package dev.rehearsal.core.estimate;

import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.time.Duration;
import java.util.List;

/**
 * How a volume estimate rehearses: the sizes it seeds (rows of the largest declared table; the others in proportion
 * to their volumes), how often it runs the migration at each size, and how long it may take in all.
 *
 * @param sizes      three or more sizes, smallest first; the default 10,000, 40,000, 160,000 rows
 * @param repeats    runs at each size (on copies of the seeded database), for the spread; default 2
 * @param timeBudget when reached, estimation stops with the sizes it has (at least two) and says so; default 2 min
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record EstimateSettings(List<Long> sizes, int repeats, Duration timeBudget) {

    /** The defaults: 10k, 40k and 160k rows, two runs each, two minutes. */
    public static final EstimateSettings DEFAULTS = new EstimateSettings(List.of(10_000L, 40_000L, 160_000L), 2,
            Duration.ofMinutes(2));

    public EstimateSettings {
        sizes = List.copyOf(sizes);
        if (sizes.size() < 2) {
            throw new RehearsalException("A volume estimate needs at least two sizes to fit a model (three or more for"
                    + " an interval worth reading); got " + sizes);
        }
        for (int i = 0; i < sizes.size(); i++) {
            if (sizes.get(i) <= 0 || (i > 0 && sizes.get(i) <= sizes.get(i - 1))) {
                throw new RehearsalException("Estimate sizes must be positive and increasing: " + sizes);
            }
        }
        if (repeats < 1) {
            throw new RehearsalException("Estimate repeats must be at least 1: " + repeats);
        }
        if (timeBudget.isNegative() || timeBudget.isZero()) {
            throw new RehearsalException("The estimate time budget must be positive: " + timeBudget);
        }
    }

    /** These settings with other sizes. */
    public EstimateSettings withSizes(Long... sizes) {
        return new EstimateSettings(List.of(sizes), repeats, timeBudget);
    }

    /** These settings with another number of runs per size. */
    public EstimateSettings withRepeats(int repeats) {
        return new EstimateSettings(sizes, repeats, timeBudget);
    }

    /** These settings with another time budget. */
    public EstimateSettings withTimeBudget(Duration timeBudget) {
        return new EstimateSettings(sizes, repeats, timeBudget);
    }
}
