package dev.rehearsal.core.internal.tools.alembic;

import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.scripts.SqlLayoutSource;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Alembic revision files ({@code versions/*.py}) as far as their identifiers go: {@code revision},
 * {@code down_revision} (a string, a tuple or list for merges, {@code None} for a base), {@code branch_labels} and
 * {@code depends_on}, plain or type-annotated; builds the revision graph and checks it as Alembic would: every
 * {@code down_revision} known, no cycle, and a single head ({@code single_head_revision}).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AlembicRevisions {

    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?m)^(revision|down_revision|branch_labels|depends_on)\\s*(?::[^=\\n]+)?=\\s*(.+)$");
    private static final Pattern QUOTED = Pattern.compile("['\"]([^'\"]+)['\"]");

    private AlembicRevisions() {
    }

    /** One revision file. */
    public record Revision(String id, List<String> downRevisions, List<String> branchLabels, List<String> dependsOn,
                           ScriptFile file, int line) {
    }

    /** Whether the files hold Alembic revision files. */
    public static boolean recognizes(List<ScriptFile> files) {
        return files.stream().anyMatch(f -> f.filename().endsWith(".py") && f.text().contains("down_revision"));
    }

    /**
     * The revisions of {@code files} in an order that applies parents first (file name breaks ties), checked.
     *
     * @throws RehearsalException naming the file and line of an unknown down_revision, the revisions of a cycle, or
     *                            the heads when there is more than one
     */
    public static List<Revision> read(String location, List<ScriptFile> files) {
        Map<String, Revision> byId = new LinkedHashMap<>();
        for (ScriptFile f : files) {
            if (!f.filename().endsWith(".py") || !f.text().contains("down_revision")) {
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            Map<String, Integer> lines = new LinkedHashMap<>();
            Matcher m = ASSIGNMENT.matcher(f.text());
            while (m.find()) {
                values.putIfAbsent(m.group(1), m.group(2).trim());
                lines.putIfAbsent(m.group(1), SqlLayoutSource.lineOf(f.text(), m.start()));
            }
            List<String> ids = quoted(values.get("revision"));
            if (ids.size() != 1) {
                throw new RehearsalException("Alembic history at " + location + ": " + f.relativePath()
                        + (lines.containsKey("revision") ? ", line " + lines.get("revision") : "")
                        + ": no literal revision = '...' identifier");
            }
            Revision r = new Revision(ids.get(0), quoted(values.get("down_revision")), quoted(values.get("branch_labels")),
                    quoted(values.get("depends_on")), f, lines.getOrDefault("down_revision", 1));
            Revision before = byId.put(r.id(), r);
            if (before != null) {
                throw new RehearsalException("Alembic history at " + location + ": revision " + r.id() + " is declared by "
                        + before.file().relativePath() + " and by " + f.relativePath());
            }
        }
        for (Revision r : byId.values()) {
            for (String parent : r.downRevisions()) {
                if (!byId.containsKey(parent)) {
                    throw new RehearsalException("Alembic history at " + location + ": " + r.file().relativePath()
                            + ", line " + r.line() + ": down_revision " + parent + " of revision " + r.id()
                            + " is no revision of this history (known: " + String.join(", ", byId.keySet()) + ")");
                }
            }
        }
        Set<String> heads = new TreeSet<>(byId.keySet());
        byId.values().forEach(r -> heads.removeAll(r.downRevisions()));
        List<Revision> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        Set<String> visiting = new LinkedHashSet<>();
        // from the head down, a merge's parents in reverse order: the order alembic upgrade base:head applies them
        for (String id : heads) {
            visit(location, id, byId, done, visiting, ordered);
        }
        for (String id : new TreeSet<>(byId.keySet())) {
            visit(location, id, byId, done, visiting, ordered);
        }
        if (heads.size() > 1) {
            throw new RehearsalException("Alembic history at " + location + " has " + heads.size() + " heads: "
                    + String.join(", ", heads) + " (" + String.join(", ", heads.stream()
                    .map(h -> byId.get(h).file().relativePath()).toList()) + "). Merge them: alembic merge -m \"merge\" "
                    + String.join(" ", heads));
        }
        return ordered;
    }

    private static void visit(String location, String id, Map<String, Revision> byId, Set<String> done,
                              Set<String> visiting, List<Revision> ordered) {
        if (done.contains(id)) {
            return;
        }
        if (!visiting.add(id)) {
            List<String> cycle = new ArrayList<>(visiting);
            cycle = cycle.subList(cycle.indexOf(id), cycle.size());
            throw new RehearsalException("Alembic history at " + location + " has a cycle: " + String.join(" -> ", cycle)
                    + " -> " + id + " (" + byId.get(id).file().relativePath() + ", line " + byId.get(id).line()
                    + "): a down_revision must point to an older revision");
        }
        Revision r = byId.get(id);
        List<String> parents = new ArrayList<>(r.downRevisions());
        Collections.reverse(parents);
        // depends_on orders without being a parent: those revisions are applied first
        r.dependsOn().stream().filter(byId::containsKey).filter(d -> !parents.contains(d)).forEach(parents::add);
        for (String parent : parents) {
            visit(location, parent, byId, done, visiting, ordered);
        }
        visiting.remove(id);
        done.add(id);
        ordered.add(r);
    }

    private static List<String> quoted(String value) {
        List<String> out = new ArrayList<>();
        if (value == null || value.startsWith("None")) {
            return out;
        }
        Matcher m = QUOTED.matcher(value);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * The version of the highest revision among {@code heads} (the rows of {@code alembic_version}), by its place in
     * {@code order}; empty when there are none.
     *
     * @param unknown what the message says of a head {@code order} does not know ({@code the offline SQL at ... does
     *                not know})
     * @throws RehearsalException naming a head that {@code order} does not know
     */
    public static Optional<MigrationVersion> highest(Iterable<String> heads, Map<String, Integer> order, String unknown) {
        int highest = 0;
        for (String head : heads) {
            Integer at = order.get(head);
            if (at == null) {
                throw new RehearsalException("alembic_version holds " + head + ", which " + unknown);
            }
            highest = Math.max(highest, at);
        }
        return highest == 0 ? Optional.empty() : Optional.of(MigrationVersion.parse(String.valueOf(highest)));
    }
}
