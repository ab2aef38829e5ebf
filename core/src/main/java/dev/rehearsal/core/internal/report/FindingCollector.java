package dev.rehearsal.core.internal.report;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.StepResult;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.internal.scripts.SourceFiles;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.QueryWaits;
import dev.rehearsal.core.locks.StatementTrace;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.report.Finding;
import dev.rehearsal.core.report.ReportWriter;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The findings of a round-trip report, each placed at a file and line: a failed phase at the statement that failed
 * (else at the top of the script the phase ran: the down script for a down, the up script otherwise), a risk at the
 * statement it names.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FindingCollector {

    /** The shortest wait of an application statement that is a finding of its own. */
    private static final Duration NOTABLE_WAIT = Duration.ofMillis(20);

    private final Map<String, Migration> byName = new HashMap<>();
    private final Map<String, String> sourceOfScript = new HashMap<>();
    private final Path root;
    private final Path projectDir;

    private FindingCollector(MigrationHistory history, Path projectDir) {
        this.projectDir = projectDir;
        this.root = SourceFiles.repositoryRoot(projectDir);
        for (Migration m : history.versioned()) {
            byName.put(m.displayName(), m);
            remember(m.up());
            remember(m.down());
        }
        history.repeatable().forEach(m -> remember(m.up()));
    }

    /** The findings of {@code report}, whose migrations are {@code history}'s, with paths found from {@code projectDir}. */
    public static List<Finding> collect(RoundTripReport report, MigrationHistory history, Path projectDir) {
        return new FindingCollector(history, projectDir).collect(report);
    }

    /** One note per estimate, at the top of its migration's up script. */
    public static List<Finding> estimates(List<VolumeEstimate> estimates,
                                          MigrationHistory history, Path projectDir) {
        FindingCollector collector = new FindingCollector(history, projectDir);
        List<Finding> findings = new ArrayList<>();
        for (VolumeEstimate e : estimates) {
            Place place = collector.top(e.migration().up() == null ? null : e.migration().up().name());
            findings.add(new Finding(Finding.Level.NOTE, "estimate-at-production-volume", e.migration().displayName(),
                    "up", place.file(), place.line(), e.toText(), null));
        }
        return List.copyOf(findings);
    }

    private void remember(MigrationScript script) {
        if (script != null && script.name() != null) {
            sourceOfScript.put(script.name(), SourceFiles.of(script, projectDir)
                    .map(p -> root.relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/'))
                    .orElse(script.name()));
        }
    }

    private List<Finding> collect(RoundTripReport report) {
        List<Finding> findings = new ArrayList<>();
        for (StepResult step : report.steps()) {
            Migration migration = byName.get(step.migration());
            for (PhaseResult phase : step.phases()) {
                if (phase.status() == PhaseResult.Status.FAILED) {
                    Place place = phase.locks().statements().stream().filter(st -> st.failed() && st.script() != null)
                            .findFirst().map(this::place).orElseGet(() -> top(phaseScript(step, migration, phase.phase())));
                    String rule = RETRY_FINDING.matcher(phase.message()).lookingAt()
                            ? phase.message().substring(0, phase.message().indexOf(':'))
                            : phase.phase().name().toLowerCase(Locale.ROOT).replace('_', '-') + "-failed";
                    int line = phase.locks().risks().stream().findFirst().map(r -> at(null, r.statement()).line())
                            .filter(l -> l > 1).orElse(place.line());
                    findings.add(new Finding(Finding.Level.ERROR, rule, step.migration(), phase.phase().label(),
                            place.file(), line, phase.message(), null));
                }
                for (QueryWaits q : phase.locks().queries()) {
                    // an application statement's wait worth a reviewer's look, at the migration statement it waited
                    // behind (shorter ones are the noise of a busy machine; the JSON has them all)
                    q.behind().filter(b -> q.longestWait().compareTo(NOTABLE_WAIT) >= 0).ifPresent(b -> {
                        Place place = b.statement() < phase.locks().statements().size()
                                && phase.locks().statement(b.statement()).script() != null
                                ? place(phase.locks().statement(b.statement()))
                                : top(phaseScript(step, migration, phase.phase()));
                        findings.add(new Finding(Finding.Level.NOTE, "application-query-waited", step.migration(),
                                phase.phase().label(), place.file(), place.line(), q.toString(), null));
                    });
                }
                boolean retried = phase.phase() == PhaseResult.Phase.RETRY && phase.status() == PhaseResult.Status.PASSED;
                if (phase.phase() == PhaseResult.Phase.UP || phase.phase() == PhaseResult.Phase.DOWN || retried) {
                    boolean down = phase.phase() == PhaseResult.Phase.DOWN;
                    for (LockRisk risk : phase.locks().risks()) {
                        Place place = phase.locks().statements().stream().filter(st -> st.script() != null
                                && st.where().equals(risk.statement())).findFirst().map(this::place)
                                .orElseGet(() -> at(phaseScript(step, migration, phase.phase()), risk.statement()));
                        // a down's risk is what an operator rolling back meets: reported unless the settings judge it
                        String suppressed = risk.suppressed() == null && down ? ReportWriter.DOWN : risk.suppressed();
                        findings.add(new Finding(Finding.Level.WARNING, risk.rule(), step.migration(),
                                phase.phase().label(), place.file(), place.line(), risk.statement() + "\n"
                                + risk.reason() + "\nsafer: " + risk.alternative(), suppressed));
                    }
                }
            }
        }
        return List.copyOf(findings);
    }

    private record Place(String file, int line) {
    }

    /** A retry phase's own findings, named by the message's first word. */
    private static final Pattern RETRY_FINDING = Pattern.compile("(?:not-retry-safe|not-idempotent):");
    private static final Pattern LINE = Pattern.compile("^[^:]*? line (\\d+): ");

    /** The top of {@code script}, or the line a risk's {@code where} ({@code V2__a.sql line 3: ...}) names there. */
    private Place at(String script, String where) {
        Place top = top(where != null && sourceOfScript.containsKey(where) ? where : script);
        Matcher m = LINE.matcher(where == null ? "" : where);
        return m.find() ? new Place(top.file(), Integer.parseInt(m.group(1))) : top;
    }

    /** A statement placed in its script (callers pass only those whose script is known). */
    private Place place(StatementTrace statement) {
        return new Place(sourceOfScript.getOrDefault(statement.script(), statement.script()), Math.max(1, statement.line()));
    }

    private Place top(String script) {
        return new Place(script == null ? "" : sourceOfScript.getOrDefault(script, script), 1);
    }

    /** The script a phase ran: the down script for a down, the up script otherwise (a restore replays no script). */
    private static String phaseScript(StepResult step, Migration migration, PhaseResult.Phase phase) {
        if (phase == PhaseResult.Phase.DOWN && migration != null && migration.down() != null) {
            return migration.down().name();
        }
        return Optional.ofNullable(migration).map(m -> m.up().name()).orElse(step.script());
    }
}
