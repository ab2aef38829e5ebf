package dev.rehearsal.junit;

import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.nio.file.Path;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs a test class through the Jupiter engine as a user's build would, with reports in {@code reports}. */
final class EngineRuns {

    private EngineRuns() {
    }

    /** {@code parameters} are configuration parameter names and values, alternating. */
    static EngineExecutionResults run(Path reports, Class<?> testClass, String... parameters) {
        EngineTestKit.Builder builder = EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass))
                .configurationParameter("rehearsal.report.dir", reports.toString());
        for (int i = 0; i < parameters.length; i += 2) {
            builder.configurationParameter(parameters[i], parameters[i + 1]);
        }
        return builder.execute();
    }
}
