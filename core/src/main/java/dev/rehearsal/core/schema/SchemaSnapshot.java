package dev.rehearsal.core.schema;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything a migration can change in a database's schema, read from the engine's catalog at one moment:
 * tables, columns, constraints, indexes, sequences, views, routines, triggers, types, extensions, comments.
 * The migration tool's own history table is left out. Two snapshots compare with {@link #diff(SchemaSnapshot)}.
 */
@API(status = API.Status.STABLE, since = "0.1")
public record SchemaSnapshot(List<SchemaObject> objects) {

    /** The order of {@link #objects()}: by kind, then by name. */
    static final Comparator<SchemaObject> ORDER = (a, b) -> {
        int kind = a.kind().compareTo(b.kind());
        return kind != 0 ? kind : a.name().compareTo(b.name());
    };

    /**
     * Keeps {@code objects} in {@link #ORDER} (stable, so of two objects with one key the first given stays first).
     * A snapshot read phase by phase is mostly the previous one's list, already in order: it is only checked then.
     */
    public SchemaSnapshot {
        SchemaObject[] sorted = objects.toArray(SchemaObject[]::new);
        for (int i = 1; i < sorted.length; i++) {
            if (ORDER.compare(sorted[i - 1], sorted[i]) > 0) {
                Arrays.sort(sorted, ORDER);
                break;
            }
        }
        objects = List.of(sorted);
    }

    /**
     * This snapshot without the {@code removed} objects (the very instances this snapshot holds) and with the
     * {@code added} ones, for schema readers that patch the last snapshot with the few objects a phase changed: a
     * merge, so a read costs the size of the schema in reference comparisons rather than a sort of all of it. Where
     * an added object has the key of one kept, the kept one comes first, as it would when the added ones are listed
     * after the others.
     */
    @API(status = API.Status.INTERNAL, since = "0.1")
    public SchemaSnapshot replacing(Collection<SchemaObject> removed, Collection<SchemaObject> added) {
        Set<SchemaObject> gone = Collections.newSetFromMap(new IdentityHashMap<>());
        gone.addAll(removed);
        SchemaObject[] fresh = added.toArray(SchemaObject[]::new);
        Arrays.sort(fresh, ORDER);
        List<SchemaObject> merged = new ArrayList<>(objects.size() + fresh.length);
        int next = 0;
        for (SchemaObject kept : objects) {
            if (gone.contains(kept)) {
                continue;
            }
            while (next < fresh.length && ORDER.compare(fresh[next], kept) < 0) {
                merged.add(fresh[next++]);
            }
            merged.add(kept);
        }
        while (next < fresh.length) {
            merged.add(fresh[next++]);
        }
        return new SchemaSnapshot(merged);
    }

    /** What changed going from this snapshot to {@code after}. */
    public SchemaDiff diff(SchemaSnapshot after) {
        return SchemaDiff.between(this, after);
    }

    /** All objects of one kind. */
    public List<SchemaObject> objects(ObjectKind kind) {
        return objects.subList(boundary(kind, false), boundary(kind, true));
    }

    /** The object of that kind and name, if present. */
    public Optional<SchemaObject> find(ObjectKind kind, String name) {
        if (name == null) {
            return Optional.empty();
        }
        // binary search for the first object of the kind with that name or a later one
        int low = boundary(kind, false);
        int high = boundary(kind, true);
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (objects.get(mid).name().compareTo(name) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low < objects.size() && objects.get(low).kind() == kind && objects.get(low).name().equals(name)
                ? Optional.of(objects.get(low)) : Optional.empty();
    }

    /**
     * By binary search, the index of the first object of {@code kind} or a later kind, or with {@code past}, of a
     * later kind only ({@link #objects()} are in {@link #ORDER}).
     */
    private int boundary(ObjectKind kind, boolean past) {
        int low = 0;
        int high = objects.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            int order = objects.get(mid).kind().compareTo(kind);
            if (order < 0 || (past && order == 0)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** The table with that name ({@code orders}, or {@code audit.log} outside {@code public}). */
    public Optional<SchemaObject> table(String name) {
        return find(ObjectKind.TABLE, name);
    }

    /** A column of a table. */
    public Optional<SchemaObject> column(String table, String column) {
        return find(ObjectKind.COLUMN, table + "." + column);
    }

    /** The columns of a table, in their order in the table. */
    public List<SchemaObject> columns(String table) {
        return objects(ObjectKind.COLUMN).stream().filter(o -> table.equals(o.table()))
                .sorted(Comparator.comparingInt(o -> Integer.parseInt(o.fact(SchemaFact.POSITION).orElse("0"))))
                .toList();
    }

    /** Objects of a kind that belong to a table (constraints, indexes, triggers...). */
    public List<SchemaObject> on(String table, ObjectKind kind) {
        return objects(kind).stream().filter(o -> table.equals(o.table())).toList();
    }

    /** One line per object with its attributes: a stable, reviewable text form. */
    public String toText() {
        return objects.stream()
                .map(o -> o.kind().label() + " " + o.name() + o.attributes().entrySet().stream()
                        .map(e -> "\n    " + e.getKey() + ": " + e.getValue().replace("\n", "\n      "))
                        .collect(Collectors.joining()))
                .collect(Collectors.joining("\n"));
    }

    @Override
    public String toString() {
        return "SchemaSnapshot[" + objects.size() + " objects]";
    }
}
