package dev.rehearsal.core.internal.report;

import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.locks.QueryWaits;
import dev.rehearsal.core.locks.StatementTrace;
import org.apiguardian.api.API;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One phase drawn on one time axis, as inline SVG: the script's statements as bars, each lock the migration held as a
 * band on its relation's row (red where it blocks reads, orange where it blocks writes), and the probe traffic's waits
 * as marks on the probed table's row, marked {@code blocked} where a lock the migration held on that table conflicted
 * with the probe's own lock at that time; the application's own statements, where they were played, each with its
 * longest run placed in time. Every shape has a {@code <title>} (the browser's tooltip) and
 * {@code data-} attributes a test or a script can read.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
final class TimelineSvg {

    private static final int WIDTH = 960;
    private static final int LABEL = 230;
    private static final int RIGHT = 12;
    private static final int ROW = 18;
    private static final int AXIS = 22;

    private TimelineSvg() {
    }

    /** Whether the phase has anything to draw. */
    static boolean drawable(PhaseResult phase) {
        return !phase.locks().statements().isEmpty();
    }

    static void write(Markup html, PhaseResult phase) {
        LockReport r = phase.locks();
        double end = Math.max(1, endMillis(r));
        Map<String, List<HeldLock>> lockRows = new LinkedHashMap<>();
        r.locks().stream()
                .sorted((a, b) -> Boolean.compare(b.existing(), a.existing()))
                .forEach(l -> lockRows.computeIfAbsent(l.relation() + " \u00b7 " + l.mode().name().replace('_', ' '),
                        k -> new ArrayList<>()).add(l));
        List<QueryWaits> queries = shownQueries(r);
        int rows = r.statements().size() + lockRows.size() + r.probes().size() + queries.size();
        int height = AXIS + rows * ROW + (queries.isEmpty() ? 3 : 4) * 8 + 4;
        html.open("svg", "class", "timeline", "viewBox",
                "0 0 " + WIDTH + " " + height, "role", "img", "data-phase", phase.phase().label(),
                "aria-label", "Timeline of the " + phase.phase().label() + " phase: statements, locks and probe traffic");
        axis(html, end, height);
        int y = AXIS;
        y = section(html, "statements", y);
        for (StatementTrace st : r.statements()) {
            label(html, y, (st.line() > 0 ? "L" + st.line() + " " : "") + st.summary());
            String cls = "st" + (st.failed() ? " failed" : "") + (st.rewritten().isEmpty() ? "" : " rewrite");
            bar(html, cls, x(st.startedAt(), end), x(st.startedAt().plus(st.duration()), end), y + 3, ROW - 6,
                    st.where() + "\n" + millis(st.duration()) + (st.inTransaction() ? ", in a transaction" : ", no transaction")
                            + (st.rewritten().isEmpty() ? "" : ", rewrote " + String.join(", ", st.rewritten()))
                            + (st.rowsAffected() > 0 ? String.format(Locale.ROOT, ", %,d rows", st.rowsAffected()) : "")
                            + (st.failed() ? ", failed" : ""),
                    "statement", "data-line", String.valueOf(st.line()));
            y += ROW;
        }
        y = section(html, "locks held", y);
        for (Map.Entry<String, List<HeldLock>> row : lockRows.entrySet()) {
            label(html, y, row.getKey());
            for (HeldLock l : row.getValue()) {
                String strength = l.mode().blocksReads() ? "blocks-reads" : l.mode().blocksWrites() ? "blocks-writes" : "weak";
                StatementTrace st = l.statement() >= 0 && l.statement() < r.statements().size() ? r.statement(l.statement()) : null;
                bar(html, "lock " + strength + (l.existing() ? "" : " new"), x(l.acquiredAt(), end),
                        x(l.acquiredAt().plus(l.held()), end), y + 2, ROW - 4,
                        l.mode().name().replace('_', ' ') + " on " + l.relation() + " held " + millis(l.held())
                                + (l.waited().isZero() ? "" : ", waited " + millis(l.waited()) + " to get it")
                                + (l.existing() ? ", blocks " + l.mode().blocks() : ", created by the migration: blocks nobody")
                                + (st == null ? "" : "\ntaken by " + st.where()),
                        "lock", "data-mode", l.mode().name(), "data-relation", l.relation());
            }
            y += ROW;
        }
        y = section(html, "probe traffic", y);
        for (ProbeResult p : r.probes()) {
            label(html, y, p.kind().label() + " on " + p.table());
            bar(html, "traffic", x(Duration.ZERO, end), x(Duration.ofMillis((long) end), end), y + ROW / 2 - 1, 2,
                    p.probes() + " " + p.kind().label() + " on " + p.table() + ", longest " + millis(p.longestWait())
                            + (p.cancelled() == 0 ? "" : ", " + p.cancelled() + " cancelled"), "traffic");
            for (ProbeResult.Wait w : p.waits()) {
                HeldLock blocker = blocker(r, p, w);
                String cls = "wait" + (blocker != null ? " blocked" : "")
                        + (w.outcome() == ProbeResult.Outcome.CANCELLED ? " cancelled" : "")
                        + (w.outcome() == ProbeResult.Outcome.FAILED ? " failed" : "");
                bar(html, cls, x(w.startedAt(), end), x(w.startedAt().plus(w.took()), end), y + 3, ROW - 6,
                        "a " + singular(p.kind()) + " on " + p.table() + " at " + millis(w.startedAt()) + " took "
                                + millis(w.took()) + (blocker == null ? "" : ", blocked by " + blocker.mode().name()
                                .replace('_', ' ') + " on " + blocker.relation())
                                + switch (w.outcome()) {
                                    case COMPLETED -> "";
                                    case FAILED -> ", then failed";
                                    case CANCELLED -> ", then cancelled: the migration was waiting for it";
                                }, "probe-wait", "data-probe", p.kind().name(), "data-table", p.table(),
                        "data-blocked", String.valueOf(blocker != null));
            }
            y += ROW;
        }
        if (!queries.isEmpty()) {
            y = section(html, "the application's statements", y);
            for (QueryWaits q : queries) {
                label(html, y, q.query());
                bar(html, "traffic", x(Duration.ZERO, end), x(Duration.ofMillis((long) end), end), y + ROW / 2 - 1, 2,
                        q.toString(), "traffic");
                bar(html, "wait" + (q.behind().isPresent() ? " blocked" : ""), x(q.longestAt(), end),
                        x(q.longestAt().plus(q.longestWait()), end), y + 3, ROW - 6,
                        q.origin() + ": " + q.query() + "\nlongest run " + millis(q.longestWait()) + " at "
                                + millis(q.longestAt()) + ", p95 " + millis(q.p95Wait()) + ", " + q.waited() + " of "
                                + q.runs() + " runs waited" + q.behind().map(b -> "\nbehind " + b).orElse(""),
                        "query-wait", "data-table", q.table(), "data-origin", q.origin(),
                        "data-blocked", String.valueOf(q.behind().isPresent()));
                y += ROW;
            }
        }
        html.close();
    }

    /** The application's statements worth a row: those that waited or failed, the longest waits first, at most 12. */
    static List<QueryWaits> shownQueries(LockReport r) {
        return r.queries().stream().filter(q -> q.anyWait() || q.failed() > 0)
                .sorted(Comparator.comparing(QueryWaits::longestWait).reversed()).limit(12).toList();
    }

    /** The lock of the migration on the probe's table, conflicting with the probe's own, held while it waited. */
    private static HeldLock blocker(LockReport r, ProbeResult p, ProbeResult.Wait w) {
        LockMode wanted = switch (p.kind()) {
            case READ -> LockMode.ACCESS_SHARE;
            case WRITE -> LockMode.ROW_EXCLUSIVE;
            case LOCKING_READ -> LockMode.ROW_SHARE;
        };
        long from = w.startedAt().toNanos();
        long to = from + w.took().toNanos();
        return r.locks().stream().filter(l -> l.existing() && l.relation().equals(p.table())
                        && l.mode().conflictsWith(wanted))
                .filter(l -> l.acquiredAt().toNanos() < to && l.acquiredAt().plus(l.held()).toNanos() > from)
                .findFirst().orElse(null);
    }

    private static double endMillis(LockReport r) {
        double end = 0;
        for (StatementTrace st : r.statements()) {
            end = Math.max(end, ms(st.startedAt().plus(st.duration())));
        }
        for (HeldLock l : r.locks()) {
            end = Math.max(end, ms(l.acquiredAt().plus(l.held())));
        }
        for (ProbeResult p : r.probes()) {
            for (ProbeResult.Wait w : p.waits()) {
                end = Math.max(end, ms(w.startedAt().plus(w.took())));
            }
        }
        for (QueryWaits q : shownQueries(r)) {
            end = Math.max(end, ms(q.longestAt().plus(q.longestWait())));
        }
        return end;
    }

    private static void axis(Markup html, double end, int height) {
        double step = niceStep(end / 6);
        html.open("g", "class", "axis");
        for (double t = 0; t <= end + 1e-9; t += step) {
            double x = LABEL + (WIDTH - LABEL - RIGHT) * t / end;
            html.open("line", "x1", fmt(x), "x2", fmt(x), "y1", "14", "y2", String.valueOf(height)).close();
            html.element("text", tick(t, step), "x", fmt(x), "y", "11", "text-anchor", t == 0 ? "start" : "middle");
        }
        html.close();
    }

    private static int section(Markup html, String title, int y) {
        html.element("text", title, "class", "section", "x", "2", "y", String.valueOf(y + 7));
        return y + 8;
    }

    private static void label(Markup html, int y, String text) {
        String shown = text.length() > 36 ? text.substring(0, 35) + "\u2026" : text;
        html.open("text", "class", "label", "x", "2", "y", String.valueOf(y + ROW - 5)).text(shown);
        if (!shown.equals(text)) {
            html.element("title", text);
        }
        html.close();
    }

    private static void bar(Markup html, String cls, double x1, double x2, int y, int h, String title, String kind,
                            String... data) {
        String[] attributes = new String[12 + data.length];
        String[] fixed = {"class", cls, "x", fmt(x1), "y", String.valueOf(y), "width", fmt(Math.max(1.5, x2 - x1)),
                "height", String.valueOf(h), "data-kind", kind};
        System.arraycopy(fixed, 0, attributes, 0, fixed.length);
        System.arraycopy(data, 0, attributes, fixed.length, data.length);
        html.open("rect", attributes).element("title", title).close();
    }

    private static double x(Duration at, double end) {
        return LABEL + (WIDTH - LABEL - RIGHT) * Math.min(ms(at), end) / end;
    }

    private static double ms(Duration d) {
        return d.toNanos() / 1e6;
    }

    private static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-3))));
        for (double m : new double[]{1, 2, 5, 10}) {
            if (raw <= m * magnitude) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String tick(double t, double step) {
        if (step >= 1000) {
            return fmtShort(t / 1000) + " s";
        }
        return fmtShort(t) + " ms";
    }

    private static String fmtShort(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String millis(Duration d) {
        long ms = d.toMillis();
        return ms >= 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0) : ms + " ms";
    }

    private static String singular(ProbeResult.Kind kind) {
        return switch (kind) {
            case READ -> "read";
            case WRITE -> "write";
            case LOCKING_READ -> "locking read";
        };
    }
}
