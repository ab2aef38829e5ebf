package dev.rehearsal.core.internal.retry;

import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;

/**
 * What a migration stopped part-way left, or how its retry differs from a clean run, in the words a reviewer looks
 * for: {@code index users_email_key INVALID}, {@code column accounts.plan}, {@code dropped table legacy}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Leftovers {

    private Leftovers() {
    }

    /** One entry per change, in the diff's order. */
    public static List<String> of(SchemaDiff diff) {
        List<String> all = new ArrayList<>();
        for (SchemaChange change : diff.changes()) {
            SchemaObject o = change.object();
            String name = o.kind().label() + " " + o.name();
            all.add(switch (change.type()) {
                case ADDED -> name + (invalid(o) ? " INVALID" : "");
                case REMOVED -> "dropped " + name;
                case CHANGED -> invalid(change.after()) && !invalid(change.before()) ? name + " INVALID"
                        : name + ": " + String.join("; ", change.attributeChanges());
            });
        }
        return all;
    }

    /** An index the engine keeps but does not use: a build that did not finish. */
    private static boolean invalid(SchemaObject o) {
        return "false".equals(o.attributes().get(SchemaFact.VALID.key()));
    }
}
