package dev.rehearsal.core.internal.tools.sqitch;

import dev.rehearsal.core.model.RehearsalException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Sqitch plan ({@code sqitch.plan}) as Sqitch 1.x reads it: pragmas, changes with their dependencies, planner,
 * time and note, and the tags that follow them; and the ids Sqitch derives from them (a SHA-1 over a change's
 * project, uri, name, parent, planner, time, dependencies and note, as {@code sqitch show change} prints them), which
 * its registry is keyed by. Parsed by hand: the format is Sqitch's own and small, and no Java library reads it.
 */
record SqitchPlan(String project, String uri, List<Change> changes) {

    /** A change of the plan, with the tags placed right after it. */
    record Change(int line, String name, List<String> requires, List<String> conflicts, String plannedAt,
                  String plannerName, String plannerEmail, String note, String id, List<Tag> tags) {
    }

    /** A tag ({@code @v1.0}), with its id. */
    record Tag(String name, String plannedAt, String plannerName, String plannerEmail, String note, String id) {
    }

    private static final Pattern CHANGE = Pattern.compile(
            "^(?<name>[^\\s@#:\\[\\]]+)\\s*(?:\\[(?<deps>[^]]*)])?\\s+(?<at>\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z)"
                    + "\\s+(?<planner>[^<]*?)\\s*<(?<email>[^>]*)>\\s*(?:#\\s?(?<note>.*))?$");
    private static final Pattern TAG = Pattern.compile(
            "^@(?<name>[^\\s@#:]+)\\s+(?<at>\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z)"
                    + "\\s+(?<planner>[^<]*?)\\s*<(?<email>[^>]*)>\\s*(?:#\\s?(?<note>.*))?$");

    /**
     * Reads the plan's text.
     *
     * @throws RehearsalException naming the file and line of what Sqitch would refuse or Rehearsal does not read yet
     */
    static SqitchPlan parse(String text, String file) {
        Map<String, String> pragmas = new LinkedHashMap<>();
        List<Change> changes = new ArrayList<>();
        List<String> lines = text.lines().toList();
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<Object[]> pending = new ArrayList<>(); // parsed lines before ids: change fields and its tags
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int n = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("%")) {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    throw new RehearsalException(file + ", line " + n + ": a pragma needs a value (%project=name)");
                }
                pragmas.put(line.substring(1, eq).strip(), line.substring(eq + 1).strip());
                continue;
            }
            Matcher tag = TAG.matcher(line);
            if (tag.matches()) {
                if (pending.isEmpty()) {
                    throw new RehearsalException(file + ", line " + n + ": a tag before any change; Sqitch tags the"
                            + " change above it");
                }
                @SuppressWarnings("unchecked")
                List<String[]> tags = (List<String[]>) pending.get(pending.size() - 1)[1];
                tags.add(new String[] {tag.group("name"), tag.group("at"), tag.group("planner").strip(),
                        tag.group("email"), note(tag.group("note"))});
                continue;
            }
            Matcher change = CHANGE.matcher(line.startsWith("+") ? line.substring(1) : line);
            if (!change.matches()) {
                throw new RehearsalException(file + ", line " + n + ": \"" + line + "\" is not a change or a tag as"
                        + " Sqitch writes them (name [dependencies] 2024-01-10T09:00:00Z Planner <email> # note)");
            }
            String name = change.group("name");
            Integer earlier = seen.putIfAbsent(name, n);
            if (earlier != null) {
                throw new RehearsalException(file + ", line " + n + ": change " + name + " appears again (line "
                        + earlier + "): a reworked change, which Rehearsal does not read yet (its scripts are"
                        + " deploy/" + name + "@<tag>.sql). Rehearse the history up to the rework.");
            }
            pending.add(new Object[] {new Object[] {n, name, change.group("deps"), change.group("at"),
                    change.group("planner").strip(), change.group("email"), note(change.group("note"))}, new ArrayList<String[]>()});
        }
        String project = pragmas.get("project");
        if (project == null) {
            throw new RehearsalException(file + ": no %project pragma; Sqitch needs one (sqitch init writes it)");
        }
        String uri = pragmas.get("uri");
        String parent = null;
        for (Object[] p : pending) {
            Object[] c = (Object[]) p[0];
            List<String> requires = new ArrayList<>();
            List<String> conflicts = new ArrayList<>();
            String deps = (String) c[2];
            if (deps != null) {
                for (String dep : deps.strip().split("\\s+")) {
                    if (dep.isEmpty()) {
                        continue;
                    }
                    if (dep.startsWith("!")) {
                        conflicts.add(dep.substring(1));
                    } else {
                        requires.add(dep);
                    }
                }
            }
            String name = (String) c[1];
            String plannedAt = (String) c[3];
            String planner = (String) c[4];
            String email = (String) c[5];
            String note = (String) c[6];
            StringBuilder info = new StringBuilder("project ").append(project);
            if (uri != null) {
                info.append("\nuri ").append(canonical(uri));
            }
            info.append("\nchange ").append(name);
            if (parent != null) {
                info.append("\nparent ").append(parent);
            }
            info.append("\nplanner ").append(planner).append(" <").append(email).append('>');
            info.append("\ndate ").append(plannedAt);
            if (!requires.isEmpty()) {
                info.append("\nrequires\n  + ").append(String.join("\n  + ", requires));
            }
            if (!conflicts.isEmpty()) {
                info.append("\nconflicts\n  - ").append(String.join("\n  - ", conflicts));
            }
            if (!note.isEmpty()) {
                info.append("\n\n").append(note);
            }
            String id = gitHash("change", info.toString());
            List<Tag> tags = new ArrayList<>();
            @SuppressWarnings("unchecked")
            List<String[]> rawTags = (List<String[]>) p[1];
            for (String[] t : rawTags) {
                StringBuilder tagInfo = new StringBuilder("project ").append(project);
                if (uri != null) {
                    tagInfo.append("\nuri ").append(canonical(uri));
                }
                tagInfo.append("\ntag @").append(t[0]).append("\nchange ").append(id)
                        .append("\nplanner ").append(t[2]).append(" <").append(t[3]).append('>')
                        .append("\ndate ").append(t[1]);
                if (!t[4].isEmpty()) {
                    tagInfo.append("\n\n").append(t[4]);
                }
                tags.add(new Tag("@" + t[0], t[1], t[2], t[3], t[4], gitHash("tag", tagInfo.toString())));
            }
            changes.add(new Change((Integer) c[0], name, List.copyOf(requires), List.copyOf(conflicts), plannedAt,
                    planner, email, note, id, List.copyOf(tags)));
            parent = id;
        }
        return new SqitchPlan(project, uri, List.copyOf(changes));
    }

    private static String note(String note) {
        return note == null ? "" : note.strip();
    }

    /** The URI as Perl's URI->canonical writes it for the usual case: scheme and host in lower case. */
    private static String canonical(String uri) {
        Matcher m = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)$").matcher(uri);
        return m.matches() ? m.group(1).toLowerCase(Locale.ROOT) + "://"
                + m.group(2).toLowerCase(Locale.ROOT) + m.group(3) : uri;
    }

    /** Sqitch's ids: a SHA-1 over "{@code kind length\0content}", as Git hashes its objects. */
    static String gitHash(String kind, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        MessageDigest sha1 = sha1();
        sha1.update((kind + " " + bytes.length + "\0").getBytes(StandardCharsets.UTF_8));
        sha1.update(bytes);
        return HexFormat.of().formatHex(sha1.digest());
    }

    static String sha1Hex(byte[] content) {
        return HexFormat.of().formatHex(sha1().digest(content));
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is in every JDK", e);
        }
    }
}
