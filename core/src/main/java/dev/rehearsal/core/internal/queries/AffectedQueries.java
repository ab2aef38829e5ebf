package dev.rehearsal.core.internal.queries;

import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which queries a schema change can affect, so that only those run again. A read is prepared only, so it can change
 * only where a table, view or sequence it names, a column of such a table, or a function it names changed. A write
 * also runs, so constraints, indexes, triggers, rules and policies of the table it names reach it too, and a changed
 * function may be a trigger's: every write runs again. A change to a type, extension or schema can reach any query (a
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
        Set<String> written = new HashSet<>();
        boolean everyWrite = false;
        for (SchemaChange change : diff.changes()) {
            SchemaObject object = change.object();
            switch (object.kind()) {
                case TABLE, VIEW, MATERIALIZED_VIEW, SEQUENCE -> read.add(simple(object.name()));
                case COLUMN -> read.add(simple(object.table() != null ? object.table() : object.name()));
                case CONSTRAINT, INDEX, TRIGGER, RULE, POLICY -> written.add(simple(object.table() != null
                        ? object.table() : object.name()));
                case FUNCTION, PROCEDURE, AGGREGATE -> {
                    read.add(simple(object.name()));
                    everyWrite = true;
                }
                default -> {
                    return query -> true;
                }
            }
        }
        written.addAll(read);
        boolean writes = everyWrite;
        return query -> query.text().kind().writes()
                ? writes || written.stream().anyMatch(query.words()::contains)
                : read.stream().anyMatch(query.words()::contains);
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
