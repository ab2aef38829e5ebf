package dev.rehearsal.core.internal.helper;

import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.db.ConnectionDetails;
import org.apiguardian.api.API;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How the processes Rehearsal starts for a tool are kept to the throwaway database: contained or guarded only
 * ({@code rehearsal.containment}), and the variables the user maps to it ({@code rehearsal.env.<NAME>}).
 *
 * @param containment {@code network} or {@code guard}
 * @param mapped      the user's variable templates, by name
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record ToolProcesses(String containment, Map<String, String> mapped) {

    /** Contained where the machine allows, nothing mapped. */
    public static final ToolProcesses DEFAULTS = new ToolProcesses("network", Map.of());

    public ToolProcesses {
        mapped = Map.copyOf(mapped);
    }

    /** As the tools' settings say. */
    public static ToolProcesses of(ToolSettings settings) {
        return new ToolProcesses(settings.containment(), settings.environment());
    }

    /**
     * {@code environment}, contained as this says to the databases {@code handed} names when each session starts,
     * the mapped variables named as the throwaway database's rather than removed.
     */
    public ToolProcessEnvironment apply(ToolProcessEnvironment environment, Supplier<List<ConnectionDetails>> handed) {
        return environment.mapped(mapped.keySet(), "rehearsal.env.<NAME>=${url}").containment(containment, handed);
    }

    /** The mapped variables filled in for {@code details}, {@code url} being how the tool takes its URL. */
    public Map<String, String> variables(ConnectionDetails details, String url) {
        Map<String, String> filled = new LinkedHashMap<>();
        mapped.forEach((name, template) -> filled.put(name, ToolProcessEnvironment.fill(template, details, url)));
        return filled;
    }
}
