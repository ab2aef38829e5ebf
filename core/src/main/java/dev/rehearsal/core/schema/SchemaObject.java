package dev.rehearsal.core.schema;

import org.apiguardian.api.API;

import java.util.Collections;
import java.util.List;
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
@API(status = API.Status.STABLE, since = "0.1")
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

    /** A fact as recorded, if the catalog recorded it for this object. */
    public Optional<String> fact(SchemaFact fact) {
        return Optional.ofNullable(attributes.get(fact.key()));
    }

    /**
     * A fact that must be there for this kind of object.
     *
     * @throws IllegalStateException naming the object and the fact, when the catalog reader did not record it
     */
    public String requireFact(SchemaFact fact) {
        String value = attributes.get(fact.key());
        if (value == null) {
            throw new IllegalStateException("The schema snapshot of " + kind.label() + " " + name + " has no \""
                    + fact.key() + "\" fact; its catalog reader should record it. Facts recorded: " + attributes.keySet());
        }
        return value;
    }

    /** A {@link SchemaFact.Form#FLAG} or {@link SchemaFact.Form#YES_NO} fact; {@code whenAbsent} when not recorded. */
    public boolean flag(SchemaFact fact, boolean whenAbsent) {
        String value = attributes.get(fact.key());
        if (value == null) {
            return whenAbsent;
        }
        return switch (fact.form()) {
            case YES_NO -> "YES".equalsIgnoreCase(value);
            case FLAG -> "true".equalsIgnoreCase(value);
            default -> throw new IllegalArgumentException(fact + " is not a flag but " + fact.form());
        };
    }

    /** A {@link SchemaFact.Form#LIST} fact's items; empty when not recorded. */
    public List<String> list(SchemaFact fact) {
        String value = attributes.get(fact.key());
        return value == null || value.isEmpty() ? List.of() : List.of(value.split(", "));
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
