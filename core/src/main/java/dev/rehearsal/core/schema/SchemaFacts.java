package dev.rehearsal.core.schema;

import org.apiguardian.api.API;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the facts of one schema object as a catalog reader finds them; every engine's reader writes through it,
 * so a fact is always written under its {@link SchemaFact} name and in its form. A null value records nothing.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SchemaFacts {

    private final Map<String, String> values = new LinkedHashMap<>();

    /** Records {@code value} as written by the catalog (its form is the catalog's text). */
    public SchemaFacts put(SchemaFact fact, String value) {
        if (value != null) {
            values.put(fact.key(), value);
        }
        return this;
    }

    /** Records a {@link SchemaFact.Form#FLAG} or {@link SchemaFact.Form#YES_NO} fact. */
    public SchemaFacts flag(SchemaFact fact, boolean value) {
        return put(fact, switch (fact.form()) {
            case YES_NO -> value ? "YES" : "NO";
            case FLAG -> String.valueOf(value);
            default -> throw new IllegalArgumentException(fact + " is not a flag but " + fact.form());
        });
    }

    /** Records a {@link SchemaFact.Form#LIST} fact; an empty list records nothing. */
    public SchemaFacts list(SchemaFact fact, List<String> items) {
        return items == null || items.isEmpty() ? this : put(fact, String.join(", ", items));
    }

    /** The facts by name, as {@link SchemaObject#attributes()} holds them. */
    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }
}
