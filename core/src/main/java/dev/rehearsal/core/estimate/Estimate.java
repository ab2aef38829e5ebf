package dev.rehearsal.core.estimate;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.Locale;

/**
 * A duration at production volume: the most likely value and an interval around it (from the fit's residuals and
 * the spread of repeated runs, widened with the distance it is extrapolated).
 *
 * @param likely the point estimate
 * @param low    the interval's lower end
 * @param high   the interval's upper end
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record Estimate(Duration likely, Duration low, Duration high) {

    /** Nothing: no statement, no lock. */
    public static final Estimate ZERO = new Estimate(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** The sum of two estimates (intervals added end to end: a conservative bound). */
    public Estimate plus(Estimate other) {
        return new Estimate(likely.plus(other.likely), low.plus(other.low), high.plus(other.high));
    }

    /** {@code about 6 min 40 s (4 min 10 s - 9 min)}. */
    @Override
    public String toString() {
        return "about " + human(likely) + " (" + human(low) + " - " + human(high) + ")";
    }

    /** {@code 850 ms}, {@code 12.4 s}, {@code 6 min 40 s}, {@code 2 h 5 min}. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = Math.round(ms / 1000.0);
        if (s < 3600) {
            return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
        }
        long min = Math.round(s / 60.0);
        return (min / 60) + " h" + (min % 60 == 0 ? "" : " " + (min % 60) + " min");
    }
}
