package dev.rehearsal.benchmarks;

import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import java.util.stream.Stream;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * A fresh JVM running one {@code @MigrationTest} class's round trips through the JUnit Platform, as a build tool runs
 * them: what {@link CliStartupBenchmark} compares the command line's start-up with. Arguments: the migrations'
 * folder and the report folder.
 */
public final class ExtensionStartup {

    private ExtensionStartup() {
    }

    /** The round trips of the history the launcher names in {@code rehearsal.migrations}. */
    @MigrationTest
    public static class RoundTrips {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    public static void main(String[] args) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(RoundTrips.class))
                .configurationParameter("rehearsal.migrations", "filesystem:" + args[0])
                .configurationParameter("rehearsal.report.dir", args[1])
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary);
        System.exit(summary.getSummary().getTotalFailureCount() == 0 ? 0 : 1);
    }
}
