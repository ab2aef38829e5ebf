package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Schema objects as the catalog reader found them, each filed under its scope: the table, type, routine, schema or
 * extension it belongs to (a column, index, constraint, trigger, rule or policy belongs to its table). The catalog
 * rows behind each object (an index's {@code pg_class} row, a constraint's {@code pg_constraint} row) are remembered
 * as members of the scope, so that when one of them is dropped the scope to read again is known. A later read of
 * a few scopes replaces just those ({@link #replace}).
 */
final class ScopedObjects {

    /** Scope of a relation: a table, view, materialized view, sequence or foreign table. */
    static final char RELATION = 'c';
    /** Scope of a type (enum, domain, composite, range). */
    static final char TYPE = 't';
    /** Scope of a function, procedure or aggregate. */
    static final char ROUTINE = 'p';
    /** Scope of a schema. */
    static final char NAMESPACE = 'n';
    /** Scope of an extension. */
    static final char EXTENSION = 'e';

    private final Map<String, List<SchemaObject>> byScope = new LinkedHashMap<>();
    private final Map<String, String> members = new HashMap<>();
    private final Map<String, Set<String>> links = new HashMap<>();
    /** The last {@link #snapshot}, or null: what the next one patches. */
    private SchemaSnapshot previous;
    /** The scopes replaced since {@link #previous}. */
    private final Set<String> replacedSince = new HashSet<>();
    /** The objects of {@link #previous} that those replacements took away. */
    private final List<SchemaObject> removedSince = new ArrayList<>();

    static String scope(char kind, long oid) {
        return kind + ":" + oid;
    }

    static String member(String catalog, long oid) {
        return catalog + ":" + oid;
    }

    /** Records {@code object} under {@code scope}. */
    void add(String scope, SchemaObject object) {
        previous = null;
        byScope.computeIfAbsent(scope, k -> new ArrayList<>()).add(object);
    }

    /** Records that the catalog row {@code member} ({@code pg_class:16421}) makes up part of {@code scope}. */
    void member(String member, String scope) {
        members.put(member, scope);
    }

    /** Records that two scopes show each other in their definitions (a table and its partition or child). */
    void link(String scope, String other) {
        links.computeIfAbsent(scope, k -> new LinkedHashSet<>()).add(other);
        links.computeIfAbsent(other, k -> new LinkedHashSet<>()).add(scope);
    }

    /** The scopes linked to {@code scope} by the reads so far. */
    Set<String> linked(String scope) {
        return links.getOrDefault(scope, Set.of());
    }

    /** The scope a catalog row belongs to, if a read has seen it. */
    String scopeOfMember(String member) {
        return members.get(member);
    }

    /** Replaces everything of {@code scopes} with what {@code fresh} read of them (a scope it did not find is gone). */
    void replace(Collection<String> scopes, ScopedObjects fresh) {
        Set<String> replaced = Set.copyOf(scopes);
        if (previous != null) {
            for (String scope : replaced) {
                List<SchemaObject> shown = replacedSince.add(scope) ? byScope.get(scope) : null;
                if (shown != null) {
                    removedSince.addAll(shown);
                }
            }
        }
        byScope.keySet().removeAll(replaced);
        members.values().removeIf(replaced::contains);
        fresh.byScope.forEach((scope, objects) -> {
            if (replaced.contains(scope)) {
                byScope.put(scope, objects);
            }
        });
        fresh.members.forEach((member, scope) -> {
            if (replaced.contains(scope)) {
                members.put(member, scope);
            }
        });
        links.keySet().removeAll(replaced);
        links.values().forEach(l -> l.removeAll(replaced));
        fresh.links.forEach((scope, others) -> others.forEach(other -> {
            if (replaced.contains(scope)) {
                link(scope, other);
            }
        }));
    }

    /** An independent copy, which later {@link #replace} calls on either side do not change. */
    ScopedObjects copy() {
        ScopedObjects copy = new ScopedObjects();
        byScope.forEach((scope, objects) -> copy.byScope.put(scope, new ArrayList<>(objects)));
        copy.members.putAll(members);
        links.forEach((scope, others) -> copy.links.put(scope, new LinkedHashSet<>(others)));
        copy.previous = previous;
        copy.replacedSince.addAll(replacedSince);
        copy.removedSince.addAll(removedSince);
        return copy;
    }

    /**
     * Everything filed, as a snapshot. After the first, a snapshot is the last one patched: without the objects of the
     * scopes replaced since, with what they hold now ({@link SchemaSnapshot#replacing}). Sorting the whole schema
     * again took ~4% of the rehearsing thread's time on a 300-migration history.
     */
    SchemaSnapshot snapshot() {
        SchemaSnapshot snapshot;
        if (previous == null) {
            snapshot = fullSnapshot();
        } else {
            // in filing order, as the full snapshot lists them before its stable sort
            List<SchemaObject> added = new ArrayList<>();
            byScope.forEach((scope, objects) -> {
                if (replacedSince.contains(scope)) {
                    added.addAll(objects);
                }
            });
            snapshot = previous.replacing(removedSince, added);
        }
        previous = snapshot;
        replacedSince.clear();
        removedSince.clear();
        return snapshot;
    }

    /** Everything filed, sorted anew: what {@link #snapshot} patches. */
    SchemaSnapshot fullSnapshot() {
        List<SchemaObject> all = new ArrayList<>();
        byScope.values().forEach(all::addAll);
        return new SchemaSnapshot(all);
    }
}
