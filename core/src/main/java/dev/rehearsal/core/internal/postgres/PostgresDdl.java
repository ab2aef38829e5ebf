package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.internal.schema.DdlWriter;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * PostgreSQL's normalised DDL for golden files. Definitions come as the server prints them ({@code pg_get_indexdef},
 * {@code pg_get_constraintdef}, {@code pg_get_functiondef}...), names are quoted only where PostgreSQL needs it, and
 * extension versions are left out: they follow the server's packages, not the migrations.
 */
final class PostgresDdl extends DdlWriter {

    /** PostgreSQL's reserved key words (and those that cannot be column names), which names must quote. */
    private static final Set<String> RESERVED = Set.of("all", "analyse", "analyze", "and", "any", "array", "as", "asc",
            "asymmetric", "authorization", "binary", "both", "case", "cast", "check", "collate", "collation", "column",
            "concurrently", "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
            "current_schema", "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc",
            "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "freeze", "from", "full",
            "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect", "into", "is", "isnull", "join",
            "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp", "natural", "not", "notnull",
            "null", "offset", "on", "only", "or", "order", "outer", "overlaps", "placing", "primary", "references",
            "returning", "right", "select", "session_user", "similar", "some", "symmetric", "system_user", "table",
            "tablesample", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose",
            "when", "where", "window", "with");

    PostgresDdl(SchemaSnapshot snapshot) {
        super(snapshot, "PostgreSQL");
    }

    @Override
    protected List<String> statements(SchemaObject o, Facts f) {
        List<String> s = new ArrayList<>();
        switch (o.kind()) {
            case SCHEMA -> s.add("CREATE SCHEMA " + name(o.name()));
            case EXTENSION -> {
                f.implied(SchemaFact.VERSION);
                s.add("CREATE EXTENSION " + name(o.name()) + f.get(SchemaFact.SCHEMA).map(x -> " SCHEMA " + name(x)).orElse(""));
            }
            case TYPE -> type(o, f, s);
            case SEQUENCE -> sequence(o, f, s);
            case TABLE -> table(o, f, s);
            case CONSTRAINT -> {
                String def = f.require(SchemaFact.DEFINITION);
                f.implied(SchemaFact.TYPE, SchemaFact.COLUMNS, SchemaFact.REFERENCED_TABLE, SchemaFact.REFERENCED_COLUMNS);
                // pg_get_constraintdef says both, so the facts are implied where they agree with it
                if (def.contains(" NOT VALID") != o.flag(SchemaFact.VALIDATED, true)) {
                    f.implied(SchemaFact.VALIDATED);
                }
                String deferrable = o.fact(SchemaFact.DEFERRABLE).orElse(null);
                if (deferrable == null ? !def.contains("DEFERRABLE") : def.contains("DEFERRABLE")
                        && deferrable.equals("initially deferred") == def.contains("INITIALLY DEFERRED")
                        && (deferrable.equals("initially deferred") || deferrable.equals("initially immediate"))) {
                    f.implied(SchemaFact.DEFERRABLE);
                }
                s.add("ALTER TABLE " + name(o.table()) + " ADD CONSTRAINT " + name(o.simpleName()) + " " + def);
            }
            case INDEX -> {
                s.add(body(f.require(SchemaFact.DEFINITION)));
                f.implied(SchemaFact.UNIQUE_COLUMNS);
                if (o.flag(SchemaFact.VALID, true)) {
                    f.implied(SchemaFact.VALID);
                }
                if (f.flag(SchemaFact.CLUSTERED, false)) {
                    s.add("ALTER TABLE " + name(o.table()) + " CLUSTER ON " + name(o.simpleName()));
                }
            }
            case VIEW, MATERIALIZED_VIEW -> s.add("CREATE " + (o.kind() == ObjectKind.VIEW
                    ? "VIEW " : "MATERIALIZED VIEW ") + name(o.name())
                    + f.get(SchemaFact.OPTIONS).map(x -> " WITH (" + x + ")").orElse("") + " AS\n"
                    + body(f.require(SchemaFact.DEFINITION)));
            case FUNCTION, PROCEDURE -> {
                f.implied(SchemaFact.RETURNS);
                f.get(SchemaFact.DEFINITION).ifPresent(d -> s.add(body(d)));
            }
            case TRIGGER -> {
                s.add(body(f.require(SchemaFact.DEFINITION)));
                String enabled = f.get(SchemaFact.ENABLED).orElse("origin");
                String alter = "ALTER TABLE " + name(o.table()) + " ";
                switch (enabled) {
                    case "disabled" -> s.add(alter + "DISABLE TRIGGER " + name(o.simpleName()));
                    case "replica" -> s.add(alter + "ENABLE REPLICA TRIGGER " + name(o.simpleName()));
                    case "always" -> s.add(alter + "ENABLE ALWAYS TRIGGER " + name(o.simpleName()));
                    default -> { }
                }
            }
            case RULE -> s.add(body(f.require(SchemaFact.DEFINITION)));
            case POLICY -> {
                StringBuilder p = new StringBuilder("CREATE POLICY " + name(o.simpleName()) + " ON " + name(o.table()));
                p.append(f.flag(SchemaFact.PERMISSIVE, true) ? " AS PERMISSIVE" : " AS RESTRICTIVE");
                p.append(" FOR ").append(switch (f.get(SchemaFact.COMMAND).orElse("*")) {
                    case "r" -> "SELECT";
                    case "a" -> "INSERT";
                    case "w" -> "UPDATE";
                    case "d" -> "DELETE";
                    default -> "ALL";
                });
                f.get(SchemaFact.ROLES).ifPresent(r -> p.append(" TO ").append(r));
                f.get(SchemaFact.USING).ifPresent(u -> p.append(" USING (").append(u).append(')'));
                f.get(SchemaFact.WITH_CHECK).ifPresent(w -> p.append(" WITH CHECK (").append(w).append(')'));
                s.add(p.toString());
            }
            default -> { } // aggregates: their facts are written as comment lines
        }
        if (o.kind() != ObjectKind.TABLE) { // a table's comment comes before its columns'
            f.get(SchemaFact.COMMENT).ifPresent(c -> s.add(commentOn(o) + " IS " + literal(c)));
        }
        return s;
    }

    private void type(SchemaObject o, Facts f, List<String> s) {
        String kind = f.get(SchemaFact.KIND).orElse("");
        switch (kind) {
            case "enum" -> s.add("CREATE TYPE " + name(o.name()) + " AS ENUM (" + f.get(SchemaFact.LABELS).orElse("") + ")");
            case "composite" -> s.add("CREATE TYPE " + name(o.name()) + " AS (" + f.get(SchemaFact.ATTRIBUTES).orElse("") + ")");
            case "range" -> s.add("CREATE TYPE " + name(o.name()) + " AS RANGE (SUBTYPE = " + f.require(SchemaFact.SUBTYPE) + ")");
            case "domain" -> {
                StringBuilder d = new StringBuilder("CREATE DOMAIN " + name(o.name()) + " AS " + f.require(SchemaFact.BASE));
                f.get(SchemaFact.DEFAULT).ifPresent(x -> d.append(" DEFAULT ").append(x));
                if (f.flag(SchemaFact.NOT_NULL, false)) {
                    d.append(" NOT NULL");
                }
                f.get(SchemaFact.CHECKS).ifPresent(x -> d.append(' ').append(domainConstraints(x)));
                s.add(d.toString());
            }
            default -> { } // the kind and the rest are written as comment lines
        }
    }

    /**
     * A domain's constraints as {@code CREATE DOMAIN} takes them, from the catalog's {@code "name CHECK (...); name2
     * CHECK (...)"}: {@code CONSTRAINT name CHECK (...) CONSTRAINT name2 CHECK (...)}.
     */
    static String domainConstraints(String checks) {
        return String.join(" ", Arrays.stream(checks.split("; (?=\\S+ (CHECK|NOT NULL))"))
                .map(c -> "CONSTRAINT " + c).toList());
    }

    /**
     * A sequence's options as {@code CREATE SEQUENCE} and {@code ALTER SEQUENCE} take them, from its facts
     * ({@code " AS bigint INCREMENT BY 1 ... NO CYCLE"}); shared with generated undo scripts.
     */
    static String sequenceOptions(Function<SchemaFact, Optional<String>> fact) {
        StringBuilder sb = new StringBuilder();
        fact.apply(SchemaFact.TYPE).ifPresent(t -> sb.append(" AS ").append(t));
        fact.apply(SchemaFact.INCREMENT).ifPresent(v -> sb.append(" INCREMENT BY ").append(v));
        fact.apply(SchemaFact.MIN).ifPresent(v -> sb.append(" MINVALUE ").append(v));
        fact.apply(SchemaFact.MAX).ifPresent(v -> sb.append(" MAXVALUE ").append(v));
        fact.apply(SchemaFact.START).ifPresent(v -> sb.append(" START WITH ").append(v));
        fact.apply(SchemaFact.CACHE).ifPresent(v -> sb.append(" CACHE ").append(v));
        sb.append(fact.apply(SchemaFact.CYCLE).map(Boolean::parseBoolean).orElse(false) ? " CYCLE" : " NO CYCLE");
        return sb.toString();
    }

    private void sequence(SchemaObject o, Facts f, List<String> s) {
        StringBuilder sb = new StringBuilder("CREATE ");
        if (f.flag(SchemaFact.UNLOGGED, false)) {
            sb.append("UNLOGGED ");
        }
        sb.append("SEQUENCE ").append(name(o.name())).append(sequenceOptions(f::get));
        s.add(sb.toString());
        f.get(SchemaFact.OWNED_BY).ifPresent(x -> s.add("ALTER SEQUENCE " + name(o.name()) + " OWNED BY " + name(x)));
    }

    private void table(SchemaObject table, Facts f, List<String> s) {
        String kind = table.fact(SchemaFact.KIND).orElse("table");
        if (kind.equals("table") || kind.equals("partitioned table")) {
            f.implied(SchemaFact.KIND);
        }
        String persistence = table.fact(SchemaFact.PERSISTENCE).orElse("permanent");
        if (persistence.equals("permanent") || persistence.equals("unlogged")) {
            f.implied(SchemaFact.PERSISTENCE);
        }
        List<String> lines = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        for (SchemaObject c : columns(table)) {
            Facts cf = f.nested(c);
            StringBuilder sb = new StringBuilder(name(c.simpleName())).append(' ').append(cf.require(SchemaFact.TYPE));
            cf.get(SchemaFact.COLLATION).ifPresent(x -> sb.append(" COLLATE ").append(name(x)));
            cf.get(SchemaFact.IDENTITY).ifPresent(x -> sb.append(" GENERATED ").append(x).append(" AS IDENTITY"));
            cf.get(SchemaFact.GENERATED).ifPresent(x -> sb.append(" GENERATED ").append(x));
            cf.get(SchemaFact.DEFAULT).ifPresent(x -> sb.append(" DEFAULT ").append(x));
            if ("NO".equals(cf.get(SchemaFact.NULLABLE).orElse("YES"))) {
                sb.append(" NOT NULL");
            }
            cf.get(SchemaFact.COMMENT).ifPresent(x -> comments.add("COMMENT ON COLUMN " + name(table.name()) + "."
                    + name(c.simpleName()) + " IS " + literal(x)));
            lines.add(sb.toString());
            f.close(cf);
        }
        StringBuilder sb = new StringBuilder("CREATE ");
        if ("unlogged".equals(persistence)) {
            sb.append("UNLOGGED ");
        }
        sb.append("TABLE ").append(name(table.name())).append(" (");
        sb.append(lines.isEmpty() ? "" : "\n    " + String.join(",\n    ", lines) + "\n").append(')');
        f.get(SchemaFact.INHERITS).ifPresent(x -> sb.append(" INHERITS (").append(x).append(')'));
        f.get(SchemaFact.PARTITION_KEY).ifPresent(x -> sb.append(" PARTITION BY ").append(x));
        f.get(SchemaFact.OPTIONS).ifPresent(x -> sb.append(" WITH (").append(x).append(')'));
        s.add(sb.toString());
        table.fact(SchemaFact.PARTITION_OF).ifPresent(x -> {
            int bound = x.endsWith(" DEFAULT") ? x.length() - " DEFAULT".length() : x.indexOf(" FOR VALUES ");
            if (bound > 0) {
                f.implied(SchemaFact.PARTITION_OF);
                s.add("ALTER TABLE " + x.substring(0, bound) + " ATTACH PARTITION " + name(table.name()) + x.substring(bound));
            }
        });
        switch (f.get(SchemaFact.ROW_SECURITY).orElse("")) {
            case "enabled" -> s.add("ALTER TABLE " + name(table.name()) + " ENABLE ROW LEVEL SECURITY");
            case "forced" -> {
                s.add("ALTER TABLE " + name(table.name()) + " ENABLE ROW LEVEL SECURITY");
                s.add("ALTER TABLE " + name(table.name()) + " FORCE ROW LEVEL SECURITY");
            }
            default -> { }
        }
        f.get(SchemaFact.COMMENT).ifPresent(c -> s.add(commentOn(table) + " IS " + literal(c)));
        s.addAll(comments);
    }

    private String commentOn(SchemaObject o) {
        return switch (o.kind()) {
            case CONSTRAINT, TRIGGER, RULE, POLICY -> "COMMENT ON " + o.kind().label().toUpperCase(Locale.ROOT)
                    + " " + name(o.simpleName()) + " ON " + name(o.table());
            case INDEX -> "COMMENT ON INDEX " + name(o.name());
            case FUNCTION, PROCEDURE, AGGREGATE -> {
                int paren = o.name().indexOf('(');
                yield "COMMENT ON " + o.kind().label().toUpperCase(Locale.ROOT) + " "
                        + name(o.name().substring(0, paren)) + o.name().substring(paren);
            }
            default -> "COMMENT ON " + o.kind().label().toUpperCase(Locale.ROOT) + " " + name(o.name());
        };
    }

    /** A possibly schema-qualified name, each part quoted only where PostgreSQL needs it. */
    private static String name(String name) {
        if (name.startsWith("\"")) {
            return name;
        }
        int dot = name.indexOf('.');
        return dot > 0 ? ident(name.substring(0, dot)) + "." + ident(name.substring(dot + 1)) : ident(name);
    }

    private static String ident(String s) {
        if (s.matches("[a-z_][a-z0-9_$]*") && !RESERVED.contains(s)) {
            return s;
        }
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
