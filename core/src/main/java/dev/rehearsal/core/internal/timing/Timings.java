package dev.rehearsal.core.internal.timing;

import org.apiguardian.api.API;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a rehearsal's time goes, by component ({@code tool}, {@code schema.catalog}, {@code locks.begin}...): the
 * speed benchmarks turn it on, run a history and print the milliseconds per phase of each. Off by default, when a
 * {@link #time} costs one volatile read. Process-wide, as a profiler is; the benchmarks run one rehearsal at a time.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Timings {

    /** Total time and count of one component. */
    public record Total(long nanos, long calls) {
    }

    /** Ends the timing of one piece of work. */
    public interface Timer extends AutoCloseable {
        @Override
        void close();
    }

    private static final Timer OFF = () -> { };
    private static final Map<String, LongAdder[]> TOTALS = new ConcurrentHashMap<>();
    private static volatile boolean on;

    private Timings() {
    }

    /** Starts recording from zero. */
    public static void start() {
        TOTALS.clear();
        on = true;
    }

    /** Stops recording and returns the totals by component, sorted by name. */
    public static Map<String, Total> stop() {
        on = false;
        Map<String, Total> result = new TreeMap<>();
        TOTALS.forEach((k, v) -> result.put(k, new Total(v[0].sum(), v[1].sum())));
        TOTALS.clear();
        return result;
    }

    /** Times the work until the returned timer is closed, under {@code component}. */
    public static Timer time(String component) {
        if (!on) {
            return OFF;
        }
        long t0 = System.nanoTime();
        return () -> {
            LongAdder[] total = TOTALS.computeIfAbsent(component, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
            total[0].add(System.nanoTime() - t0);
            total[1].increment();
        };
    }
}
