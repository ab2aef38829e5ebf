package dev.rehearsal.core.internal.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.report.Finding;
import org.apiguardian.api.API;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Findings as a SARIF 2.1.0 log: one run of the tool {@code Rehearsal}, one rule per failure kind and risk rule, one
 * result per finding with its file (relative to the repository's root) and line. Risks a migration allows carry an
 * in-source suppression with its reason, so code-scanning tools show them as dismissed rather than hide them.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SarifWriter {

    /** What each failure kind means, for the rules' descriptions; risk rules are described in docs/locks.md. */
    static final Map<String, String> FAILURES = Map.of(
            "up-failed", "The migration failed to apply, or applying it broke a check (an invariant, a lock budget, a"
                    + " risk not allowed)",
            "down-failed", "The down script failed, left objects behind, or lost data",
            "restore-failed", "A migration without a down script left something behind when it failed part way",
            "up-again-failed", "Applying the migration again after its down gave another schema or failed",
            "not-retry-safe", "Stopped part-way (after a statement that committed, or cancelled while it built), the"
                    + " migration's retry failed or ended unlike a clean run (docs/retry.md)",
            "not-idempotent", "A repeatable migration failed, or gave another schema, when applied again over itself"
                    + " (docs/retry.md)",
            "retry-failed", "The retry phase could not rehearse the migration's retries (docs/retry.md)",
            "estimate-at-production-volume", "What the migration's up would take at the production volumes given"
                    + " (docs/estimates.md)",
            "application-query-waited", "One of the application's own statements, played as traffic while the"
                    + " migration ran, waited behind this statement's lock (docs/running-application.md)");

    private SarifWriter() {
    }

    /**
     * The rule's entry in the documentation: a query of the running application that breaks or waits in
     * running-application.md, a failure's in reports.md, every other risk in locks.md (its table of rules, MariaDB's
     * after it).
     */
    static String helpUri(String rule) {
        String page = rule.equals("application-query-waited")
                || rule.equals(LockRisk.BREAKS_RUNNING_APP) ? "running-application.md"
                : FAILURES.containsKey(rule) ? "reports.md" : "locks.md";
        return BuildProperties.docs() + page + "#" + rule;
    }

    /** The SARIF log of {@code findings}, made by Rehearsal {@code version}. */
    public static String write(List<Finding> findings, String version) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode log = mapper.createObjectNode();
        log.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        log.put("version", "2.1.0");
        ObjectNode run = log.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "Rehearsal");
        driver.put("version", version);
        ArrayNode rules = driver.putArray("rules");
        Map<String, Integer> ruleIndex = new LinkedHashMap<>();
        for (Finding f : findings) {
            ruleIndex.computeIfAbsent(f.rule(), id -> {
                ObjectNode rule = rules.addObject();
                rule.put("id", id);
                rule.put("name", name(id));
                rule.putObject("shortDescription").put("text", FAILURES.getOrDefault(id, "Lock risk " + id
                        + ": a statement that would make the application wait in production (docs/locks.md)"));
                rule.put("helpUri", helpUri(id));
                rule.putObject("defaultConfiguration").put("level", level(f));
                return rules.size() - 1;
            });
        }
        ArrayNode results = run.putArray("results");
        for (Finding f : findings) {
            ObjectNode result = results.addObject();
            result.put("ruleId", f.rule());
            result.put("ruleIndex", ruleIndex.get(f.rule()));
            result.put("level", level(f));
            result.putObject("message").put("text", f.migration() + " (" + f.phase() + "): " + f.message());
            ObjectNode location = result.putArray("locations").addObject().putObject("physicalLocation");
            location.putObject("artifactLocation").put("uri", uri(f.file()));
            location.putObject("region").put("startLine", Math.max(1, f.line()));
            if (f.suppressed() != null) {
                result.putArray("suppressions").addObject().put("kind", "inSource").put("justification", f.suppressed());
            }
        }
        run.putArray("invocations").addObject().put("executionSuccessful", true);
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(log) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String level(Finding f) {
        return switch (f.level()) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case NOTE -> "note";
        };
    }

    /** {@code non-concurrent-index} as {@code NonConcurrentIndex}, the form SARIF viewers show as a rule's name. */
    private static String name(String id) {
        StringBuilder sb = new StringBuilder();
        for (String part : id.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                sb.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        return sb.toString();
    }

    /** A relative path as a URI reference: spaces and other reserved characters escaped, {@code /} kept. */
    static String uri(String path) {
        try {
            return new URI(null, null, path, null).getRawPath();
        } catch (URISyntaxException e) {
            return path.replace(" ", "%20");
        }
    }
}
