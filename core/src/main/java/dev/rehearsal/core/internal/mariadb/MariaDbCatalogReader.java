package dev.rehearsal.core.internal.mariadb;

import dev.rehearsal.core.internal.sql.CatalogRows;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaFacts;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@link SchemaSnapshot} of the current database from MariaDB's {@code information_schema}: tables, views,
 * columns (full type, nullability, default, auto_increment, generated), indexes, foreign keys, checks, triggers and
 * routines. The excluded tables (the migration tool's history) and what hangs off them are left out.
 */
final class MariaDbCatalogReader {

    private final CatalogRows rows;
    private final Set<String> excluded;

    MariaDbCatalogReader(Connection connection, Set<String> excluded) {
        this.rows = new CatalogRows(connection);
        this.excluded = excluded;
    }

    SchemaSnapshot read() throws SQLException {
        Map<String, String> views = new LinkedHashMap<>();
        // MariaDB stores a view's names qualified by its own database, whose name differs between throwaway databases
        // (and a copy): that qualifier is left out, as the catalog leaves out owners
        rows.query("select table_name, replace(view_definition, concat('`', database(), '`.'), '')"
                        + " from information_schema.views where table_schema = database()",
                rs -> views.put(rs.getString(1), rs.getString(2)));
        rows.query("select table_name, table_type, engine, table_comment from information_schema.tables"
                + " where table_schema = database()", rs -> {
            String name = rs.getString(1);
            SchemaFacts a = new SchemaFacts();
            if ("VIEW".equals(rs.getString(2))) {
                a.put(SchemaFact.DEFINITION, views.get(name));
                add(ObjectKind.VIEW, name, null, "view " + name, a);
            } else {
                a.put(SchemaFact.ENGINE, rs.getString(3));
                a.put(SchemaFact.COMMENT, CatalogRows.emptyToNull(rs.getString(4)));
                add(ObjectKind.TABLE, name, null, "table " + name, a);
            }
        });
        rows.query("select table_name, column_name, column_type, is_nullable, column_default, extra, generation_expression,"
                + " column_comment, ordinal_position from information_schema.columns where table_schema = database()"
                + " order by table_name, ordinal_position", rs -> {
            String table = rs.getString(1);
            String column = rs.getString(2);
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.TYPE, rs.getString(3));
            a.put(SchemaFact.NULLABLE, rs.getString(4));
            a.put(SchemaFact.POSITION, rs.getString(9));
            String extra = rs.getString(6) == null ? "" : rs.getString(6).toLowerCase(Locale.ROOT);
            String generated = CatalogRows.emptyToNull(rs.getString(7));
            if (generated != null) {
                a.put(SchemaFact.GENERATED, generated + (extra.contains("stored") ? " STORED" : " VIRTUAL"));
            } else {
                a.put(SchemaFact.DEFAULT, rs.getString(5));
            }
            if (extra.contains("auto_increment")) {
                a.put(SchemaFact.IDENTITY, "AUTO_INCREMENT");
            }
            if (extra.contains("on update")) {
                a.put(SchemaFact.ON_UPDATE, rs.getString(6));
            }
            a.put(SchemaFact.COMMENT, CatalogRows.emptyToNull(rs.getString(8)));
            add(ObjectKind.COLUMN, table + "." + column, table, "column " + table + "." + column + " " + rs.getString(3)
                    + ("NO".equals(rs.getString(4)) ? " not null" : ""), a);
        });
        Map<String, List<String[]>> indexes = new LinkedHashMap<>();
        rows.query("select table_name, index_name, non_unique, column_name, sub_part, index_type from information_schema.statistics"
                + " where table_schema = database() order by table_name, index_name, seq_in_index", rs ->
                indexes.computeIfAbsent(rs.getString(1) + "." + rs.getString(2), k -> new ArrayList<>()).add(new String[]{
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)}));
        indexes.forEach((key, parts) -> {
            String table = parts.get(0)[0];
            String name = parts.get(0)[1];
            boolean unique = "0".equals(parts.get(0)[2]);
            List<String> cols = parts.stream().map(p -> p[3] + (p[4] == null ? "" : "(" + p[4] + ")")).toList();
            String def = (unique ? "UNIQUE " : "") + "INDEX " + name + " ON " + table + " USING " + parts.get(0)[5]
                    + " (" + String.join(", ", cols) + ")";
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.DEFINITION, def);
            a.put(SchemaFact.VALID, "true");
            a.put(SchemaFact.UNIQUE_COLUMNS, unique ? String.join(", ", parts.stream().map(p -> p[3]).toList()) : null);
            add(ObjectKind.INDEX, table + "." + name, table, def.replace("UNIQUE INDEX", "unique index")
                    .replaceFirst("^INDEX", "index"), a);
        });
        rows.query("select rc.table_name, rc.constraint_name, rc.referenced_table_name, rc.update_rule, rc.delete_rule,"
                + " group_concat(k.column_name order by k.ordinal_position separator ', '),"
                + " group_concat(k.referenced_column_name order by k.ordinal_position separator ', ')"
                + " from information_schema.referential_constraints rc join information_schema.key_column_usage k"
                + " on k.constraint_schema = rc.constraint_schema and k.constraint_name = rc.constraint_name"
                + " and k.table_name = rc.table_name where rc.constraint_schema = database()"
                + " group by rc.table_name, rc.constraint_name, rc.referenced_table_name, rc.update_rule, rc.delete_rule", rs -> {
            String table = rs.getString(1);
            String def = "FOREIGN KEY (" + rs.getString(6) + ") REFERENCES " + rs.getString(3) + "(" + rs.getString(7)
                    + ") ON UPDATE " + rs.getString(4) + " ON DELETE " + rs.getString(5);
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.TYPE, "foreign key");
            a.put(SchemaFact.DEFINITION, def);
            a.put(SchemaFact.VALIDATED, "true");
            a.put(SchemaFact.COLUMNS, rs.getString(6));
            a.put(SchemaFact.REFERENCED_TABLE, rs.getString(3));
            a.put(SchemaFact.REFERENCED_COLUMNS, rs.getString(7));
            add(ObjectKind.CONSTRAINT, table + "." + rs.getString(2), table, "constraint " + rs.getString(2) + " ON " + table
                    + ": " + def, a);
        });
        rows.query("select table_name, constraint_name, check_clause from information_schema.check_constraints"
                + " where constraint_schema = database()", rs -> {
            String table = rs.getString(1);
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.TYPE, "check");
            a.put(SchemaFact.DEFINITION, "CHECK (" + rs.getString(3) + ")");
            a.put(SchemaFact.VALIDATED, "true");
            a.put(SchemaFact.COLUMNS, checkColumns(rs.getString(3)));
            add(ObjectKind.CONSTRAINT, table + "." + rs.getString(2), table, "constraint " + rs.getString(2) + " ON " + table
                    + ": CHECK (" + rs.getString(3) + ")", a);
        });
        rows.query("select event_object_table, trigger_name, action_timing, event_manipulation, action_statement"
                + " from information_schema.triggers where trigger_schema = database()", rs -> {
            String table = rs.getString(1);
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.DEFINITION, rs.getString(3) + " " + rs.getString(4) + " ON " + table + " FOR EACH ROW " + rs.getString(5));
            add(ObjectKind.TRIGGER, table + "." + rs.getString(2), table, "trigger " + rs.getString(2) + " " + rs.getString(3)
                    + " " + rs.getString(4) + " ON " + table, a);
        });
        rows.query("select routine_name, routine_type, routine_definition, dtd_identifier from information_schema.routines"
                + " where routine_schema = database()", rs -> {
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.DEFINITION, rs.getString(3));
            a.put(SchemaFact.RETURNS, rs.getString(4));
            ObjectKind kind = "PROCEDURE".equals(rs.getString(2)) ? ObjectKind.PROCEDURE : ObjectKind.FUNCTION;
            add(kind, rs.getString(1) + "()", null, kind.label() + " " + rs.getString(1), a);
        });
        return rows.snapshot();
    }

    private void add(ObjectKind kind, String name, String table, String summary, SchemaFacts facts) {
        String owner = table != null ? table : kind == ObjectKind.TABLE ? name : null;
        if (owner != null && excluded.contains(owner)) {
            return;
        }
        rows.add(kind, name, table, summary, facts);
    }

    /** The columns a check clause names ({@code `price` > 0}), in order of first mention. */
    private static String checkColumns(String clause) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("`((?:[^`]|``)+)`").matcher(clause);
        while (m.find()) {
            names.add(m.group(1).replace("``", "`"));
        }
        return names.isEmpty() ? null : String.join(", ", names);
    }
}
