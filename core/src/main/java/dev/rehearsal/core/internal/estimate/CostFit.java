package dev.rehearsal.core.internal.estimate;

import dev.rehearsal.core.estimate.CostModel;
import dev.rehearsal.core.estimate.Estimate;
import org.apiguardian.api.API;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fits one statement's durations measured at several sizes to a {@link CostModel} and extrapolates it.
 * <ul>
 *   <li><b>Constant</b> when the growth from the smallest to the largest size is within the noise: three times the
 *       spread of repeated runs at one size, and never less than 2 ms; unless the statement's write-ahead log grows
 *       with the rows at every step between sizes, where the time is the largest size's scaled by the model the
 *       statement starts from.</li>
 *   <li>Otherwise {@code a + b f(rows)} by least squares on relative errors (each point weighted by 1/y², so that the
 *       small sizes count as much as the large), for {@code f = rows} and {@code rows log rows}. Sorts (index builds,
 *       primary keys, unique constraints, CLUSTER) start from n log n and the rest from linear; the other model is
 *       chosen where it fits with less than half the squared error. Where neither model has half the other's
 *       error, the sizes cannot tell them apart: the estimate is the mean of their extrapolations, and its interval
 *       covers both (the model named is the one tried first). A negative slope falls back to constant.</li>
 *   <li>The interval is symmetric in ratio: {@code likely / (1 + w)} to {@code likely * (1 + w)}, with
 *       {@code w = (0.10 + 2 s) (1 + 0.25 log10(target / largest size))}, {@code s} the fit's relative residual
 *       (repeats included): a noisier fit, or a longer extrapolation, gives a wider interval.</li>
 * </ul>
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CostFit {

    /**
     * The fitted model and its estimate at the target size; {@code scaledByLog} where the timings did not grow but
     * the write-ahead log did, and the time was scaled from the largest size.
     */
    public record Result(CostModel model, double a, double b, Estimate estimate, double relativeResidual,
                         boolean scaledByLog) {

        Result(CostModel model, double a, double b, Estimate estimate, double relativeResidual) {
            this(model, a, b, estimate, relativeResidual, false);
        }
    }

    /** The least growth of the log a row that tells the table's rows written from a few pages written once. */
    private static final long LOG_BYTES_PER_ROW = 4;

    private static final double MIN_GROWTH_SECONDS = 0.002;

    private CostFit() {
    }

    /**
     * @param points  measured (rows, seconds) pairs, several per size where runs were repeated
     * @param target  rows to extrapolate to
     * @param sorting whether the statement sorts (index build...), which makes n log n the first model tried
     */
    public static Result fit(List<double[]> points, double target, boolean sorting) {
        return fit(points, target, sorting, List.of());
    }

    /**
     * As {@link #fit(List, double, boolean)}, where {@code work} (measured (rows, write-ahead log bytes) pairs, one a
     * run; -1 for unknown) also tells whether the statement grows with rows: one whose log grows with the table is not
     * taken as constant because its timings did not show it (a busy machine, one repeat); its time is the largest
     * size's scaled by the model it starts from ({@link Result#scaledByLog()}).
     */
    public static Result fit(List<double[]> points, double target, boolean sorting, List<long[]> work) {
        Result fit = fitTimings(points, target, sorting);
        if (fit.model() != CostModel.CONSTANT || !grows(work)) {
            return fit;
        }
        CostModel model = sorting ? CostModel.N_LOG_N : CostModel.LINEAR;
        TreeMap<Double, List<Double>> bySize = new TreeMap<>();
        for (double[] p : points) {
            bySize.computeIfAbsent(p[0], k -> new ArrayList<>()).add(p[1]);
        }
        double largestSize = bySize.lastKey();
        double b = mean(bySize.get(largestSize)) / model.f(largestSize);
        double likely = b * model.f(target);
        return new Result(model, 0, b, interval(likely, fit.relativeResidual(), target, largestSize),
                fit.relativeResidual(), true);
    }

    /**
     * Whether the log grows with the rows at every step from one size to the next, taking each size's least (a
     * checkpoint's page images or another session's log fall on single runs): at least half as many times as the rows,
     * and by at least {@link #LOG_BYTES_PER_ROW} a row, which a few pages written once do not reach.
     */
    private static boolean grows(List<long[]> work) {
        TreeMap<Long, Long> least = new TreeMap<>();
        for (long[] p : work) {
            if (p[1] >= 0) {
                least.merge(p[0], p[1], Math::min);
            }
        }
        if (least.size() < 2) {
            return false;
        }
        Map.Entry<Long, Long> previous = null;
        for (Map.Entry<Long, Long> size : least.entrySet()) {
            if (previous != null) {
                double rows = (double) size.getKey() / Math.max(1, previous.getKey());
                long logGrowth = size.getValue() - previous.getValue();
                boolean grew = previous.getValue() > 0 && (double) size.getValue() / previous.getValue() >= rows / 2
                        && logGrowth >= LOG_BYTES_PER_ROW * (size.getKey() - previous.getKey());
                if (!grew) {
                    return false;
                }
            }
            previous = size;
        }
        return true;
    }

    private static Result fitTimings(List<double[]> points, double target, boolean sorting) {
        Map<Double, List<Double>> bySize = new TreeMap<>();
        for (double[] p : points) {
            bySize.computeIfAbsent(p[0], k -> new ArrayList<>()).add(p[1]);
        }
        List<Double> sizes = new ArrayList<>(bySize.keySet());
        double smallest = mean(bySize.get(sizes.get(0)));
        double largest = mean(bySize.get(sizes.get(sizes.size() - 1)));
        double noise = pooledSpread(bySize);
        if (sizes.size() < 2 || largest - smallest < Math.max(MIN_GROWTH_SECONDS, 3 * noise)) {
            return constant(points, target, sizes.get(sizes.size() - 1));
        }
        CostModel first = sorting ? CostModel.N_LOG_N : CostModel.LINEAR;
        CostModel second = sorting ? CostModel.LINEAR : CostModel.N_LOG_N;
        double[] f1 = weightedFit(points, first);
        double[] f2 = weightedFit(points, second);
        double largestSize = sizes.get(sizes.size() - 1);
        if (f1 == null && f2 == null) {
            return constant(points, target, largestSize);
        }
        boolean secondWins = f2 != null && (f1 == null || f2[2] < 0.5 * f1[2]);
        boolean firstWins = f1 != null && (f2 == null || f1[2] < 0.5 * f2[2]);
        if (secondWins || firstWins) {
            CostModel model = secondWins ? second : first;
            double[] fit = secondWins ? f2 : f1;
            double likely = Math.max(0, fit[0] + fit[1] * model.f(target));
            double residual = Math.sqrt(fit[2] / Math.max(1, points.size() - 2));
            return new Result(model, fit[0], fit[1], interval(likely, residual, target, largestSize), residual);
        }
        // the sizes cannot tell the two apart (neither has half the other's error): their mean, with an interval
        // that covers both. A sort measured at a few hundred thousand rows grows about linearly, a rewrite a little
        // faster once the table outgrows the caches; which way production goes the rehearsals cannot show
        double l1 = Math.max(0, f1[0] + f1[1] * first.f(target));
        double l2 = Math.max(0, f2[0] + f2[1] * second.f(target));
        double residual = Math.sqrt(Math.max(f1[2], f2[2]) / Math.max(1, points.size() - 2));
        Estimate around = interval((l1 + l2) / 2, residual, target, largestSize);
        Estimate both = new Estimate(around.likely(), min(around.low(), seconds(Math.min(l1, l2))),
                max(around.high(), seconds(Math.max(l1, l2))));
        return new Result(first, f1[0], f1[1], both, residual);
    }

    /**
     * A quantity that grows in proportion to rows (bytes written, rows changed), at {@code target}: the ordinary
     * least-squares line through the measured (rows, value) pairs, never below zero; -1 when no value was measured
     * (every one negative, meaning unknown). Unknown values among known ones are left out.
     */
    public static long linearAt(List<long[]> points, long target) {
        List<long[]> known = points.stream().filter(p -> p[1] >= 0).toList();
        if (known.isEmpty()) {
            return -1;
        }
        double n = known.size();
        double mx = known.stream().mapToDouble(p -> p[0]).sum() / n;
        double my = known.stream().mapToDouble(p -> p[1]).sum() / n;
        double sxx = 0;
        double sxy = 0;
        for (long[] p : known) {
            sxx += (p[0] - mx) * (p[0] - mx);
            sxy += (p[0] - mx) * (p[1] - my);
        }
        if (sxx == 0) {
            return Math.round(my); // one size only: no growth to extrapolate
        }
        double slope = sxy / sxx;
        return Math.max(0, Math.round(my + slope * (target - mx)));
    }

    private static Result constant(List<double[]> points, double target, double largestSize) {
        double m = mean(points.stream().map(p -> p[1]).toList());
        double sse = 0;
        for (double[] p : points) {
            double r = m == 0 ? 0 : (p[1] - m) / m;
            sse += r * r;
        }
        double residual = Math.sqrt(sse / Math.max(1, points.size() - 1));
        // no extrapolation widening: the model says rows do not matter
        return new Result(CostModel.CONSTANT, m, 0, interval(m, residual, largestSize, largestSize), residual);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Estimate interval(double likely, double residual, double target, double largestSize) {
        double distance = Math.max(0, Math.log10(target / largestSize));
        double w = (0.10 + 2 * residual) * (1 + 0.25 * distance);
        return new Estimate(seconds(likely), seconds(likely / (1 + w)), seconds(likely * (1 + w)));
    }

    /** {a, b, weighted sum of squared relative residuals}, or null when the slope is not positive. */
    private static double[] weightedFit(List<double[]> points, CostModel model) {
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (double[] p : points) {
            double w = 1 / Math.max(p[1] * p[1], 1e-12);
            double x = model.f(p[0]);
            sw += w;
            sx += w * x;
            sy += w * p[1];
            sxx += w * x * x;
            sxy += w * x * p[1];
        }
        double det = sw * sxx - sx * sx;
        if (det == 0) {
            return null;
        }
        double b = (sw * sxy - sx * sy) / det;
        double a = (sy - b * sx) / sw;
        if (b <= 0) {
            return null;
        }
        if (a < 0) { // a negative fixed cost is noise: fit through the origin instead
            a = 0;
            double num = 0, den = 0;
            for (double[] p : points) {
                double w = 1 / Math.max(p[1] * p[1], 1e-12);
                double x = model.f(p[0]);
                num += w * x * p[1];
                den += w * x * x;
            }
            b = num / den;
        }
        double sse = 0;
        for (double[] p : points) {
            double y = a + b * model.f(p[0]);
            double r = (p[1] - y) / p[1];
            sse += r * r;
        }
        return new double[] {a, b, sse};
    }

    private static double pooledSpread(Map<Double, List<Double>> bySize) {
        double sum = 0;
        int n = 0;
        for (List<Double> runs : bySize.values()) {
            if (runs.size() > 1) {
                double m = mean(runs);
                for (double y : runs) {
                    sum += (y - m) * (y - m);
                }
                n += runs.size() - 1;
            }
        }
        return n == 0 ? 0 : Math.sqrt(sum / n);
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(Math.max(0, s) * 1e9));
    }
}
