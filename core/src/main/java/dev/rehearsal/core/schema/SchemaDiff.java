package dev.rehearsal.core.schema;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The differences between two {@link SchemaSnapshot}s, as a list of {@link SchemaChange}s ordered by kind and name.
 * Empty when the schemas are equal. {@link #toString()} prints one line per change.
 */
@API(status = API.Status.STABLE, since = "0.1")
public record SchemaDiff(List<SchemaChange> changes) {

    public SchemaDiff {
        changes = List.copyOf(changes);
    }

    /**
     * Attributes recorded but not compared. PostgreSQL can only append columns, so a down script cannot put a
     * dropped column back where it was; flagging that would fail every honest undo of a DROP COLUMN. The column
     * lists of constraints and indexes are structured copies of their definitions, kept for the seeder.
     */
    public static final java.util.Set<String> NOT_COMPARED = java.util.Set.of(SchemaFact.POSITION.key(),
            SchemaFact.COLUMNS.key(), SchemaFact.REFERENCED_TABLE.key(), SchemaFact.REFERENCED_COLUMNS.key(),
            SchemaFact.UNIQUE_COLUMNS.key());

    /** Compares {@code before} with {@code after}: what was added, removed or changed going from one to the other. */
    public static SchemaDiff between(SchemaSnapshot before, SchemaSnapshot after) {
        Map<String, SchemaObject> old = index(before);
        Map<String, SchemaObject> now = index(after);
        List<SchemaChange> changes = new ArrayList<>();
        old.forEach((key, o) -> {
            SchemaObject n = now.get(key);
            if (n == null) {
                changes.add(new SchemaChange(SchemaChange.Type.REMOVED, o, null));
            } else if (!compared(o).equals(compared(n))) {
                changes.add(new SchemaChange(SchemaChange.Type.CHANGED, o, n));
            }
        });
        now.forEach((key, n) -> {
            if (!old.containsKey(key)) {
                changes.add(new SchemaChange(SchemaChange.Type.ADDED, null, n));
            }
        });
        changes.sort(Comparator.comparing((SchemaChange c) -> c.object().kind())
                .thenComparing(c -> c.object().name()));
        return new SchemaDiff(changes);
    }

    static Map<String, String> compared(SchemaObject o) {
        Map<String, String> attributes = new java.util.TreeMap<>(o.attributes());
        attributes.keySet().removeAll(NOT_COMPARED);
        return attributes;
    }

    private static Map<String, SchemaObject> index(SchemaSnapshot snapshot) {
        return snapshot.objects().stream()
                .collect(Collectors.toMap(SchemaObject::key, o -> o, (a, b) -> a, LinkedHashMap::new));
    }

    /** Whether the two snapshots were equal. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** Changes of one type only. */
    public List<SchemaChange> changes(SchemaChange.Type type) {
        return changes.stream().filter(c -> c.type() == type).toList();
    }

    @Override
    public String toString() {
        if (changes.isEmpty()) {
            return "(no differences)";
        }
        return changes.stream().map(SchemaChange::toString).collect(Collectors.joining("\n"));
    }
}
