package dev.rehearsal.core.internal.queries;

import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which queries a schema change can affect, so that only those run again: a query that names none of the tables,
 * views or sequences the change touched (a column, constraint, index or trigger touches its table) prepares and runs
 * as it did. A change to a type, function, procedure, extension or schema can reach any query (a column's domain, a
 * trigger's function): then every query runs again.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AffectedQueries {

    private AffectedQueries() {
    }

    /** The queries the change from {@code before} to {@code after} can affect. */
    public static Predicate<QueryCorpus.CorpusQuery> by(SchemaSnapshot before, SchemaSnapshot after) {
        SchemaDiff diff = SchemaDiff.between(before, after);
        Set<String> names = new HashSet<>();
        for (SchemaChange change : diff.changes()) {
            SchemaObject object = change.object();
            switch (object.kind()) {
                case TABLE, VIEW, MATERIALIZED_VIEW, SEQUENCE -> names.add(simple(object.name()));
                case COLUMN, CONSTRAINT, INDEX, TRIGGER, RULE, POLICY -> names.add(simple(object.table() != null
                        ? object.table() : object.name()));
                default -> {
                    return query -> true;
                }
            }
        }
        return query -> words(query.sql()).stream().anyMatch(names::contains);
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

    /** The identifiers of a query's text, lower case and unquoted. */
    private static List<String> words(String sql) {
        return List.of(sql.toLowerCase(Locale.ROOT).replaceAll("[\"`]", "").split("[^\\p{L}\\p{N}_$]+"));
    }
}
