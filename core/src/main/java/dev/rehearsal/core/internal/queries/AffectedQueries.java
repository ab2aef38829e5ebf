package dev.rehearsal.core.internal.queries;

import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which queries a schema change can affect, so that only those run again. A read is prepared only, so it can change
 * only where a table, view, sequence or function it names changed, or a column of a table it names that it names too
 * (an added column can make a name ambiguous) or reads with {@code *}. A write
 * also runs, so constraints, indexes, triggers, rules and policies of the table it names reach it too, and a changed
 * function may be a trigger's: writes to every table with a trigger run again. A change to a type, extension or schema can reach any query (a
 * column's domain, an operator): then every query runs again.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AffectedQueries {

    private AffectedQueries() {
    }

    /** The queries the change from {@code before} to {@code after} can affect. */
    public static Predicate<QueryCorpus.CorpusQuery> by(SchemaSnapshot before, SchemaSnapshot after) {
        SchemaDiff diff = SchemaDiff.between(before, after);
        Set<String> read = new HashSet<>();
        Map<String, Set<String>> columns = new HashMap<>();
        Set<String> written = new HashSet<>();
        boolean functions = false;
        for (SchemaChange change : diff.changes()) {
            SchemaObject object = change.object();
            switch (object.kind()) {
                case TABLE, VIEW, MATERIALIZED_VIEW, SEQUENCE -> read.add(simple(object.name()));
                case COLUMN -> {
                    String table = simple(object.table() != null ? object.table() : object.name());
                    columns.computeIfAbsent(table, t -> new HashSet<>()).add(simple(object.simpleName()));
                    written.add(table);
                }
                case CONSTRAINT, INDEX, TRIGGER, RULE, POLICY -> written.add(simple(object.table() != null
                        ? object.table() : object.name()));
                case FUNCTION, PROCEDURE, AGGREGATE -> {
                    read.add(simple(object.name()));
                    functions = true;
                }
                default -> {
                    return query -> true;
                }
            }
        }
        written.addAll(read);
        if (functions) {
            for (SchemaSnapshot schema : List.of(before, after)) {
                schema.objects().stream().filter(o -> o.kind() == ObjectKind.TRIGGER)
                        .forEach(o -> written.add(simple(o.table() != null ? o.table() : o.name())));
            }
        }
        return query -> query.text().kind().writes()
                ? written.stream().anyMatch(query.words()::contains)
                : read.stream().anyMatch(query.words()::contains) || columns.entrySet().stream()
                        .anyMatch(t -> query.words().contains(t.getKey())
                                && (query.star() || t.getValue().stream().anyMatch(query.words()::contains)));
    }

    private static String simple(String name) {
        String s = name.toLowerCase(Locale.ROOT);
        int paren = s.indexOf('(');
        if (paren > 0) {
            s = s.substring(0, paren);
        }
        int dot = s.lastIndexOf('.');
        return (dot < 0 ? s : s.substring(dot + 1)).replace("\"", "").strip();
    }
}
