package dev.rehearsal.core.schema;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One difference between two snapshots: an object added, removed, or changed (with the attributes that differ).
 * {@link #toString()} gives the one-line form used in failure messages, e.g.
 * {@code ~ column users.email: type varchar(100) -> varchar(255)}.
 */
@API(status = API.Status.STABLE, since = "0.1")
public record SchemaChange(Type type, SchemaObject before, SchemaObject after) {

    /** What happened to the object between the two snapshots. */
    public enum Type {
        ADDED("+"), REMOVED("-"), CHANGED("~");

        private final String symbol;

        Type(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    public SchemaChange {
        Objects.requireNonNull(type, "type");
        if (before == null && after == null) {
            throw new IllegalArgumentException("a change needs an object");
        }
    }

    /** The object concerned (the new one for additions and changes, the old one for removals). */
    public SchemaObject object() {
        return after != null ? after : before;
    }

    /** For a change, one entry per differing attribute ({@code type varchar(100) -> varchar(255)}). */
    public List<String> attributeChanges() {
        if (type != Type.CHANGED) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(before.attributes().keySet());
        keys.addAll(after.attributes().keySet());
        keys.removeAll(SchemaDiff.NOT_COMPARED);
        boolean routine = RoutineText.appliesTo(before);
        for (String key : keys) {
            String a = before.attributes().get(key);
            String b = after.attributes().get(key);
            if (Objects.equals(a, b)) {
                continue;
            }
            if (routine && a != null && b != null && key.equals(SchemaFact.DEFINITION.key())) {
                RoutineText.Difference d = RoutineText.firstDifference(a, b);
                if (d != null) {
                    result.add(key + " differs at line " + (d.lineBefore() > 0 ? d.lineBefore() : d.lineAfter())
                            + (d.lineBefore() > 0 && d.lineAfter() > 0 && d.lineAfter() != d.lineBefore()
                            ? " (line " + d.lineAfter() + " after)" : "") + ": " + shorten(d.before()) + " -> "
                            + shorten(d.after()));
                }
                continue; // differing only in comments and whitespace, the routine is the same
            }
            result.add(describe(key, a, b));
        }
        return result;
    }

    private static String describe(String key, String a, String b) {
        if (a == null) {
            return key + " set to " + shorten(b);
        }
        if (b == null) {
            return key + " " + shorten(a) + " removed";
        }
        if (a.length() <= 60 && b.length() <= 60 && !a.contains("\n") && !b.contains("\n")) {
            return key + " " + a + " -> " + b;
        }
        String[] la = a.split("\n", -1);
        String[] lb = b.split("\n", -1);
        int n = Math.min(la.length, lb.length);
        int line = 0;
        while (line < n && la[line].equals(lb[line])) {
            line++;
        }
        String from = line < la.length ? la[line].strip() : "(end)";
        String to = line < lb.length ? lb[line].strip() : "(end)";
        return key + " differs at line " + (line + 1) + ": " + shorten(from) + " -> " + shorten(to);
    }

    private static String shorten(String s) {
        String flat = s.replaceAll("\\s+", " ").strip();
        return flat.length() > 120 ? flat.substring(0, 117) + "..." : flat;
    }

    @Override
    public String toString() {
        return switch (type) {
            case ADDED -> "+ " + after.summary();
            case REMOVED -> "- " + before.summary();
            case CHANGED -> "~ " + after.kind().label() + " " + after.name() + ": " + String.join("; ", attributeChanges());
        };
    }
}
