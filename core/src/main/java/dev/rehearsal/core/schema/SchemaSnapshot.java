package dev.rehearsal.core.schema;

import org.apiguardian.api.API;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Everything a migration can change in a database's schema, read from the engine's catalog at one moment:
 * tables, columns, constraints, indexes, sequences, views, routines, triggers, types, extensions, comments.
 * The migration tool's own history table is left out. Two snapshots compare with {@link #diff(SchemaSnapshot)}.
 */
@API(status = API.Status.STABLE, since = "0.1")
public record SchemaSnapshot(List<SchemaObject> objects) {

    /** The order of {@link #objects()}: by kind, then by name. */
    static final Comparator<SchemaObject> ORDER = Comparator.comparing(SchemaObject::kind)
            .thenComparing(SchemaObject::name);

    public SchemaSnapshot {
        objects = objects.stream().sorted(ORDER).toList();
    }

    /** What changed going from this snapshot to {@code after}. */
    public SchemaDiff diff(SchemaSnapshot after) {
        return SchemaDiff.between(this, after);
    }

    /** All objects of one kind. */
    public List<SchemaObject> objects(ObjectKind kind) {
        return objects.stream().filter(o -> o.kind() == kind).toList();
    }

    /** The object of that kind and name, if present. */
    public Optional<SchemaObject> find(ObjectKind kind, String name) {
        return objects.stream().filter(o -> o.kind() == kind && o.name().equals(name)).findFirst();
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
        return objects.stream().filter(o -> o.kind() == ObjectKind.COLUMN && table.equals(o.table()))
                .sorted(Comparator.comparingInt(o -> Integer.parseInt(o.fact(SchemaFact.POSITION).orElse("0"))))
                .toList();
    }

    /** Objects of a kind that belong to a table (constraints, indexes, triggers...). */
    public List<SchemaObject> on(String table, ObjectKind kind) {
        return objects.stream().filter(o -> o.kind() == kind && table.equals(o.table())).toList();
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
