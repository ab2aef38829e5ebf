package dev.rehearsal.core.schema;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One object of a schema snapshot: what it is, the name that identifies it within its kind, the table it belongs to
 * (for columns, constraints, indexes, triggers, rules and policies), a one-line summary for messages, and the
 * attributes that two snapshots compare (type, nullability, definition, validity...). Owners and privileges are
 * never recorded, so snapshots taken as different users compare equal.
 *
 * @param kind       what kind of object
 * @param name       identity within the kind: {@code orders}, {@code orders.status} for a column,
 *                   {@code orders.orders_pkey} for a constraint, {@code touch(integer)} for a function;
 *                   objects outside the {@code public} schema carry their schema ({@code audit.log})
 * @param table      the owning table for columns, constraints, indexes, triggers, rules and policies; else null
 * @param summary    a one-line human description ({@code index orders_status_idx ON orders (status)})
 * @param attributes the compared facts, sorted by key
 */
public record SchemaObject(ObjectKind kind, String name, String table, String summary, Map<String, String> attributes) {

    public SchemaObject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(summary, "summary");
        TreeMap<String, String> copy = new TreeMap<>();
        attributes.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        attributes = Collections.unmodifiableSortedMap(copy);
    }

    /** The key that identifies this object across snapshots: kind and name. */
    public String key() {
        return kind.name() + ":" + name;
    }

    /** An attribute's value, if recorded. */
    public Optional<String> attribute(String key) {
        return Optional.ofNullable(attributes.get(key));
    }

    /** The last part of the name: the column name of {@code orders.status}, the table name of {@code audit.log}. */
    public String simpleName() {
        int dot = name.lastIndexOf('.');
        return dot < 0 || name.endsWith(")") ? name : name.substring(dot + 1);
    }

    @Override
    public String toString() {
        return summary;
    }
}
