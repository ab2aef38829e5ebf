package dev.rehearsal.core.schema;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
    public static final Set<String> NOT_COMPARED = Set.of(SchemaFact.POSITION.key(),
            SchemaFact.COLUMNS.key(), SchemaFact.REFERENCED_TABLE.key(), SchemaFact.REFERENCED_COLUMNS.key(),
            SchemaFact.UNIQUE_COLUMNS.key());

    /**
     * Compares {@code before} with {@code after}: what was added, removed or changed going from one to the other.
     * Both snapshots hold their objects sorted by kind and name, so this is one walk over the two lists, and an object
     * that a patched read carried over unchanged (the same instance) costs one reference comparison: round trips
     * compare whole schemas several times per migration, and this keeps that linear and cheap on long histories.
     */
    public static SchemaDiff between(SchemaSnapshot before, SchemaSnapshot after) {
        List<SchemaObject> old = before.objects();
        List<SchemaObject> now = after.objects();
        List<SchemaChange> changes = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < old.size() || j < now.size()) {
            SchemaObject o = i < old.size() ? old.get(i) : null;
            SchemaObject n = j < now.size() ? now.get(j) : null;
            int order = o == n ? 0 : o == null ? 1 : n == null ? -1 : SchemaSnapshot.ORDER.compare(o, n);
            if (order < 0) {
                changes.add(new SchemaChange(SchemaChange.Type.REMOVED, o, null));
            } else if (order > 0) {
                changes.add(new SchemaChange(SchemaChange.Type.ADDED, null, n));
            } else if (o != n && !o.attributes().equals(n.attributes()) && !compared(o).equals(compared(n))) {
                changes.add(new SchemaChange(SchemaChange.Type.CHANGED, o, n));
            }
            if (order <= 0) {
                i = nextKey(old, i);
            }
            if (order >= 0) {
                j = nextKey(now, j);
            }
        }
        return new SchemaDiff(changes);
    }

    /**
     * The attributes as compared: without {@link #NOT_COMPARED}, and a function's or procedure's definition as the
     * server runs it, without comments and the whitespace between its tokens ({@link RoutineText}).
     */
    static Map<String, String> compared(SchemaObject o) {
        Map<String, String> attributes = new TreeMap<>(o.attributes());
        attributes.keySet().removeAll(NOT_COMPARED);
        String definition = attributes.get(SchemaFact.DEFINITION.key());
        if (definition != null && RoutineText.appliesTo(o)) {
            attributes.put(SchemaFact.DEFINITION.key(), RoutineText.comparable(definition));
        }
        return attributes;
    }

    /** Whether two objects are the same as a diff compares them (whatever their names). */
    public static boolean sameAsCompared(SchemaObject a, SchemaObject b) {
        return a.kind() == b.kind() && (a.attributes().equals(b.attributes()) || compared(a).equals(compared(b)));
    }

    /** The index of the next object with another kind or name: of two objects with one key, the first counts. */
    private static int nextKey(List<SchemaObject> objects, int index) {
        SchemaObject o = objects.get(index);
        int next = index + 1;
        while (next < objects.size() && SchemaSnapshot.ORDER.compare(objects.get(next), o) == 0) {
            next++;
        }
        return next;
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
