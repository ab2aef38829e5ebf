package dev.rehearsal.core.internal.mariadb;

import dev.rehearsal.core.internal.schema.DdlWriter;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MariaDB's normalised DDL for golden files, written from {@code information_schema} as {@code SHOW CREATE TABLE}
 * would write it but without what changes with the data ({@code AUTO_INCREMENT=} counters) and without the database's
 * own name, which differs between throwaway databases.
 */
final class MariaDbDdl extends DdlWriter {

    MariaDbDdl(SchemaSnapshot snapshot) {
        super(snapshot, "MariaDB");
    }

    @Override
    protected List<String> statements(SchemaObject o, Facts f) {
        List<String> s = new ArrayList<>();
        switch (o.kind()) {
            case TABLE -> {
                List<String> lines = new ArrayList<>();
                for (SchemaObject c : columns(o)) {
                    Facts cf = f.nested(c);
                    StringBuilder sb = new StringBuilder(name(c.simpleName())).append(' ').append(cf.require(SchemaFact.TYPE));
                    cf.get(SchemaFact.GENERATED).ifPresent(x -> sb.append(" GENERATED ALWAYS AS (")
                            .append(x.replaceFirst(" (STORED|VIRTUAL)$", "")).append(") ")
                            .append(x.endsWith("STORED") ? "STORED" : "VIRTUAL"));
                    if ("NO".equals(cf.get(SchemaFact.NULLABLE).orElse("YES"))) {
                        sb.append(" NOT NULL");
                    }
                    cf.get(SchemaFact.DEFAULT).ifPresent(x -> sb.append(" DEFAULT ").append(x));
                    cf.get(SchemaFact.IDENTITY).ifPresent(x -> sb.append(' ').append(x));
                    cf.get(SchemaFact.ON_UPDATE).ifPresent(x -> sb.append(' ').append(x.toUpperCase(Locale.ROOT)
                            .replaceFirst("^.*ON UPDATE", "ON UPDATE")));
                    cf.get(SchemaFact.COMMENT).ifPresent(x -> sb.append(" COMMENT ").append(literal(x)));
                    lines.add(sb.toString());
                    f.close(cf);
                }
                StringBuilder sb = new StringBuilder("CREATE TABLE ").append(name(o.name())).append(" (");
                sb.append(lines.isEmpty() ? "" : "\n  " + String.join(",\n  ", lines) + "\n").append(')');
                f.get(SchemaFact.ENGINE).ifPresent(x -> sb.append(" ENGINE=").append(x));
                f.get(SchemaFact.COMMENT).ifPresent(x -> sb.append(" COMMENT=").append(literal(x)));
                s.add(sb.toString());
            }
            case CONSTRAINT -> {
                f.implied(SchemaFact.TYPE, SchemaFact.COLUMNS, SchemaFact.REFERENCED_TABLE, SchemaFact.REFERENCED_COLUMNS);
                if (o.flag(SchemaFact.VALIDATED, true)) {
                    f.implied(SchemaFact.VALIDATED);
                }
                s.add("ALTER TABLE " + name(o.table()) + " ADD CONSTRAINT " + name(o.simpleName()) + " "
                        + f.require(SchemaFact.DEFINITION));
            }
            case INDEX -> {
                f.implied(SchemaFact.UNIQUE_COLUMNS);
                if (o.flag(SchemaFact.VALID, true)) {
                    f.implied(SchemaFact.VALID);
                }
                s.add("CREATE " + f.require(SchemaFact.DEFINITION));
            }
            case VIEW -> s.add("CREATE VIEW " + name(o.name()) + " AS " + body(f.require(SchemaFact.DEFINITION)));
            case TRIGGER -> s.add("CREATE TRIGGER " + name(o.simpleName()) + " " + body(f.require(SchemaFact.DEFINITION)));
            case FUNCTION, PROCEDURE -> {
                String routine = o.name().replaceFirst("\\(\\)$", "");
                s.add("CREATE " + o.kind().label().toUpperCase(Locale.ROOT) + " " + name(routine) + "()"
                        + f.get(SchemaFact.RETURNS).map(r -> " RETURNS " + r).orElse("") + "\n"
                        + body(f.require(SchemaFact.DEFINITION)));
            }
            default -> { } // their facts are written as comment lines
        }
        return s;
    }

    /** A name in back quotes, as {@code SHOW CREATE TABLE} writes it. */
    private static String name(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
