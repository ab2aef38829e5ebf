package dev.rehearsal.core.internal.report;

import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.StepResult;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.estimate.StatementEstimate;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.report.Finding;
import dev.rehearsal.core.report.ReportWriter;
import org.apiguardian.api.API;

import java.io.StringWriter;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A round-trip report as one self-contained HTML page: inline CSS, inline SVG, no script but one that opens every
 * section before printing, nothing fetched from the network. A summary first (steps, failures, risks, the slowest
 * migrations, estimates at production volume), then one section per migration: its phases with their times, what
 * failed and why (with the schema difference), data problems, risks with their safe alternatives, estimates, and a
 * {@link TimelineSvg timeline} of the up phase (and of any other phase that failed or made traffic wait). Sections
 * with something to look at are open; the others are one line until clicked.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class HtmlReportWriter {

    /** Migrations in the summary's "slowest" table. */
    private static final int SLOWEST = 5;

    private HtmlReportWriter() {
    }

    public static String write(RoundTripReport report, List<Finding> findings, List<VolumeEstimate> estimates,
                               String version, boolean partial, String interruptedDuring) {
        StringWriter out = new StringWriter(64 * 1024);
        Markup html = new Markup(out);
        html.raw("<!DOCTYPE html>\n");
        html.open("html", "lang", "en");
        html.open("head");
        html.open("meta", "charset", "utf-8").close();
        html.open("meta", "name", "viewport", "content", "width=device-width, initial-scale=1").close();
        html.element("title", (report.failed() ? "FAILED: " : "") + "Rehearsal of " + report.source());
        html.element("style", CSS);
        html.close();
        html.open("body", "data-failed", String.valueOf(report.failed()), "data-partial", String.valueOf(partial));
        html.open("header");
        html.element("h1", "Rehearsal of " + report.source());
        html.element("p", "on " + report.database() + " \u00b7 Rehearsal " + version, "class", "meta");
        if (partial) {
            html.element("p", "Partial report: the run was interrupted before every migration was rehearsed; the steps "
                    + "marked \"not run\" never ran." + (interruptedDuring == null ? "" : " It was interrupted during "
                    + interruptedDuring + ": that step's last phase was cut off, so a failure it shows (the server"
                    + " ending the connection, say) comes from the interruption, not from the migration."),
                    "class", "partial");
        }
        html.close();
        summary(html, report, findings, estimates);
        html.open("main", "id", "migrations");
        html.element("h2", "Migrations");
        List<StepResult> steps = report.steps();
        for (int i = 0; i < steps.size(); i++) {
            StepResult step = steps.get(i);
            migration(html, i, step, estimates.stream()
                    .filter(e -> e.migration().displayName().equals(step.migration())).toList());
        }
        html.close();
        html.element("script", "window.addEventListener('beforeprint', function () { "
                + "document.querySelectorAll('details').forEach(function (d) { d.open = true; }); });");
        html.close();
        html.close();
        html.finish();
        return out.toString();
    }

    private static void summary(Markup html, RoundTripReport report, List<Finding> findings,
                                List<VolumeEstimate> estimates) {
        List<StepResult> steps = report.steps();
        long passed = steps.stream().filter(s -> s.status() == PhaseResult.Status.PASSED).count();
        long failed = steps.stream().filter(s -> s.status() == PhaseResult.Status.FAILED).count();
        List<Finding> risks = findings.stream().filter(f -> f.level() == Finding.Level.WARNING).toList();
        long openRisks = risks.stream().filter(f -> f.suppressed() == null).count();
        long waits = steps.stream().flatMap(s -> s.phases().stream()).flatMap(p -> p.locks().probes().stream())
                .mapToLong(p -> p.waits().size()).sum();
        html.open("section", "id", "summary");
        html.open("div", "class", "cards");
        card(html, "steps", String.valueOf(steps.size()), "");
        card(html, "passed", String.valueOf(passed), passed == steps.size() ? "ok" : "");
        card(html, "failed", String.valueOf(failed), failed > 0 ? "bad" : "");
        card(html, "skipped or not run", String.valueOf(steps.size() - passed - failed), "");
        card(html, "risks", openRisks + (risks.size() > openRisks ? " (+" + (risks.size() - openRisks) + " allowed or released)" : ""),
                openRisks > 0 ? "warn" : "");
        card(html, "probe waits", String.valueOf(waits), waits > 0 ? "warn" : "");
        card(html, "migration SQL", TimelineSvg.millis(report.sqlTime()), "");
        card(html, "Rehearsal's checks", TimelineSvg.millis(report.checkTime()), "");
        html.close();

        List<Finding> errors = findings.stream().filter(f -> f.level() == Finding.Level.ERROR).toList();
        if (!errors.isEmpty()) {
            html.element("h2", "Failures");
            findingList(html, errors, steps);
        }
        if (!risks.isEmpty()) {
            html.element("h2", "Risks");
            findingList(html, risks, steps);
        }
        List<StepResult> slowest = steps.stream().filter(s -> total(s).compareTo(Duration.ZERO) > 0)
                .sorted(Comparator.comparing(HtmlReportWriter::total).reversed()).limit(SLOWEST).toList();
        if (!slowest.isEmpty()) {
            html.element("h2", "Slowest migrations");
            html.open("table", "class", "slowest");
            html.open("tr").element("th", "migration").element("th", "up").element("th", "down / restore")
                    .element("th", "up again").element("th", "checks").close();
            for (StepResult s : slowest) {
                html.open("tr");
                html.open("td").element("a", s.migration(), "href", "#" + anchor(steps.indexOf(s))).close();
                html.element("td", time(s, PhaseResult.Phase.UP), "class", "num");
                html.element("td", s.phase(PhaseResult.Phase.RESTORE).isPresent() ? time(s, PhaseResult.Phase.RESTORE)
                        : time(s, PhaseResult.Phase.DOWN), "class", "num");
                html.element("td", time(s, PhaseResult.Phase.UP_AGAIN), "class", "num");
                html.element("td", TimelineSvg.millis(s.phases().stream().map(PhaseResult::checkTime)
                        .reduce(Duration.ZERO, Duration::plus)), "class", "num");
                html.close();
            }
            html.close();
        }
        if (!estimates.isEmpty()) {
            html.element("h2", "At production volume");
            html.open("table", "class", "estimates");
            html.open("tr").element("th", "migration").element("th", "rows").element("th", "takes about")
                    .element("th", "writes blocked").element("th", "reads blocked").close();
            for (VolumeEstimate e : VolumeEstimate.biggestRisksFirst(estimates)) {
                html.open("tr");
                html.element("td", e.migration().displayName());
                html.element("td", String.format(Locale.ROOT, "%,d", e.productionRows()), "class", "num");
                html.element("td", e.total().toString(), "class", "num");
                html.element("td", e.writesBlocked().likely().isZero() ? "never" : e.writesBlocked().toString(),
                        "class", "num" + (e.writesBlocked().likely().isZero() ? "" : " warn"));
                html.element("td", e.readsBlocked().likely().isZero() ? "never" : e.readsBlocked().toString(),
                        "class", "num" + (e.readsBlocked().likely().isZero() ? "" : " bad"));
                html.close();
            }
            html.close();
        }
        html.close();
    }

    private static void findingList(Markup html, List<Finding> findings, List<StepResult> steps) {
        html.open("ul", "class", "findings");
        for (Finding f : findings) {
            int index = indexOf(steps, f.migration());
            html.open("li", "class", f.level() == Finding.Level.ERROR ? "bad" : f.suppressed() == null ? "warn" : "allowed",
                    "title", f.file() + ":" + f.line());
            if (index >= 0) {
                html.element("a", f.migration(), "href", "#" + anchor(index));
            } else {
                html.text(f.migration());
            }
            html.text(" \u00b7 " + f.phase() + " \u00b7 ");
            html.element("code", f.rule());
            html.text(" \u2014 " + RoundTripReport.cause(f.message())
                    + (f.suppressed() == null ? "" : f.suppressed().equals(ReportWriter.RELEASED)
                    ? " (" + f.suppressed() + ")" : " (allowed: " + f.suppressed() + ")"));
            html.close();
        }
        html.close();
    }

    private static void migration(Markup html, int index, StepResult step, List<VolumeEstimate> estimates) {
        List<PhaseResult> phases = step.phases();
        boolean failed = step.status() == PhaseResult.Status.FAILED;
        boolean risky = phases.stream().anyMatch(p -> !p.locks().openRisks().isEmpty());
        boolean waited = phases.stream().anyMatch(HtmlReportWriter::waited);
        boolean problems = phases.stream().anyMatch(p -> !p.problems().isEmpty());
        String status = step.status().name().toLowerCase(Locale.ROOT).replace('_', '-');
        html.open("details", "class", "migration " + status, "id", anchor(index), "data-migration", step.migration(),
                "data-status", step.status().name(),
                "open", failed || risky || waited || problems || !estimates.isEmpty() ? "open" : null);
        html.open("summary");
        html.element("span", status.replace('-', ' '), "class", "badge " + status);
        html.element("span", step.migration(), "class", "name");
        html.element("span", TimelineSvg.millis(total(step)), "class", "time");
        if (risky) {
            html.element("span", "risk", "class", "badge warn");
        }
        if (waited) {
            html.element("span", "traffic waited", "class", "badge warn");
        }
        if (!estimates.isEmpty()) {
            html.element("span", "estimated", "class", "badge");
        }
        html.close();
        if (step.script() != null) {
            html.element("p", step.script(), "class", "script");
        }
        if (step.note() != null && !step.note().isEmpty()) {
            html.element("p", "Note: " + step.note(), "class", "note");
        }
        html.open("table", "class", "phases");
        html.open("tr").element("th", "phase").element("th", "result").element("th", "SQL").element("th", "checks")
                .element("th", "statements").element("th", "").close();
        for (PhaseResult p : phases) {
            html.open("tr", "class", p.status().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            html.element("td", p.phase().label());
            html.element("td", p.status().name().toLowerCase(Locale.ROOT).replace('_', ' '));
            html.element("td", ran(p) ? TimelineSvg.millis(p.sqlTime()) : "-", "class", "num");
            html.element("td", ran(p) ? TimelineSvg.millis(p.checkTime()) : "-", "class", "num");
            html.element("td", String.valueOf(p.locks().statements().size()), "class", "num");
            html.element("td", p.status() == PhaseResult.Status.FAILED ? "" : p.message().lines().findFirst().orElse(""));
            html.close();
        }
        html.close();
        for (PhaseResult p : phases) {
            if (p.status() == PhaseResult.Status.FAILED) {
                html.element("h4", p.phase().label() + " failed");
                html.element("pre", p.message(), "class", "failure");
            }
        }
        List<DataProblem> dataProblems = phases.stream().flatMap(p -> p.problems().stream()).toList();
        if (!dataProblems.isEmpty()) {
            html.element("h4", "Data");
            html.open("ul", "class", "data");
            for (DataProblem d : dataProblems) {
                html.open("li").element("code", d.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                        .text(" " + (d.table() == null ? "" : d.table() + (d.column() == null ? "" : "." + d.column())
                                + ": ") + d.message()).close();
            }
            html.close();
        }
        List<LockRisk> risks = phases.stream().flatMap(p -> p.locks().risks().stream()).distinct().toList();
        if (!risks.isEmpty()) {
            html.element("h4", "Risks");
            html.open("ul", "class", "risks");
            for (LockRisk risk : risks) {
                html.open("li", "class", risk.isSuppressed() ? "allowed" : "warn");
                html.element("code", risk.rule());
                html.text(" " + risk.statement());
                html.element("div", risk.reason(), "class", "reason");
                html.element("div", "Instead: " + risk.alternative(), "class", "alternative");
                if (risk.isSuppressed()) {
                    html.element("div", "Allowed: " + risk.suppressed(), "class", "allowed-reason");
                }
                html.close();
            }
            html.close();
        }
        List<String> warnings = phases.stream().flatMap(p -> p.locks().statements().stream()
                .flatMap(st -> st.warningsBeyondNotices().stream()
                        .map(w -> p.phase().label() + ": " + st.where() + " \u2190 " + w)))
                .toList();
        List<String> notices = phases.stream().flatMap(p -> p.locks().statements().stream()
                .flatMap(st -> st.notices().stream().map(w -> p.phase().label() + ": " + st.where() + " \u2190 " + w)))
                .toList();
        if (!warnings.isEmpty() || !notices.isEmpty()) {
            html.element("h4", "What the server said");
            if (!warnings.isEmpty()) {
                html.open("ul", "class", "warnings");
                warnings.forEach(w -> html.element("li", w));
                html.close();
            }
            if (!notices.isEmpty()) {
                // notices inform (IF EXISTS skipping, RAISE NOTICE): counted, listed only when opened
                html.open("details", "class", "notices");
                html.element("summary", notices.size() + (notices.size() == 1 ? " notice" : " notices"));
                html.open("ul", "class", "notices");
                notices.forEach(w -> html.element("li", w));
                html.close();
                html.close();
            }
        }
        for (VolumeEstimate e : estimates) {
            estimate(html, e);
        }
        for (PhaseResult p : phases) {
            boolean worthDrawing = p.phase() == PhaseResult.Phase.UP || p.status() == PhaseResult.Status.FAILED || waited(p);
            if (worthDrawing && TimelineSvg.drawable(p)) {
                html.open("figure", "class", "timeline", "data-phase", p.phase().label());
                html.element("figcaption", p.phase().label() + ": " + p.locks().statements().size() + " statement"
                        + (p.locks().statements().size() == 1 ? "" : "s") + ", " + p.locks().locks().size() + " lock"
                        + (p.locks().locks().size() == 1 ? "" : "s") + trafficCaption(p));
                TimelineSvg.write(html, p);
                html.close();
            }
        }
        html.close();
    }

    private static void estimate(Markup html, VolumeEstimate e) {
        html.element("h4", String.format(Locale.ROOT, "At %,d rows (%s)", e.productionRows(), e.volumes().entrySet()
                .stream().sorted(Map.Entry.comparingByKey()).map(v -> String.format(Locale.ROOT, "%s %,d", v.getKey(),
                        v.getValue())).collect(Collectors.joining(", "))));
        html.open("p", "class", "estimate");
        html.text("Takes " + e.total() + "; "
                + (e.writesBlocked().likely().isZero() ? "writes never blocked" : "writes blocked " + e.writesBlocked())
                + (e.readsBlocked().likely().isZero() ? "" : "; reads blocked " + e.readsBlocked())
                + (e.walBytes() > 0 ? "; about " + StatementEstimate.bytes(e.walBytes()) + " of write-ahead log" : "")
                + (e.tempBytes() > 0 ? "; about " + StatementEstimate.bytes(e.tempBytes()) + " of temporary files" : ""));
        html.close();
        html.open("ul", "class", "estimate-statements");
        e.statements().stream().sorted(Comparator.comparing((StatementEstimate s) -> s.estimate().likely()).reversed())
                .forEach(s -> html.element("li", s.toText()));
        e.notes().forEach(n -> html.element("li", "Note: " + n, "class", "note"));
        html.close();
    }

    private static String trafficCaption(PhaseResult p) {
        List<ProbeResult> probes = p.locks().probes();
        String application = p.locks().queries().isEmpty() ? "" : String.format(Locale.ROOT,
                "; %,d runs of %d application statements, %d waited", p.locks().queries().stream()
                        .mapToInt(q -> q.runs()).sum(), p.locks().queries().size(),
                p.locks().queries().stream().mapToInt(q -> q.waited()).sum());
        if (probes.isEmpty()) {
            return (application.isEmpty() ? "; no probe traffic (no table with rows was touched, or probes are off)"
                    : "") + application;
        }
        int count = probes.stream().mapToInt(ProbeResult::probes).sum();
        long waits = probes.stream().mapToLong(r -> r.waits().size()).sum();
        return String.format(Locale.ROOT, "; %,d probes, %d waited", count, waits) + application;
    }

    private static boolean waited(PhaseResult p) {
        return p.locks().probes().stream().anyMatch(r -> !r.waits().isEmpty())
                || p.locks().queries().stream().anyMatch(q -> q.anyWait());
    }

    private static boolean ran(PhaseResult p) {
        return p.status() == PhaseResult.Status.PASSED || p.status() == PhaseResult.Status.FAILED;
    }

    private static Duration total(StepResult s) {
        return s.phases().stream().filter(HtmlReportWriter::ran).map(PhaseResult::sqlTime)
                .reduce(Duration.ZERO, Duration::plus);
    }

    private static String time(StepResult s, PhaseResult.Phase phase) {
        return s.phase(phase).filter(HtmlReportWriter::ran).map(p -> TimelineSvg.millis(p.sqlTime())).orElse("-");
    }

    private static int indexOf(List<StepResult> steps, String migration) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).migration().equals(migration)) {
                return i;
            }
        }
        return -1;
    }

    private static String anchor(int index) {
        return "m" + (index + 1);
    }

    private static void card(Markup html, String label, String value, String cls) {
        html.open("div", "class", "card " + cls).element("div", value, "class", "value")
                .element("div", label, "class", "label").close();
    }

    /** Screen and print styles; no angle brackets or ampersands (see {@link Markup}). */
    private static final String CSS = """
            :root { --bad: #c62828; --warn: #e08600; --ok: #2e7d32; --muted: #666; --line: #ddd; }
            * { box-sizing: border-box; }
            body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; color: #222;
                   margin: 0 auto; padding: 16px 20px 40px; max-width: 1200px; }
            h1 { font-size: 22px; margin: 0 0 2px; }
            h2 { font-size: 17px; margin: 22px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 3px; }
            h4 { margin: 12px 0 4px; font-size: 14px; }
            .meta, .script { color: var(--muted); margin: 0 0 6px; }
            .script { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 12px; }
            .partial { background: #fff3e0; border-left: 4px solid var(--warn); padding: 6px 10px; }
            .cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
            .card { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 110px; }
            .card .value { font-size: 20px; font-weight: 600; }
            .card .label { color: var(--muted); font-size: 12px; }
            .card.bad .value, .bad { color: var(--bad); }
            .card.warn .value, .warn { color: var(--warn); }
            .card.ok .value { color: var(--ok); }
            table { border-collapse: collapse; margin: 6px 0; }
            th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid #eee; vertical-align: top; }
            th { font-weight: 600; color: var(--muted); font-size: 12px; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            ul.findings li, ul.risks li { margin: 3px 0; }
            .reason { color: #333; }
            .alternative { color: var(--ok); }
            .allowed, .allowed-reason { color: var(--muted); }
            code { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 12px; background: #f4f4f4;
                   padding: 0 3px; border-radius: 3px; }
            details.migration { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; padding: 4px 10px; }
            details.migration.failed { border-left: 4px solid var(--bad); }
            details.migration summary { cursor: pointer; display: flex; gap: 10px; align-items: baseline; }
            details.migration summary .name { font-weight: 600; }
            details.migration summary .time { color: var(--muted); margin-left: auto; font-variant-numeric: tabular-nums; }
            .badge { font-size: 11px; padding: 0 6px; border-radius: 9px; background: #eee; color: #333;
                     text-transform: uppercase; letter-spacing: .03em; }
            .badge.passed { background: #e8f5e9; color: var(--ok); }
            .badge.failed { background: #ffebee; color: var(--bad); }
            .badge.warn { background: #fff3e0; color: var(--warn); }
            pre.failure { background: #fff5f5; border: 1px solid #f3c7c7; padding: 8px; overflow-x: auto;
                          white-space: pre-wrap; font-size: 12px; }
            tr.failed td { color: var(--bad); }
            figure.timeline { margin: 10px 0; }
            figure.timeline figcaption { color: var(--muted); font-size: 12px; }
            svg.timeline { width: 100%; height: auto; font: 10px 'DejaVu Sans Mono', ui-monospace, monospace; }
            svg .axis line { stroke: #eee; }
            svg .axis text { fill: #888; }
            svg .section { fill: #888; font-size: 8px; text-transform: uppercase; letter-spacing: .05em; }
            svg .label { fill: #333; }
            svg .st { fill: #5c6bc0; }
            svg .st.rewrite { fill: #8e24aa; }
            svg .st.failed { fill: var(--bad); }
            svg .lock.blocks-reads { fill: #e53935; fill-opacity: .75; }
            svg .lock.blocks-writes { fill: #fb8c00; fill-opacity: .75; }
            svg .lock.weak { fill: #90a4ae; fill-opacity: .6; }
            svg .lock.new { fill-opacity: .25; }
            svg .traffic { fill: #cfd8dc; }
            svg .wait { fill: #78909c; }
            svg .wait.blocked { fill: var(--bad); stroke: #7f0000; stroke-width: .5; }
            svg .wait.cancelled { fill: #6a1b9a; }
            @media print {
              body { max-width: none; padding: 0; font-size: 11px; }
              details.migration { break-inside: avoid; }
              details.migration summary { list-style: none; }
              svg .traffic { fill: #bbb; }
            }
            """;
}
