package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.GeneratedUndo;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Derives a down script from the catalog before and after an up, as migra or Atlas derive a diff, but backwards:
 * what the up added is dropped (dependents first), what it changed is set back, and what it dropped is created again
 * from the definitions the catalog gave before (tables from their columns, then constraints, indexes, functions,
 * views and triggers). A column dropped and another of the same type added on the same table, or a table dropped and
 * another with the same columns added, is taken for a rename and renamed back. Changes the catalog cannot undo (an enum label added, a partitioning change) are listed instead;
 * data the up removed cannot come back, which the rehearsal of the candidate shows.
 */
final class PostgresUndo {

    private final SchemaSnapshot before;
    private final SchemaSnapshot after;
    private final PostgresDialect dialect;
    private final List<SchemaChange> changes;
    private final List<String> statements = new ArrayList<>();
    private final List<String> unsupported = new ArrayList<>();
    private final Set<String> addedTables = new LinkedHashSet<>();
    private final Set<String> removedTables = new LinkedHashSet<>();
    /** Added or removed objects already undone by another statement (a rename, a constraint's index). */
    private final Set<String> handled = new LinkedHashSet<>();

    private final UndoDefinitions definitions;

    private PostgresUndo(SchemaSnapshot before, SchemaSnapshot after, PostgresDialect dialect) {
        this.before = before;
        this.after = after;
        this.dialect = dialect;
        this.changes = before.diff(after).changes();
        this.definitions = new UndoDefinitions(before, dialect, statements, unsupported);
        for (SchemaChange c : changes) {
            if (c.object().kind() == ObjectKind.TABLE && c.type() == SchemaChange.Type.ADDED) {
                addedTables.add(c.object().name());
            } else if (c.object().kind() == ObjectKind.TABLE && c.type() == SchemaChange.Type.REMOVED) {
                removedTables.add(c.object().name());
            }
        }
    }

    /** The statements that take a database from {@code after} back to {@code before}. */
    static GeneratedUndo generate(SchemaSnapshot before, SchemaSnapshot after, PostgresDialect dialect) {
        PostgresUndo undo = new PostgresUndo(before, after, dialect);
        undo.renames();
        undo.dropAdded();
        undo.setBackChanged();
        undo.recreateRemoved();
        return new GeneratedUndo(undo.statements.isEmpty() ? "" : String.join(";\n", undo.statements) + ";\n",
                undo.unsupported);
    }

    // --- renames -----------------------------------------------------------------------------------------------

    /**
     * A removed and an added table of one schema with the same columns were one table the up renamed; what hangs on it
     * (columns, constraints, triggers) follows it back. The rehearsal of the script catches a wrong guess.
     */
    private void renames() {
        for (SchemaObject added : of(SchemaChange.Type.ADDED, ObjectKind.TABLE)) {
            List<SchemaObject> alike = of(SchemaChange.Type.REMOVED, ObjectKind.TABLE).stream()
                    .filter(r -> !handled.contains(r.key()) && schemaOf(r).equals(schemaOf(added))
                            && columnsOf(before, r).equals(columnsOf(after, added))).toList();
            if (alike.size() != 1) {
                continue;
            }
            SchemaObject old = alike.get(0);
            statements.add("ALTER TABLE " + q(added.name()) + " RENAME TO " + q(old.simpleName()));
            for (SchemaChange c : changes) {
                SchemaObject o = c.object();
                if (o == added || o == old || c.type() == SchemaChange.Type.ADDED && added.name().equals(o.table())
                        || c.type() == SchemaChange.Type.REMOVED && old.name().equals(o.table())) {
                    handled.add(o.key());
                }
            }
            addedTables.remove(added.name());
            removedTables.remove(old.name());
        }
        columnRenames();
    }

    private static String schemaOf(SchemaObject table) {
        int dot = table.name().indexOf('.');
        return dot < 0 ? "" : table.name().substring(0, dot);
    }

    /** Each column's name, type and nullability, in no particular order. */
    private static Set<String> columnsOf(SchemaSnapshot snapshot, SchemaObject table) {
        Set<String> columns = new TreeSet<>();
        for (SchemaObject c : snapshot.columns(table.name())) {
            columns.add(c.simpleName() + " " + c.fact(SchemaFact.TYPE).orElse("") + " " + c.fact(SchemaFact.NULLABLE).orElse(""));
        }
        return columns;
    }

    /** A removed and an added column of one table, alike but for the name, were renamed by the up. */
    private void columnRenames() {
        List<SchemaObject> removed = of(SchemaChange.Type.REMOVED, ObjectKind.COLUMN).stream()
                .filter(c -> !removedTables.contains(c.table())).toList();
        for (SchemaObject added : of(SchemaChange.Type.ADDED, ObjectKind.COLUMN)) {
            if (addedTables.contains(added.table())) {
                continue;
            }
            List<SchemaObject> alike = removed.stream().filter(r -> r.table().equals(added.table())
                    && !handled.contains(r.key()) && sameColumn(r, added)).toList();
            if (alike.size() == 1) {
                SchemaObject old = alike.get(0);
                statements.add("ALTER TABLE " + q(added.table()) + " RENAME COLUMN " + q(added.simpleName()) + " TO "
                        + q(old.simpleName()));
                handled.add(old.key());
                handled.add(added.key());
            }
        }
    }

    private static boolean sameColumn(SchemaObject a, SchemaObject b) {
        for (SchemaFact fact : List.of(SchemaFact.TYPE, SchemaFact.NULLABLE, SchemaFact.DEFAULT, SchemaFact.IDENTITY,
                SchemaFact.GENERATED, SchemaFact.COLLATION)) {
            if (!Objects.equals(a.fact(fact).orElse(null), b.fact(fact).orElse(null))) {
                return false;
            }
        }
        return true;
    }

    // --- what the up added -------------------------------------------------------------------------------------

    private void dropAdded() {
        Predicate<SchemaObject> onKeptTable = o -> o.table() == null || !addedTables.contains(o.table());
        for (SchemaObject o : added(ObjectKind.TRIGGER, onKeptTable)) {
            statements.add("DROP TRIGGER " + q(o.simpleName()) + " ON " + q(o.table()));
        }
        for (SchemaObject o : added(ObjectKind.POLICY, onKeptTable)) {
            statements.add("DROP POLICY " + q(o.simpleName()) + " ON " + q(o.table()));
        }
        for (SchemaObject o : added(ObjectKind.RULE, onKeptTable)) {
            statements.add("DROP RULE " + q(o.simpleName()) + " ON " + q(o.table()));
        }
        List<SchemaObject> views = added(ObjectKind.VIEW, o -> true);
        if (!views.isEmpty()) {
            statements.add("DROP VIEW " + names(views));
        }
        List<SchemaObject> matviews = added(ObjectKind.MATERIALIZED_VIEW, o -> true);
        if (!matviews.isEmpty()) {
            statements.add("DROP MATERIALIZED VIEW " + names(matviews));
        }
        List<SchemaObject> constraints = new ArrayList<>(added(ObjectKind.CONSTRAINT, onKeptTable));
        constraints.sort(Comparator.comparing(c -> !"foreign key".equals(c.fact(SchemaFact.TYPE).orElse(""))));
        for (SchemaObject o : constraints) {
            statements.add("ALTER TABLE " + q(o.table()) + " DROP CONSTRAINT " + q(o.simpleName()));
        }
        for (SchemaObject o : added(ObjectKind.INDEX, onKeptTable)) {
            if (!backsConstraint(o, after)) {
                statements.add("DROP INDEX " + q(o.name()));
            }
        }
        for (SchemaObject o : added(ObjectKind.COLUMN, onKeptTable)) {
            statements.add("ALTER TABLE " + q(o.table()) + " DROP COLUMN " + q(o.simpleName()));
        }
        if (!addedTables.isEmpty()) {
            // one statement: the tables may reference each other
            statements.add("DROP TABLE " + String.join(", ", addedTables.stream().map(this::q).toList()));
        }
        // after the tables: their triggers and defaults may call them
        for (ObjectKind kind : List.of(ObjectKind.FUNCTION, ObjectKind.PROCEDURE, ObjectKind.AGGREGATE)) {
            for (SchemaObject o : added(kind, o -> true)) {
                statements.add("DROP " + kind.label().toUpperCase(Locale.ROOT) + " " + routine(o.name()));
            }
        }
        for (SchemaObject o : added(ObjectKind.SEQUENCE, o -> true)) {
            String owner = o.fact(SchemaFact.OWNED_BY).orElse(null);
            if (owner == null || !(addedTables.contains(owner.substring(0, owner.lastIndexOf('.')))
                    || isAdded(ObjectKind.COLUMN, owner))) {
                statements.add("DROP SEQUENCE " + q(o.name()));
            }
        }
        List<SchemaObject> types = added(ObjectKind.TYPE, o -> true);
        if (!types.isEmpty()) {
            statements.add("DROP TYPE " + names(types));
        }
        for (SchemaObject o : added(ObjectKind.EXTENSION, o -> true)) {
            statements.add("DROP EXTENSION " + q(o.name()));
        }
        for (SchemaObject o : added(ObjectKind.SCHEMA, o -> true)) {
            statements.add("DROP SCHEMA " + q(o.name()));
        }
    }

    // --- what the up changed -----------------------------------------------------------------------------------

    private void setBackChanged() {
        for (SchemaChange c : changes) {
            if (c.type() != SchemaChange.Type.CHANGED) {
                continue;
            }
            SchemaObject was = c.before();
            SchemaObject now = c.after();
            switch (was.kind()) {
                case COLUMN -> column(was, now);
                case VIEW -> statements.add("CREATE OR REPLACE VIEW " + q(was.name()) + " AS\n" + body(was));
                case MATERIALIZED_VIEW -> {
                    statements.add("DROP MATERIALIZED VIEW " + q(was.name()));
                    statements.add("CREATE MATERIALIZED VIEW " + q(was.name()) + " AS\n" + body(was));
                }
                case FUNCTION, PROCEDURE -> statements.add(body(was));
                case INDEX -> {
                    if (!backsConstraint(was, before)) {
                        statements.add("DROP INDEX " + q(was.name()));
                        statements.add(body(was));
                    }
                }
                case CONSTRAINT -> {
                    statements.add("ALTER TABLE " + q(was.table()) + " DROP CONSTRAINT " + q(was.simpleName()));
                    statements.add("ALTER TABLE " + q(was.table()) + " ADD CONSTRAINT " + q(was.simpleName()) + " "
                            + body(was));
                }
                case TRIGGER -> {
                    statements.add("DROP TRIGGER " + q(was.simpleName()) + " ON " + q(was.table()));
                    statements.add(body(was));
                }
                case SEQUENCE -> definitions.sequence(was, "ALTER SEQUENCE ");
                case TABLE, SCHEMA -> {
                    if (onlyComment(c)) {
                        definitions.comment(was);
                    } else {
                        unsupported.add(c + ": only its comment can be set back from the catalog");
                    }
                }
                case EXTENSION -> statements.add("ALTER EXTENSION " + q(was.name()) + " UPDATE TO "
                        + PgText.quoted(was.fact(SchemaFact.VERSION).orElse("")));
                case TYPE -> unsupported.add(c + ": " + ("enum".equals(was.fact(SchemaFact.KIND).orElse(""))
                        ? "PostgreSQL cannot take a label out of an enum; a down must create the type anew and"
                        + " convert the columns that use it"
                        : "a type changed in place cannot be set back from the catalog"));
                default -> unsupported.add(c + ": not set back by generated undo scripts yet");
            }
        }
    }

    private void column(SchemaObject was, SchemaObject now) {
        String table = q(was.table());
        String col = q(was.simpleName());
        String oldDefault = was.fact(SchemaFact.DEFAULT).orElse(null);
        String newDefault = now.fact(SchemaFact.DEFAULT).orElse(null);
        String oldType = was.requireFact(SchemaFact.TYPE);
        boolean typeChanged = !oldType.equals(now.requireFact(SchemaFact.TYPE))
                || !Objects.equals(was.fact(SchemaFact.COLLATION), now.fact(SchemaFact.COLLATION));
        boolean defaultChanged = !Objects.equals(oldDefault, newDefault);
        if ((typeChanged || defaultChanged) && newDefault != null) {
            statements.add("ALTER TABLE " + table + " ALTER COLUMN " + col + " DROP DEFAULT");
        }
        if (typeChanged) {
            statements.add("ALTER TABLE " + table + " ALTER COLUMN " + col + " TYPE " + oldType
                    + was.fact(SchemaFact.COLLATION).map(cl -> " COLLATE " + cl).orElse("") + " USING " + col + "::"
                    + oldType);
        }
        if ((typeChanged || defaultChanged) && oldDefault != null) {
            statements.add("ALTER TABLE " + table + " ALTER COLUMN " + col + " SET DEFAULT " + oldDefault);
        }
        if (!was.fact(SchemaFact.NULLABLE).equals(now.fact(SchemaFact.NULLABLE))) {
            statements.add("ALTER TABLE " + table + " ALTER COLUMN " + col
                    + ("NO".equals(was.fact(SchemaFact.NULLABLE).orElse("YES")) ? " SET NOT NULL" : " DROP NOT NULL"));
        }
        if (!Objects.equals(was.fact(SchemaFact.COMMENT), now.fact(SchemaFact.COMMENT))) {
            definitions.comment(was);
        }
        if (!Objects.equals(was.fact(SchemaFact.IDENTITY), now.fact(SchemaFact.IDENTITY))
                || !Objects.equals(was.fact(SchemaFact.GENERATED), now.fact(SchemaFact.GENERATED))) {
            unsupported.add("column " + was.name() + ": its identity or generation expression changed, which the"
                    + " catalog alone cannot set back");
        }
    }

    private static boolean onlyComment(SchemaChange c) {
        return c.attributeChanges().stream().allMatch(a -> a.startsWith(SchemaFact.COMMENT.key() + " "));
    }

    // --- what the up dropped -----------------------------------------------------------------------------------

    private void recreateRemoved() {
        for (SchemaObject o : removed(ObjectKind.SCHEMA)) {
            statements.add("CREATE SCHEMA " + q(o.name()));
        }
        for (SchemaObject o : removed(ObjectKind.EXTENSION)) {
            statements.add("CREATE EXTENSION " + q(o.name()) + o.fact(SchemaFact.SCHEMA).map(s -> " SCHEMA " + q(s))
                    .orElse("") + o.fact(SchemaFact.VERSION).map(v -> " VERSION " + PgText.quoted(v)).orElse(""));
        }
        for (SchemaObject o : removed(ObjectKind.TYPE)) {
            definitions.type(o);
        }
        List<SchemaObject> ownedSequences = new ArrayList<>();
        for (SchemaObject o : removed(ObjectKind.SEQUENCE)) {
            String owner = o.fact(SchemaFact.OWNED_BY).orElse(null);
            if (owner != null && before.find(ObjectKind.COLUMN, owner).flatMap(c -> c.fact(SchemaFact.IDENTITY)).isPresent()) {
                continue; // an identity column's own sequence comes back with the column
            }
            definitions.sequence(o, "CREATE SEQUENCE ");
            if (owner != null) {
                ownedSequences.add(o);
            }
        }
        for (String table : removedTables) {
            definitions.table(before.table(table).orElseThrow());
        }
        for (SchemaObject o : removed(ObjectKind.COLUMN)) {
            if (removedTables.contains(o.table())) {
                continue;
            }
            statements.add("ALTER TABLE " + q(o.table()) + " ADD COLUMN " + definitions.columnDefinition(o, false));
            if ("NO".equals(o.fact(SchemaFact.NULLABLE).orElse("YES"))) {
                statements.add("ALTER TABLE " + q(o.table()) + " ALTER COLUMN " + q(o.simpleName()) + " SET NOT NULL");
            }
            o.fact(SchemaFact.COMMENT).ifPresent(x -> definitions.comment(o));
        }
        for (SchemaObject o : ownedSequences) {
            statements.add("ALTER SEQUENCE " + q(o.name()) + " OWNED BY " + q(o.requireFact(SchemaFact.OWNED_BY)));
        }
        List<SchemaObject> constraints = new ArrayList<>(removed(ObjectKind.CONSTRAINT));
        constraints.sort(Comparator.comparing(c -> "foreign key".equals(c.fact(SchemaFact.TYPE).orElse(""))));
        for (SchemaObject o : constraints) {
            statements.add("ALTER TABLE " + q(o.table()) + " ADD CONSTRAINT " + q(o.simpleName()) + " " + body(o));
        }
        for (SchemaObject o : removed(ObjectKind.INDEX)) {
            if (!backsConstraint(o, before)) {
                statements.add(body(o));
            }
        }
        for (ObjectKind kind : List.of(ObjectKind.FUNCTION, ObjectKind.PROCEDURE)) {
            for (SchemaObject o : removed(kind)) {
                statements.add(body(o));
            }
        }
        for (SchemaObject o : removed(ObjectKind.VIEW)) {
            statements.add("CREATE VIEW " + q(o.name()) + " AS\n" + body(o));
            o.fact(SchemaFact.COMMENT).ifPresent(x -> definitions.comment(o));
        }
        for (SchemaObject o : removed(ObjectKind.MATERIALIZED_VIEW)) {
            statements.add("CREATE MATERIALIZED VIEW " + q(o.name()) + " AS\n" + body(o));
        }
        for (SchemaObject o : removed(ObjectKind.TRIGGER)) {
            statements.add(body(o));
        }
        for (ObjectKind kind : List.of(ObjectKind.AGGREGATE, ObjectKind.POLICY, ObjectKind.RULE)) {
            for (SchemaObject o : removed(kind)) {
                unsupported.add(o + ": a dropped " + kind.label() + " is not created again by generated undo"
                        + " scripts yet");
            }
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** Whether {@code index} is the index of a primary key, unique or exclusion constraint of the same name. */
    private static boolean backsConstraint(SchemaObject index, SchemaSnapshot snapshot) {
        return snapshot.on(index.table(), ObjectKind.CONSTRAINT).stream()
                .anyMatch(c -> c.simpleName().equals(index.simpleName()));
    }

    private List<SchemaObject> of(SchemaChange.Type type, ObjectKind kind) {
        return changes.stream().filter(c -> c.type() == type && c.object().kind() == kind)
                .map(SchemaChange::object).toList();
    }

    private List<SchemaObject> added(ObjectKind kind, Predicate<SchemaObject> filter) {
        return of(SchemaChange.Type.ADDED, kind).stream().filter(o -> !handled.contains(o.key())).filter(filter).toList();
    }

    private List<SchemaObject> removed(ObjectKind kind) {
        return of(SchemaChange.Type.REMOVED, kind).stream().filter(o -> !handled.contains(o.key())).toList();
    }

    private boolean isAdded(ObjectKind kind, String name) {
        return changes.stream().anyMatch(c -> c.type() == SchemaChange.Type.ADDED && c.object().kind() == kind
                && c.object().name().equals(name));
    }

    /** The stored definition, without the trailing semicolon {@code pg_get_viewdef} leaves. */
    private static String body(SchemaObject o) {
        return o.requireFact(SchemaFact.DEFINITION).strip().replaceFirst(";\\s*$", "");
    }

    private String names(List<SchemaObject> objects) {
        return String.join(", ", objects.stream().map(o -> q(o.name())).toList());
    }

    /** {@code audit.f(integer, text)} with the name quoted and the argument types as the catalog gave them. */
    private String routine(String name) {
        int paren = name.indexOf('(');
        return q(name.substring(0, paren)) + name.substring(paren);
    }

    private String q(String name) {
        return dialect.quote(name);
    }

}
