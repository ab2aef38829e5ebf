package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The statements that create again what an up dropped, from the definitions the catalog gave before it: types,
 * tables with their columns, sequences and comments. Part of a {@link PostgresUndo}; statements and what cannot be
 * created again go to its lists.
 */
final class UndoDefinitions {

    private final SchemaSnapshot before;
    private final PostgresDialect dialect;
    private final List<String> statements;
    private final List<String> unsupported;

    UndoDefinitions(SchemaSnapshot before, PostgresDialect dialect, List<String> statements, List<String> unsupported) {
        this.before = before;
        this.dialect = dialect;
        this.statements = statements;
        this.unsupported = unsupported;
    }

    void type(SchemaObject o) {
        String kind = o.fact(SchemaFact.KIND).orElse("");
        switch (kind) {
            case "enum" -> statements.add("CREATE TYPE " + q(o.name()) + " AS ENUM (" + o.fact(SchemaFact.LABELS).orElse("")
                    + ")");
            case "composite" -> statements.add("CREATE TYPE " + q(o.name()) + " AS ("
                    + o.fact(SchemaFact.ATTRIBUTES).orElse("") + ")");
            case "range" -> statements.add("CREATE TYPE " + q(o.name()) + " AS RANGE (SUBTYPE = "
                    + o.requireFact(SchemaFact.SUBTYPE) + ")");
            case "domain" -> {
                StringBuilder sb = new StringBuilder("CREATE DOMAIN " + q(o.name()) + " AS " + o.requireFact(SchemaFact.BASE));
                o.fact(SchemaFact.DEFAULT).ifPresent(d -> sb.append(" DEFAULT ").append(d));
                if (o.flag(SchemaFact.NOT_NULL, false)) {
                    sb.append(" NOT NULL");
                }
                o.fact(SchemaFact.CHECKS).ifPresent(checks -> sb.append(' ').append(PostgresDdl.domainConstraints(checks)));
                statements.add(sb.toString());
            }
            default -> unsupported.add(o + ": a dropped type of this kind is not created again yet");
        }
    }

    void table(SchemaObject table) {
        if (table.fact(SchemaFact.PARTITION_KEY).isPresent() || table.fact(SchemaFact.PARTITION_OF).isPresent()
                || table.fact(SchemaFact.INHERITS).isPresent()) {
            unsupported.add(table + ": partitioned and inheriting tables are not created again yet");
            return;
        }
        List<SchemaObject> columns = new ArrayList<>(before.columns(table.name()));
        columns.sort(Comparator.comparingInt(c -> Integer.parseInt(c.fact(SchemaFact.POSITION).orElse("0"))));
        boolean unlogged = "unlogged".equals(table.fact(SchemaFact.PERSISTENCE).orElse(""));
        statements.add("CREATE " + (unlogged ? "UNLOGGED " : "") + "TABLE " + q(table.name()) + " (\n    "
                + String.join(",\n    ", columns.stream().map(c -> columnDefinition(c, true)).toList()) + "\n)");
        table.fact(SchemaFact.COMMENT).ifPresent(x -> comment(table));
        for (SchemaObject c : columns) {
            c.fact(SchemaFact.COMMENT).ifPresent(x -> comment(c));
        }
    }

    String columnDefinition(SchemaObject c, boolean withNotNull) {
        StringBuilder sb = new StringBuilder(q(c.simpleName())).append(' ').append(c.requireFact(SchemaFact.TYPE));
        c.fact(SchemaFact.COLLATION).ifPresent(cl -> sb.append(" COLLATE ").append(cl));
        if (c.fact(SchemaFact.IDENTITY).isPresent()) {
            sb.append(" GENERATED ").append(c.requireFact(SchemaFact.IDENTITY)).append(" AS IDENTITY");
        } else if (c.fact(SchemaFact.GENERATED).isPresent()) {
            sb.append(" GENERATED ").append(c.requireFact(SchemaFact.GENERATED));
        } else {
            c.fact(SchemaFact.DEFAULT).ifPresent(d -> sb.append(" DEFAULT ").append(d));
        }
        if (withNotNull && "NO".equals(c.fact(SchemaFact.NULLABLE).orElse("YES"))) {
            sb.append(" NOT NULL");
        }
        return sb.toString();
    }

    void sequence(SchemaObject s, String verb) {
        StringBuilder sb = new StringBuilder(verb).append(q(s.name())).append(PostgresDdl.sequenceOptions(s::fact));
        if (verb.startsWith("ALTER")) {
            sb.append(" OWNED BY ").append(s.fact(SchemaFact.OWNED_BY).map(this::q).orElse("NONE"));
        }
        statements.add(sb.toString());
    }

    void comment(SchemaObject o) {
        String on = switch (o.kind()) {
            case COLUMN -> "COLUMN " + q(o.table()) + "." + q(o.simpleName());
            case TABLE -> "TABLE " + q(o.name());
            case VIEW -> "VIEW " + q(o.name());
            case SCHEMA -> "SCHEMA " + q(o.name());
            default -> null;
        };
        if (on != null) {
            statements.add("COMMENT ON " + on + " IS " + o.fact(SchemaFact.COMMENT).map(PgText::quoted).orElse("NULL"));
        }
    }

    private String q(String name) {
        return dialect.quote(name);
    }
}
