package dev.rehearsal.core.report;

import dev.rehearsal.core.CoreRuntime;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.estimate.VolumeEstimate;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Writes a round-trip report in any {@link ReportFormat}, pointing each failure and risk at its script's source
 * file and line: {@code ReportWriter.of(report, rehearsal.history(), Path.of("")).write(ReportFormat.SARIF, dir,
 * "migrations")}. Paths in SARIF and GitHub annotations are relative to the repository's root (the folder holding
 * {@code .git} above the project), where GitHub resolves them.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ReportWriter {

    private final RoundTripReport report;
    private final MigrationHistory history;
    private final Path projectDir;
    private final List<Finding> findings;
    private final List<VolumeEstimate> estimates;
    private final boolean partial;
    private final String interruptedDuring;

    private ReportWriter(RoundTripReport report, MigrationHistory history, Path projectDir, List<Finding> findings,
                         List<VolumeEstimate> estimates, boolean partial, String interruptedDuring) {
        this.report = report;
        this.history = history;
        this.projectDir = projectDir;
        this.findings = List.copyOf(findings);
        this.estimates = List.copyOf(estimates);
        this.partial = partial;
        this.interruptedDuring = interruptedDuring;
    }

    /**
     * @param report     what the rehearsal did
     * @param history    its migrations, whose scripts the findings point at
     * @param projectDir the folder the migrations' locations are relative to (the build's working directory)
     */
    public static ReportWriter of(RoundTripReport report, MigrationHistory history, Path projectDir) {
        return new ReportWriter(report, history, projectDir, ReportRendering.get().findings(report, history, projectDir),
                List.of(), false, null);
    }

    /**
     * The same report with estimates at production volume: the HTML report shows them in full, SARIF and GitHub
     * annotations as notes on each migration's up script.
     */
    public ReportWriter withEstimates(List<VolumeEstimate> estimates) {
        List<Finding> all = new ArrayList<>(findings);
        all.addAll(ReportRendering.get().estimateFindings(estimates, history, projectDir));
        return new ReportWriter(report, history, projectDir, all, estimates, partial, interruptedDuring);
    }

    /**
     * The same report with the risks of migrations {@code isNew} rejects (released ones, by display name) marked as
     * reported, not judged: they never fail, and SARIF carries them as suppressed results with that reason.
     */
    public ReportWriter judging(Predicate<String> isNew) {
        List<Finding> judged = findings.stream().map(f -> f.level() == Finding.Level.WARNING && f.suppressed() == null
                && !isNew.test(f.migration()) ? new Finding(f.level(), f.rule(), f.migration(), f.phase(), f.file(),
                f.line(), f.message(), RELEASED) : f).toList();
        return new ReportWriter(report, history, projectDir, judged, estimates, partial, interruptedDuring);
    }

    /**
     * The same report with the risks of down scripts judged as the ups' are ({@code rehearsal.risks.downs=judge}):
     * a risk not allowed fails the check.
     */
    public ReportWriter judgingDowns() {
        List<Finding> judged = findings.stream().map(f -> DOWN.equals(f.suppressed()) ? new Finding(f.level(),
                f.rule(), f.migration(), f.phase(), f.file(), f.line(), f.message(), null) : f).toList();
        return new ReportWriter(report, history, projectDir, judged, estimates, partial, interruptedDuring);
    }

    /** Why a risk of a down script is not judged, as reports show it, with the setting that judges it. */
    public static final String DOWN = "a down script's risk: reported, not judged (rehearsal.risks.downs=judge"
            + " judges it)";

    /** Why a risk of a released migration is not judged, as reports show it. */
    public static final String RELEASED = "a released migration: reported, not judged";

    /**
     * The same report marked as partial: the run was interrupted, so the steps not run never ran (the HTML report
     * says so at the top, the JSON report has {@code "partial": true}).
     */
    public ReportWriter partial() {
        return partial(null);
    }

    /**
     * As {@link #partial()}, naming the migration whose round trip was running when the run was interrupted: its last
     * phase was cut off, so a failure it shows (the server ending the connection, say) is the interruption's, not the
     * migration's. The HTML report says so at the top; the JSON report has {@code "interruptedDuring"}.
     */
    public ReportWriter partial(String interruptedDuring) {
        return new ReportWriter(report, history, projectDir, findings, estimates, true, interruptedDuring);
    }

    /** Failures and risks, in the order of the migrations. */
    public List<Finding> findings() {
        return findings;
    }

    /** The report in {@code format}. */
    public String render(ReportFormat format) {
        return switch (format) {
            case TEXT -> report.toText();
            case JSON -> CoreRuntime.get().reportJson(report, partial, interruptedDuring);
            case SARIF -> ReportRendering.get().sarif(findings, version());
            case JUNIT -> ReportRendering.get().junit(report);
            case GITHUB -> ReportRendering.get().githubAnnotations(findings).stream().map(l -> l + "\n")
                    .collect(Collectors.joining());
            case HTML -> ReportRendering.get().html(report, findings, estimates, version(), partial, interruptedDuring);
        };
    }

    /** Writes {@code <directory>/<name>.<extension>} and returns its path. */
    public Path write(ReportFormat format, Path directory, String name) {
        Path file = directory.resolve(name + "." + format.extension());
        try {
            Files.createDirectories(directory);
            Files.writeString(file, render(format), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the " + format.name().toLowerCase(Locale.ROOT)
                    + " report to " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** Rehearsal's version, as the build wrote it ({@code 0.1.0}); {@code unknown} when run from unpackaged classes. */
    public static String version() {
        try (InputStream in = ReportWriter.class.getResourceAsStream("/dev/rehearsal/core/rehearsal.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
