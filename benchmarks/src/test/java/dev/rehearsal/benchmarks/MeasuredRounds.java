package dev.rehearsal.benchmarks;

/**
 * How many measured rounds a benchmark of several alternating rounds runs: all of them where every benchmark runs
 * ({@code -Drehearsal.benchmark.all=true}, the run that writes docs/benchmarks.md), one in the README's test command,
 * where the benchmark checks that its work still runs and still finds what it must, and its figures only show the way.
 */
final class MeasuredRounds {

    private MeasuredRounds() {
    }

    /** {@code all} where every benchmark runs, else 1. */
    static int of(int all) {
        return Boolean.getBoolean("rehearsal.benchmark.all") ? all : 1;
    }
}
