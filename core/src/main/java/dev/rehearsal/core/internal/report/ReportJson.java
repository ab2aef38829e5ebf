package dev.rehearsal.core.internal.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.StepResult;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.locks.QueryWaits;
import dev.rehearsal.core.locks.StatementTrace;
import org.apiguardian.api.API;

/**
 * The JSON report of a round-trip plan, as a Jackson tree: the source, the database, whether it failed, and per step
 * its phases with their times, messages, data problems and lock traces. A partial report (an interrupted run) starts
 * with {@code "partial": true} and, where known, {@code "interruptedDuring"}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ReportJson {

    /**
     * The report's format version, first in every report: raised when a field changes meaning or goes away (a new
     * field does not raise it); docs/report.schema.json describes this version.
     */
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private ReportJson() {
    }

    /** The whole report; {@code partial} marks an interrupted run, {@code interruptedDuring} may be null. */
    public static String write(RoundTripReport report, boolean partial, String interruptedDuring) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        if (partial) {
            root.put("partial", true);
            if (interruptedDuring != null) {
                root.put("interruptedDuring", interruptedDuring);
            }
        }
        root.put("source", report.source());
        root.put("database", report.database());
        root.put("failed", report.failed());
        ArrayNode steps = root.putArray("steps");
        for (StepResult step : report.steps()) {
            step(steps.addObject(), step);
        }
        try {
            return WRITER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Jackson could not write the report's tree", e);
        }
    }

    private static void step(ObjectNode node, StepResult step) {
        node.put("migration", step.migration());
        node.put("script", step.script());
        node.put("status", step.status().name());
        node.put("note", step.note() == null ? "" : step.note());
        node.put("rows", step.rows());
        ArrayNode phases = node.putArray("phases");
        for (PhaseResult p : step.phases()) {
            ObjectNode phase = phases.addObject();
            phase.put("phase", p.phase().label());
            phase.put("status", p.status().name());
            phase.put("sqlMillis", p.sqlTime().toMillis());
            phase.put("checkMillis", p.checkTime().toMillis());
            phase.put("message", p.message());
            ArrayNode problems = phase.putArray("dataProblems");
            for (DataProblem d : p.problems()) {
                problems.addObject().put("kind", d.kind().name()).put("table", d.table()).put("column", d.column())
                        .put("message", d.message());
            }
            locks(phase.putObject("locks"), p.locks());
        }
    }

    private static void locks(ObjectNode node, LockReport r) {
        ArrayNode statements = node.putArray("statements");
        for (StatementTrace st : r.statements()) {
            ObjectNode s = statements.addObject();
            s.put("script", st.script());
            s.put("line", st.line());
            s.put("sql", st.summary());
            s.put("startedMillis", st.startedAt().toMillis());
            s.put("millis", st.duration().toMillis());
            s.put("inTransaction", st.inTransaction());
            s.put("walBytes", st.walBytes());
            s.put("rowsAffected", st.rowsAffected());
            st.rewritten().forEach(s.putArray("rewritten")::add);
            s.put("lockTimeout", st.lockTimeout());
            s.put("failed", st.failed());
            st.warnings().forEach(s.putArray("warnings")::add);
        }
        ArrayNode locks = node.putArray("locks");
        for (HeldLock l : r.locks()) {
            locks.addObject().put("relation", l.relation()).put("kind", l.kind().name()).put("mode", l.mode().name())
                    .put("statement", l.statement()).put("acquiredMillis", l.acquiredAt().toMillis())
                    .put("heldMillis", l.held().toMillis()).put("waitedMillis", l.waited().toMillis())
                    .put("existing", l.existing());
        }
        ArrayNode probes = node.putArray("probes");
        for (ProbeResult p : r.probes()) {
            ObjectNode probe = probes.addObject().put("table", p.table()).put("kind", p.kind().name())
                    .put("probes", p.probes()).put("longestWaitMillis", p.longestWait().toMillis())
                    .put("blockedMillis", p.totalBlocked().toMillis()).put("failures", p.failures())
                    .put("cancelled", p.cancelled());
            ArrayNode waits = probe.putArray("waits");
            for (ProbeResult.Wait w : p.waits()) {
                waits.addObject().put("startedMillis", w.startedAt().toMillis()).put("tookMillis", w.took().toMillis())
                        .put("outcome", w.outcome().name());
            }
        }
        ArrayNode queries = node.putArray("queries");
        for (QueryWaits q : r.queries()) {
            ObjectNode query = queries.addObject().put("query", q.query()).put("origin", q.origin())
                    .put("table", q.table()).put("kind", q.kind().name()).put("runs", q.runs())
                    .put("waited", q.waited()).put("longestWaitMillis", q.longestWait().toMillis())
                    .put("longestStartedMillis", q.longestAt().toMillis()).put("p95WaitMillis", q.p95Wait().toMillis())
                    .put("failed", q.failed()).put("firstError", q.firstError()).put("cancelled", q.cancelled());
            q.behind().ifPresent(b -> query.putObject("behind").put("statement", b.statement()).put("where", b.where())
                    .put("mode", b.lock().mode().name()).put("relation", b.lock().relation())
                    .put("heldMillis", b.lock().held().toMillis()));
        }
        ArrayNode risks = node.putArray("risks");
        for (LockRisk k : r.risks()) {
            risks.addObject().put("rule", k.rule()).put("statement", k.statement()).put("table", k.table())
                    .put("reason", k.reason()).put("alternative", k.alternative()).put("allowed", k.suppressed());
        }
    }
}
