package dev.rehearsal.benchmarks;

/**
 * How many measured rounds a benchmark of several alternating rounds runs, and whether a warm-up round comes first:
 * all of them after a warm-up where every benchmark runs ({@code -Drehearsal.benchmark.all=true}, the run that writes
 * docs/benchmarks.md); one, without a warm-up, in the README's test command, where the benchmark checks that its work
 * still runs and still finds what it must, and its figures only show the way.
 */
final class MeasuredRounds {

    private MeasuredRounds() {
    }

    /** {@code all} where every benchmark runs, else 1. */
    static int of(int all) {
        return Boolean.getBoolean("rehearsal.benchmark.all") ? all : 1;
    }

    /** Whether a warm-up round comes before the measured ones: where every benchmark runs. */
    static boolean warmUp() {
        return Boolean.getBoolean("rehearsal.benchmark.all");
    }

    /** The first round of a loop whose round 0 warms up: 0 where it does, else 1. */
    static int firstRound() {
        return warmUp() ? 0 : 1;
    }
}
