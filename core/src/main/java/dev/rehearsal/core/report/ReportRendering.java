package dev.rehearsal.core.report;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.estimate.VolumeEstimate;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The report formats' writers behind {@link ReportWriter}: core implements them and {@link ServiceLoader} finds them,
 * so that this package names no internal class. Not for users.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface ReportRendering {

    /** Failures and risks of the report, each pointed at its script's file and line. */
    List<Finding> findings(RoundTripReport report, MigrationHistory history, Path projectDir);

    /** One note per estimate at production volume, pointed at its migration's up script. */
    List<Finding> estimateFindings(List<VolumeEstimate> estimates, MigrationHistory history, Path projectDir);

    String sarif(List<Finding> findings, String version);

    String junit(RoundTripReport report);

    List<String> githubAnnotations(List<Finding> findings);

    String html(RoundTripReport report, List<Finding> findings, List<VolumeEstimate> estimates, String version,
                boolean partial, String interruptedDuring);

    /** Core's implementation. */
    static ReportRendering get() {
        return Loaded.RENDERING;
    }

    /** Holds the implementation, loaded once. */
    final class Loaded {
        private static final ReportRendering RENDERING = ServiceLoader.load(ReportRendering.class,
                ReportRendering.class.getClassLoader()).findFirst().orElseThrow(() -> new IllegalStateException(
                "No " + ReportRendering.class.getName() + " found: rehearsal-core's META-INF/services entry is missing"
                        + " (a jar built without merging service files?)"));

        private Loaded() {
        }
    }
}
