package dev.rehearsal.core;


import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.locks.QueryWaits;
import dev.rehearsal.core.locks.StatementTrace;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a rehearsal did, migration by migration: rows present, times of up, down and up again, each result, the
 * data problems found, and for each up the waits probe traffic felt and the risks found (the JSON has every
 * phase's statements, locks, probes and risks). Printed as a
 * short table ({@link #toText()}) and written as text and JSON files ({@link #writeTo(Path, String)}).
 *
 * @param source   the migrations ({@code Flyway migrations at classpath:db/migration})
 * @param database the engine and database ({@code embedded PostgreSQL 18.6})
 * @param steps    one entry per migration, in order
 */
@API(status = API.Status.STABLE, since = "0.1")
public record RoundTripReport(String source, String database, List<StepResult> steps) {

    public RoundTripReport {
        steps = List.copyOf(steps);
    }

    /** Whether any phase failed. */
    public boolean failed() {
        return steps.stream().anyMatch(s -> s.status() == PhaseResult.Status.FAILED);
    }

    /** Total time of the migrations' SQL across all phases. */
    public Duration sqlTime() {
        return steps.stream().flatMap(s -> s.phases().stream()).map(PhaseResult::sqlTime).reduce(Duration.ZERO, Duration::plus);
    }

    /** Total time of Rehearsal's own checks. */
    public Duration checkTime() {
        return steps.stream().flatMap(s -> s.phases().stream()).map(PhaseResult::checkTime).reduce(Duration.ZERO, Duration::plus);
    }

    /**
     * A short table: one line per migration with its up, down (or restore, for a migration without a down script) and
     * up-again times and the result, then a line for each further phase that failed, its notes, lock waits and risks,
     * the server's warnings, and its notices counted (each is in the JSON).
     */
    public String toText() {
        int width = Math.max(30, steps.stream().mapToInt(s -> s.migration().length()).max().orElse(0) + 2);
        StringBuilder sb = new StringBuilder();
        sb.append("Rehearsal of ").append(source).append(" on ").append(database).append('\n');
        sb.append(String.format(Locale.ROOT, "  %-" + width + "s %9s %9s %14s %9s  %s%n", "migration", "rows", "up",
                "down/restore", "up again", "result"));
        for (StepResult step : steps) {
            String back = step.phase(PhaseResult.Phase.RESTORE).isPresent()
                    ? "restore " + time(step, PhaseResult.Phase.RESTORE) : time(step, PhaseResult.Phase.DOWN);
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s %9d %9s %14s %9s  %s%n", step.migration(), step.rows(),
                    time(step, PhaseResult.Phase.UP), back, time(step, PhaseResult.Phase.UP_AGAIN), result(step)));
            List<PhaseResult> failed = step.failedPhases();
            for (PhaseResult p : failed.subList(Math.min(1, failed.size()), failed.size())) {
                sb.append("      ").append(failure(p)).append('\n');
            }
            if (step.note() != null && !step.note().isEmpty()) {
                sb.append("      note: ").append(step.note()).append('\n');
            }
            step.phase(PhaseResult.Phase.UP).ifPresent(p -> {
                String waits = waits(p.locks());
                if (!waits.isEmpty()) {
                    sb.append("      locks: ").append(waits).append('\n');
                }
                risks(sb, "risk", p.locks().risks());
            });
            applicationWait(step).ifPresent(line -> sb.append("      application: ").append(line).append('\n'));
            // a down script's risks are what an operator rolling back in production meets: shown, not judged
            step.phase(PhaseResult.Phase.DOWN).ifPresent(p -> risks(sb, "risk in the down (judged only with"
                    + " rehearsal.risks.downs=judge)", p.locks().risks()));
            // a retry's finding that did not fail the phase: allowed, or of a released migration
            step.phase(PhaseResult.Phase.RETRY).filter(p -> p.status() == PhaseResult.Status.PASSED)
                    .ifPresent(p -> risks(sb, "risk in the retry", p.locks().risks()));
            for (PhaseResult p : step.phases()) {
                // the queries a migration breaks are the finding itself: named in full, with the safer way
                p.locks().risks().stream().filter(r -> r.rule().equals(LockRisk.BREAKS_RUNNING_APP)
                        && !r.isSuppressed() && p.phase() != PhaseResult.Phase.UP_AGAIN).forEach(r -> sb.append("      ")
                        .append(r.rule()).append(" after the ").append(p.phase().label()).append(": ").append(r.reason())
                        .append("\n        safer: ").append(r.alternative()).append('\n'));
                for (StatementTrace st : p.locks().statements()) {
                    for (String warning : st.warningsBeyondNotices()) {
                        sb.append("      server ").append(p.phase().label()).append(": ").append(st.where())
                                .append("  <- ").append(warning).append('\n');
                    }
                }
                String notices = notices(p.locks());
                if (!notices.isEmpty()) {
                    sb.append("      server ").append(p.phase().label()).append(": ").append(notices).append('\n');
                }
            }
        }
        long ok = steps.stream().filter(s -> s.status() == PhaseResult.Status.PASSED).count();
        long failed = steps.stream().filter(s -> s.status() == PhaseResult.Status.FAILED).count();
        sb.append(String.format(Locale.ROOT, "  %d steps: %d passed, %d failed, %d skipped or not run; SQL %d ms, checks %d ms%n",
                steps.size(), ok, failed, steps.size() - ok - failed, sqlTime().toMillis(), checkTime().toMillis()));
        return sb.toString();
    }

    /**
     * The server's notices in a phase, counted on one line: {@code 12 notices (first: V2__x.sql line 1: DROP TABLE IF
     * EXISTS a  <- 00000: table "a" does not exist, skipping)}; empty without any. The JSON report has each one with
     * its statement.
     */
    private static String notices(LockReport locks) {
        int count = 0;
        String first = null;
        for (StatementTrace st : locks.statements()) {
            List<String> notices = st.notices();
            if (first == null && !notices.isEmpty()) {
                first = st.where() + "  <- " + notices.get(0);
            }
            count += notices.size();
        }
        if (count == 0) {
            return "";
        }
        return count == 1 ? "1 notice: " + first : count + " notices (first: " + first + ")";
    }

    /** Waits below this are the noise of a busy machine, not worth a line in the table (the JSON has them all). */
    private static final Duration NOTABLE_WAIT = Duration.ofMillis(20);

    /** {@code reads waited up to 340 ms on orders, writes waited up to 350 ms on orders}, or empty below 20 ms. */
    private static String waits(LockReport locks) {
        List<String> parts = new ArrayList<>();
        for (ProbeResult.Kind kind : ProbeResult.Kind.values()) {
            locks.worst(kind).filter(p -> p.longestWait().compareTo(NOTABLE_WAIT) >= 0)
                    .ifPresent(p -> parts.add(kind.label() + " waited up to " + p.longestWait().toMillis() + " ms on " + p.table()));
        }
        for (ProbeResult p : locks.probes()) {
            if (p.cancelled() > 0) {
                parts.add(p.kind().label() + " on " + p.table() + ": " + p.cancelled() + " probe"
                        + (p.cancelled() == 1 ? "" : "s") + " cancelled (the migration waited for "
                        + (p.cancelled() == 1 ? "it" : "them") + ")");
            }
        }
        return String.join(", ", parts);
    }

    /**
     * The application statement that waited longest in a step, when it waited at least {@link #NOTABLE_WAIT}: what it
     * is, its wait, in which phase, and what it waited behind (the JSON has every statement of every phase).
     */
    private static Optional<String> applicationWait(StepResult step) {
        PhaseResult worstPhase = null;
        QueryWaits worst = null;
        for (PhaseResult p : step.phases()) {
            QueryWaits q = p.locks().worstQuery().orElse(null);
            if (q != null && (worst == null || q.longestWait().compareTo(worst.longestWait()) > 0)) {
                worst = q;
                worstPhase = p;
            }
        }
        if (worst == null || worst.longestWait().compareTo(NOTABLE_WAIT) < 0) {
            return Optional.empty();
        }
        QueryWaits q = worst;
        return Optional.of(q.origin() + ": " + q.query() + " waited " + q.longestWait().toMillis()
                + " ms in the " + worstPhase.phase().label() + " (" + q.waited() + " of " + q.runs()
                + " runs waited, p95 " + q.p95Wait().toMillis() + " ms)" + q.behind().map(b -> ", behind " + b)
                .orElse(""));
    }

    /** {@code (allowed: why)} when every rule is allowed for one reason, else each allowed rule with its reason. */
    /** One line per statement, with every rule it breaks (allowed ones said per rule). */
    private static void risks(StringBuilder sb, String label, List<LockRisk> all) {
        Map<String, List<LockRisk>> byStatement = new LinkedHashMap<>();
        all.forEach(r -> byStatement.computeIfAbsent(r.statement(), k -> new ArrayList<>()).add(r));
        byStatement.forEach((statement, risks) -> sb.append("      ").append(label).append(" [")
                .append(String.join(", ", risks.stream().map(LockRisk::rule).toList())).append("] ").append(statement)
                .append(allowed(risks)).append('\n'));
    }

    private static String allowed(List<LockRisk> risks) {
        List<LockRisk> suppressed = risks.stream().filter(LockRisk::isSuppressed).toList();
        if (suppressed.isEmpty()) {
            return "";
        }
        if (suppressed.size() == risks.size() && suppressed.stream().map(LockRisk::suppressed).distinct().count() == 1) {
            return " (allowed: " + suppressed.get(0).suppressed() + ")";
        }
        return " (allowed: " + String.join("; ", suppressed.stream().map(r -> r.rule() + ": " + r.suppressed())
                .toList()) + ")";
    }

    private static String time(StepResult step, PhaseResult.Phase phase) {
        return step.phase(phase)
                .filter(p -> p.status() == PhaseResult.Status.PASSED || p.status() == PhaseResult.Status.FAILED)
                .map(p -> p.sqlTime().toMillis() + " ms").orElse("-");
    }

    /**
     * A failure on one line: a failed statement as its error, SQLState, script, line and statement (from the
     * {@code error:}, {@code SQLState:}, {@code script:} and {@code statement:} lines of
     * {@link MigrationFailedException}); any other message's first line, with the line after it where it ends in a
     * colon (a schema difference's first entry).
     */
    @API(status = API.Status.INTERNAL, since = "0.1")
    public static String cause(String message) {
        List<String> lines = message.lines().toList();
        String first = lines.isEmpty() ? "" : lines.get(0);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            Matcher m = FIELD.matcher(line);
            if (m.matches()) {
                fields.putIfAbsent(m.group(1), m.group(2).strip());
            }
        }
        if (fields.containsKey("error")) {
            String state = fields.getOrDefault("SQLState", "(none)");
            return first + ": " + fields.get("error") + (state.equals("(none)") ? "" : " [SQLState " + state + "]")
                    + (fields.containsKey("script") ? " at " + fields.get("script") : "")
                    + (fields.containsKey("statement") ? ": " + fields.get("statement") : "");
        }
        if (first.endsWith(":") && lines.size() > 1) {
            return first + " " + lines.get(1).trim();
        }
        return first;
    }

    private static final Pattern FIELD = Pattern.compile(
            "^\\s{2}(script|statement|SQLState|error):\\s+(.*)$");

    /**
     * The step's result column: its first failed phase (the others each get a line of their own under it),
     * {@code ok}, or why it did not run.
     */
    private static String result(StepResult step) {
        List<PhaseResult> failed = step.failedPhases();
        if (!failed.isEmpty()) {
            return failure(failed.get(0));
        }
        return switch (step.status()) {
            case PASSED -> step.phases().stream().anyMatch(p -> p.status() == PhaseResult.Status.SKIPPED)
                    ? "ok (" + step.phases().stream().filter(p -> p.status() == PhaseResult.Status.SKIPPED)
                    .map(PhaseResult::message).findFirst().orElse("") + ")"
                    : "ok";
            case NOT_RUN -> NOT_REACHED;
            default -> {
                String why = step.phases().stream().map(PhaseResult::message).filter(m -> !m.isEmpty())
                        .findFirst().orElse("");
                yield why.startsWith(NOT_RUN) ? why : "skipped: " + why;
            }
        };
    }

    /** How a phase's reason starts when an earlier failure kept it from running. */
    private static final String NOT_RUN = "not run: ";

    /** A step the rehearsal never came to (it was interrupted, or only some steps were run). */
    private static final String NOT_REACHED = NOT_RUN + "the rehearsal did not reach it";

    /** {@code FAILED in down: <its cause on one line>}. */
    private static String failure(PhaseResult phase) {
        return "FAILED in " + phase.phase().label() + ": " + cause(phase.message());
    }

    /** The report as JSON. */
    public String toJson() {
        return CoreRuntime.get().reportJson(this, false, null);
    }

    /** Writes {@code <name>.txt} and {@code <name>.json} into {@code directory}, creating it. */
    public void writeTo(Path directory, String name) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(name + ".txt"), toText(), StandardCharsets.UTF_8);
            Files.writeString(directory.resolve(name + ".json"), toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the rehearsal report to " + directory, e);
        }
    }
}
