package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Casts the schema itself applies to a table's text columns, so that seeded text is what those casts accept: a
 * generated column's expression ({@code (payload)::jsonb}) and a view's ({@code (events.amount_text)::integer}).
 * A row whose text a generated column cannot cast is refused by the server; a view that casts it fails when read.
 */
final class SchemaCasts {

    private static final Pattern CAST = Pattern.compile(
            "\\(?(?:\"?[\\w$]+\"?\\.)?\"?([\\w$]+)\"?\\)?::(\"?[\\w$]+\"?(?: precision| without time zone| with time zone)?)");
    private static final Pattern WORD = Pattern.compile("[\\w$]+");

    private SchemaCasts() {
    }

    /** Per table (as {@link TableModel} names it), per column, the cast type (normalized as {@link SeedHints.CastsTo}). */
    static Map<String, Map<String, String>> of(SchemaSnapshot schema, Map<String, TableModel> tables) {
        Map<String, Map<String, String>> casts = new LinkedHashMap<>();
        for (TableModel table : tables.values()) {
            for (SchemaObject column : schema.columns(table.name())) {
                column.fact(SchemaFact.GENERATED).ifPresent(expression -> add(casts, table, expression));
            }
        }
        for (ObjectKind kind : new ObjectKind[]{ObjectKind.VIEW, ObjectKind.MATERIALIZED_VIEW}) {
            for (SchemaObject view : schema.objects(kind)) {
                String definition = view.fact(SchemaFact.DEFINITION).orElse("");
                Set<String> words = new HashSet<>();
                Matcher w = WORD.matcher(definition.toLowerCase(Locale.ROOT));
                while (w.find()) {
                    words.add(w.group());
                }
                for (TableModel table : tables.values()) {
                    if (words.contains(simpleName(table.name()).toLowerCase(Locale.ROOT))) {
                        add(casts, table, definition);
                    }
                }
            }
        }
        return casts;
    }

    private static void add(Map<String, Map<String, String>> casts, TableModel table, String expression) {
        Matcher m = CAST.matcher(expression);
        while (m.find()) {
            table.column(m.group(1)).filter(c -> Seeder.textLength(c) >= 0).ifPresent(c ->
                    SeedHints.normalized(m.group(2).replace("\"", "")).ifPresent(type ->
                            casts.computeIfAbsent(table.name(), t -> new LinkedHashMap<>()).putIfAbsent(c.name(), type)));
        }
    }

    private static String simpleName(String qualified) {
        int dot = qualified.lastIndexOf('.');
        return dot < 0 ? qualified : qualified.substring(dot + 1);
    }
}
