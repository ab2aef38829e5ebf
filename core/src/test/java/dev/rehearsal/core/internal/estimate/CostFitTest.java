package dev.rehearsal.core.internal.estimate;

import dev.rehearsal.core.estimate.CostModel;
import dev.rehearsal.core.estimate.Estimate;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The fit on exact and on noisy synthetic measurements, where the right answer is known. */
class CostFitTest {

    private static List<double[]> points(CostModel model, double a, double b, double noise, long... sizes) {
        List<double[]> points = new ArrayList<>();
        int i = 0;
        for (long n : sizes) {
            for (int repeat = 0; repeat < 2; repeat++) {
                double jitter = 1 + noise * ((i++ % 2 == 0) ? 1 : -1);
                points.add(new double[] {n, (a + b * model.f(n)) * jitter});
            }
        }
        return points;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /**
     * An index build timed once per size on a busy machine, where the smallest size happened to take as long as the
     * largest: its write-ahead log still grows with the rows, so it is not taken as constant.
     */
    @Test
    void timingsThatDoNotGrowAreScaledWhereTheWriteAheadLogDoes() {
        List<double[]> timings = List.of(new double[] {2_000, 0.0070}, new double[] {8_000, 0.0060},
                new double[] {32_000, 0.0075});
        List<long[]> wal = List.of(new long[] {2_000, 42_000}, new long[] {8_000, 162_000},
                new long[] {32_000, 650_000});

        assertThat(CostFit.fit(timings, 50_000_000, true).model()).as("the timings alone").isEqualTo(CostModel.CONSTANT);
        CostFit.Result fit = CostFit.fit(timings, 50_000_000, true, wal);
        assertThat(fit.model()).isEqualTo(CostModel.N_LOG_N);
        assertThat(fit.scaledByLog()).isTrue();
        assertThat(seconds(fit.estimate().likely())).as("at least the largest size's time, times the rows")
                .isGreaterThan(0.0075 * 50_000_000 / 32_000);
        assertThat(seconds(fit.estimate().low())).isGreaterThan(1.0);
    }

    /** A catalog-only change writes about the same log at every size: constant it stays. */
    @Test
    void aCatalogOnlyChangeStaysConstantWhateverItsLog() {
        List<double[]> timings = List.of(new double[] {2_000, 0.0010}, new double[] {8_000, 0.0011},
                new double[] {32_000, 0.0010});
        List<long[]> wal = List.of(new long[] {2_000, 400}, new long[] {8_000, 420}, new long[] {32_000, 410});
        assertThat(CostFit.fit(timings, 50_000_000, false, wal).model()).isEqualTo(CostModel.CONSTANT);
        List<long[]> none = List.of(new long[] {2_000, 0}, new long[] {8_000, 0}, new long[] {32_000, 0});
        assertThat(CostFit.fit(timings, 50_000_000, false, none).model()).isEqualTo(CostModel.CONSTANT);
        List<long[]> unknown = List.of(new long[] {2_000, -1}, new long[] {32_000, -1});
        assertThat(CostFit.fit(timings, 50_000_000, false, unknown).model()).isEqualTo(CostModel.CONSTANT);
        // a checkpoint's page image in one run at the largest size: twenty times the log, yet a few bytes a row
        List<long[]> oneImage = List.of(new long[] {2_000, 400}, new long[] {8_000, 420}, new long[] {32_000, 8_600});
        assertThat(CostFit.fit(timings, 50_000_000, false, oneImage).model()).isEqualTo(CostModel.CONSTANT);
        // repeated runs: another session's log in one of them is not the statement's (each size's least counts)
        List<long[]> repeats = List.of(new long[] {2_000, 400}, new long[] {2_000, 410}, new long[] {8_000, 420},
                new long[] {8_000, 900_000}, new long[] {32_000, 410}, new long[] {32_000, 2_000_000});
        assertThat(CostFit.fit(timings, 50_000_000, false, repeats).model()).isEqualTo(CostModel.CONSTANT);
    }

    /** A rewrite (linear) whose log grows at each size, though one size's timing fell below the smallest's. */
    @Test
    void aRewriteWhoseLogGrowsIsScaledLinearlyWithSomeUnknownLogs() {
        List<double[]> timings = List.of(new double[] {2_000, 0.0040}, new double[] {8_000, 0.0035},
                new double[] {32_000, 0.0050});
        List<long[]> wal = List.of(new long[] {2_000, -1}, new long[] {2_000, 200_000}, new long[] {8_000, 800_000},
                new long[] {32_000, 3_200_000});
        CostFit.Result fit = CostFit.fit(timings, 10_000_000, false, wal);
        assertThat(fit.model()).isEqualTo(CostModel.LINEAR);
        assertThat(seconds(fit.estimate().likely())).isCloseTo(0.0050 * 10_000_000 / 32_000, within(0.01));
    }

    @Test
    void aLinearCostIsFoundAndExtrapolated() {
        CostFit.Result fit = CostFit.fit(points(CostModel.LINEAR, 0.001, 2e-7, 0, 10_000, 40_000, 160_000), 50_000_000, false);
        assertThat(fit.model()).isEqualTo(CostModel.LINEAR);
        assertThat(seconds(fit.estimate().likely())).isCloseTo(0.001 + 2e-7 * 50_000_000, within(0.01));
        assertThat(fit.relativeResidual()).isLessThan(1e-9);
    }

    @Test
    void aSortIsFoundAsNLogNEvenWhenTriedSecond() {
        CostFit.Result sort = CostFit.fit(points(CostModel.N_LOG_N, 0.002, 1e-8, 0, 10_000, 40_000, 160_000, 640_000),
                50_000_000, false);
        assertThat(sort.model()).isEqualTo(CostModel.N_LOG_N);
        assertThat(seconds(sort.estimate().likely())).isCloseTo(0.002 + 1e-8 * CostModel.N_LOG_N.f(50_000_000),
                within(0.05));
    }

    @Test
    void flatDurationsWithinTheNoiseAreConstantAndNotExtrapolated() {
        List<double[]> flat = List.of(new double[] {10_000, 0.0011}, new double[] {10_000, 0.0009},
                new double[] {40_000, 0.0012}, new double[] {40_000, 0.0010}, new double[] {160_000, 0.0010},
                new double[] {160_000, 0.0013});
        CostFit.Result fit = CostFit.fit(flat, 50_000_000, false);
        assertThat(fit.model()).isEqualTo(CostModel.CONSTANT);
        assertThat(seconds(fit.estimate().high())).isLessThan(0.01);
    }

    @Test
    void noiseAndDistanceWidenTheInterval() {
        Estimate exact = CostFit.fit(points(CostModel.LINEAR, 0.001, 2e-7, 0, 10_000, 40_000, 160_000), 2_000_000, false)
                .estimate();
        Estimate noisy = CostFit.fit(points(CostModel.LINEAR, 0.001, 2e-7, 0.2, 10_000, 40_000, 160_000), 2_000_000, false)
                .estimate();
        Estimate far = CostFit.fit(points(CostModel.LINEAR, 0.001, 2e-7, 0, 10_000, 40_000, 160_000), 2_000_000_000, false)
                .estimate();
        assertThat(ratio(noisy)).isGreaterThan(ratio(exact));
        assertThat(ratio(far)).isGreaterThan(ratio(exact));
        assertThat(ratio(exact)).isCloseTo(1 + 0.10 * (1 + 0.25 * Math.log10(2_000_000 / 160_000.0)), within(1e-3));
    }

    /** high / likely: the interval's relative half-width plus one. */
    private static double ratio(Estimate e) {
        return seconds(e.high()) / seconds(e.likely());
    }

    @Test
    void aShrinkingDurationIsNotExtrapolatedDownwards() {
        List<double[]> shrinking = List.of(new double[] {10_000, 0.030}, new double[] {40_000, 0.020},
                new double[] {160_000, 0.010});
        CostFit.Result fit = CostFit.fit(shrinking, 50_000_000, false);
        assertThat(fit.model()).isEqualTo(CostModel.CONSTANT);
        assertThat(seconds(fit.estimate().likely())).isCloseTo(0.020, within(1e-6));
    }

    @Test
    void bytesAndRowsAreExtrapolatedOnALineAndUnknownStaysUnknown() {
        // 4 kB of fixed cost and 100 bytes per row, measured twice at each size, one measurement unknown
        List<long[]> bytes = List.of(new long[] {10_000, 1_004_096}, new long[] {10_000, 1_004_096},
                new long[] {40_000, 4_004_096}, new long[] {40_000, -1}, new long[] {160_000, 16_004_096});
        assertThat(CostFit.linearAt(bytes, 50_000_000)).isEqualTo(5_000_004_096L);
        assertThat(CostFit.linearAt(List.of(new long[] {10_000, 0}, new long[] {40_000, 0}), 50_000_000))
                .isZero();
        assertThat(CostFit.linearAt(List.of(new long[] {10_000, -1}, new long[] {40_000, -1}), 50_000_000))
                .isEqualTo(-1);
        // one size only: the value as measured, no growth to extrapolate
        assertThat(CostFit.linearAt(List.<long[]>of(new long[] {10_000, 7}), 50_000_000)).isEqualTo(7);
        // a shrinking quantity never goes below zero
        assertThat(CostFit.linearAt(List.of(new long[] {10_000, 100}, new long[] {40_000, 10}), 50_000_000))
                .isZero();
    }

    @Test
    void whenTheSizesCannotTellLinearFromNLogNTheEstimateLiesBetweenThemAndItsIntervalCoversBoth() {
        // a rewrite measured with a little noise: linear and n log n fit about as well
        double[][] raw = {{10_000, 0.0110}, {10_000, 0.0100}, {40_000, 0.0400}, {40_000, 0.0430}, {160_000, 0.165},
                {160_000, 0.175}};
        List<double[]> points = Arrays.asList(raw);
        double straightLine = CostFit.linearAt(Arrays.stream(raw)
                .map(p -> new long[] {(long) p[0], Math.round(p[1] * 1e6)}).toList(), 2_000_000) / 1e6;
        for (boolean sorting : new boolean[] {false, true}) {
            CostFit.Result fit = CostFit.fit(points, 2_000_000, sorting);
            assertThat(fit.model()).isEqualTo(sorting ? CostModel.N_LOG_N : CostModel.LINEAR); // the one tried first
            double likely = seconds(fit.estimate().likely());
            // above the straight line (n log n pulls it up), below n log n alone (about a fifth higher here)
            assertThat(likely).isGreaterThan(straightLine * 1.03).isLessThan(straightLine * 1.2);
            assertThat(seconds(fit.estimate().low())).isLessThan(straightLine);
            assertThat(seconds(fit.estimate().high())).isGreaterThan(straightLine * 1.15);
        }
    }
}
