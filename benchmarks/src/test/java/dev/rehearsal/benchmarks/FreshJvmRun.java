package dev.rehearsal.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One rehearsal of a golang-migrate history with default settings in a JVM that has run nothing before, as a CI
 * job's test JVM or the command line runs it, then the same SQL through one plain session: what
 * {@link FreshJvmBenchmark} measures under different JVM options. Arguments: the history's folder, and optionally
 * which rehearsal in the JVM to measure (1, the first, by default). Prints one line,
 * {@code rehearsal-ms plain-ms jit-ms cpu-ms}: the rehearsal's wall time, the plain session's, the JIT compilers'
 * time during the rehearsal and the whole process's CPU time during it (every thread, JIT included).
 */
public final class FreshJvmRun {

    private FreshJvmRun() {
    }

    public static void main(String[] args) throws Exception {
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + Path.of(args[0])).withFormat("golang-migrate");
        // a second argument n: the figures are those of the n-th rehearsal in this JVM (as in a test JVM that runs
        // several rehearsing test classes), the ones before it unmeasured
        int before = args.length > 1 ? Integer.parseInt(args[1]) - 1 : 0;
        for (int i = 0; i < before; i++) {
            try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, FreshJvmRun.class.getClassLoader())) {
                RoundTripReport earlier = r.runRoundTrips();
                if (earlier.failed()) {
                    System.err.println("rehearsal " + (i + 1) + " of " + (before + 1) + " in this JVM failed:");
                    System.err.println(earlier.toText());
                    System.exit(1);
                }
            }
        }
        CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long jit0 = compilation.getTotalCompilationTime();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        RoundTripReport report;
        List<Migration> history;
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, FreshJvmRun.class.getClassLoader())) {
            history = r.history().versioned();
            report = r.runRoundTrips();
        }
        double rehearsalMs = (System.nanoTime() - t0) / 1e6;
        long jitMs = compilation.getTotalCompilationTime() - jit0;
        long cpuMs = (os.getProcessCpuTime() - cpu0) / 1_000_000;
        if (report.failed()) {
            System.err.println(report.toText());
            System.exit(1);
        }
        t0 = System.nanoTime();
        RoundTripOverheadBenchmark.plainRoundTrips(provider, history);
        double plainMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf(Locale.ROOT, "%.0f %.0f %d %d%n", rehearsalMs, plainMs, jitMs, cpuMs);
        System.exit(0);
    }
}
