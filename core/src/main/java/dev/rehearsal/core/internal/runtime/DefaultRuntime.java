package dev.rehearsal.core.internal.runtime;

import dev.rehearsal.core.CoreRuntime;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.internal.report.FindingCollector;
import dev.rehearsal.core.internal.report.GitHubAnnotations;
import dev.rehearsal.core.internal.report.HtmlReportWriter;
import dev.rehearsal.core.internal.report.JUnitXmlWriter;
import dev.rehearsal.core.internal.report.ReportJson;
import dev.rehearsal.core.internal.report.SarifWriter;
import dev.rehearsal.core.internal.roundtrip.EngineStart;
import dev.rehearsal.core.report.Finding;
import dev.rehearsal.core.report.ReportRendering;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** Core's implementation of what the public API asks for: the engine, the layouts, the report writers. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DefaultRuntime implements CoreRuntime, ReportRendering {

    @Override
    public Backend start(RehearsalSettings settings, Supplier<MigrationSource> source, DatabaseProvider provider) {
        return EngineStart.start(settings, source, provider);
    }

    @Override
    public MigrationSource detect(RehearsalSettings settings, ClassLoader classLoader) {
        return ToolRegistry.detect(settings, classLoader);
    }

    @Override
    public String supportedLayouts() {
        return ToolRegistry.supported();
    }

    @Override
    public String defaultLocation(ToolSettings tool, ClassLoader classLoader) {
        return ToolRegistry.defaultLocation(tool, classLoader);
    }

    @Override
    public String reportJson(RoundTripReport report, boolean partial, String interruptedDuring) {
        return ReportJson.write(report, partial, interruptedDuring);
    }

    @Override
    public List<Finding> findings(RoundTripReport report, MigrationHistory history, Path projectDir) {
        return FindingCollector.collect(report, history, projectDir);
    }

    @Override
    public List<Finding> estimateFindings(List<VolumeEstimate> estimates,
                                          MigrationHistory history, Path projectDir) {
        return FindingCollector.estimates(estimates, history, projectDir);
    }

    @Override
    public String sarif(List<Finding> findings, String version) {
        return SarifWriter.write(findings, version);
    }

    @Override
    public String junit(RoundTripReport report) {
        return JUnitXmlWriter.write(report);
    }

    @Override
    public List<String> githubAnnotations(List<Finding> findings) {
        return GitHubAnnotations.lines(findings);
    }

    @Override
    public String html(RoundTripReport report, List<Finding> findings, List<VolumeEstimate> estimates, String version,
                       boolean partial, String interruptedDuring) {
        return HtmlReportWriter.write(report, findings, estimates, version, partial, interruptedDuring);
    }
}
