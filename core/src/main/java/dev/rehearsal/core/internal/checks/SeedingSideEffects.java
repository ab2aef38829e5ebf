package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What rows Rehearsal seeded after an up did beyond the tables they went into: the triggers and rules of those tables
 * fired, and created objects ({@code objects}, by {@link SchemaObject#key()}) or wrote rows of tables that were there
 * before the up ({@code tables}). That is Rehearsal's doing, not the migration's: the down is not asked to undo it, and
 * up again is not asked to reproduce it.
 */
record SeedingSideEffects(Set<String> objects, Set<String> tables, String what) {

    /** Kept by {@link SeedCreatedTablesCheck} for the checks after the down and up again. */
    static final PhaseContext.Key<SeedingSideEffects> KEY = new PhaseContext.Key<>("seeding side effects");

    SeedingSideEffects {
        objects = Set.copyOf(objects);
        tables = Set.copyOf(tables);
    }

    /** Whether rows seeded into {@code tables} may act beyond them: a trigger or a rule of one of them. */
    static boolean possible(SchemaSnapshot schema, Collection<String> tables) {
        return schema.objects().stream().anyMatch(o -> (o.kind() == ObjectKind.TRIGGER || o.kind() == ObjectKind.RULE)
                && tables.contains(o.table()));
    }

    /**
     * What the seeding of {@code seeded} left between {@code schemaBefore} / {@code dataBefore} (null: data not
     * fingerprinted) and now; null when it left nothing outside those tables.
     */
    static SeedingSideEffects between(SchemaSnapshot schemaBefore, SchemaSnapshot schemaNow, DataFingerprint dataBefore,
                                      DataFingerprint dataNow, Collection<String> seeded) {
        Set<String> objects = new TreeSet<>();
        List<String> made = new ArrayList<>();
        List<SchemaChange> changes = schemaBefore.diff(schemaNow).changes();
        Set<String> newTables = new TreeSet<>();
        changes.stream().filter(c -> c.type() == SchemaChange.Type.ADDED && c.object().kind() == ObjectKind.TABLE)
                .forEach(c -> newTables.add(c.object().name()));
        for (SchemaChange c : changes) {
            SchemaObject o = c.object();
            objects.add(o.key());
            if (o.table() == null || !newTables.contains(o.table())) { // a new table's columns go with it
                made.add((c.type() == SchemaChange.Type.ADDED ? "created " : c.type() == SchemaChange.Type.REMOVED
                        ? "dropped " : "changed ") + o.kind().label() + " " + o.name());
            }
        }
        Set<String> tables = new TreeSet<>();
        if (dataBefore != null && dataNow != null) {
            for (Map.Entry<String, DataFingerprint.TableFingerprint> e : dataBefore.tables().entrySet()) {
                if (!seeded.contains(e.getKey()) && !e.getValue().equals(dataNow.tables().get(e.getKey()))) {
                    tables.add(e.getKey());
                }
            }
        }
        if (!tables.isEmpty()) {
            made.add("wrote rows of " + String.join(", ", tables));
        }
        return made.isEmpty() ? null : new SeedingSideEffects(objects, tables, String.join(", ", made));
    }

    /** {@code diff} without the changes that are this seeding's doing. */
    SchemaDiff leaveOut(SchemaDiff diff) {
        return new SchemaDiff(diff.changes().stream().filter(c -> !objects.contains(c.object().key())).toList());
    }

    /** {@code problems} without those of the tables this seeding wrote. */
    List<DataProblem> leaveOut(List<DataProblem> problems) {
        return problems.stream().filter(p -> p.table() == null || !tables.contains(p.table())).toList();
    }

    /** The note that says what is left out of the checks after the down and up again, and why. */
    String note(String displayName, Collection<String> seeded) {
        return "rows Rehearsal seeded into " + String.join(", ", seeded) + " after " + displayName
                + " fired their triggers or rules, which " + what + ": Rehearsal's doing, not the migration's, so the"
                + " down and up again are not judged on it";
    }
}
