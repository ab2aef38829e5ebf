package dev.rehearsal.core.internal.source;

import dev.rehearsal.core.internal.source.PythonExpressions.Call;
import dev.rehearsal.core.internal.source.PythonExpressions.Const;
import dev.rehearsal.core.internal.source.PythonExpressions.Name;
import dev.rehearsal.core.internal.source.PythonExpressions.Num;
import dev.rehearsal.core.internal.source.PythonExpressions.Seq;
import dev.rehearsal.core.internal.source.PythonExpressions.Str;
import dev.rehearsal.core.internal.source.PythonExpressions.Unsupported;
import dev.rehearsal.core.internal.source.PythonExpressions.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * PostgreSQL DDL for the common Alembic operations with literal arguments, as SQLAlchemy would emit it:
 * {@code op.execute}, {@code create_table}, {@code drop_table}, {@code add_column}, {@code drop_column},
 * {@code alter_column}, {@code create_index}, {@code drop_index}, {@code create_foreign_key},
 * {@code drop_constraint}, {@code create_unique_constraint}, {@code rename_table}, with the usual {@code sa.}
 * column types. Anything else throws {@link Unsupported} naming it.
 */
final class AlembicOps {

    private AlembicOps() {
    }

    /** The SQL of one {@code op.<name>(...)} call. */
    static String sql(Call op) {
        return switch (op.last()) {
            case "execute" -> text(op.arg(0, "sqltext"));
            case "create_table" -> createTable(op);
            case "drop_table" -> "DROP TABLE " + ident(str(op.arg(0, "table_name")));
            case "add_column" -> {
                Call column = call(op.arg(1, "column"), "Column");
                yield "ALTER TABLE " + ident(str(op.arg(0, "table_name"))) + " ADD COLUMN " + columnDefinition(column, List.of());
            }
            case "drop_column" -> "ALTER TABLE " + ident(str(op.arg(0, "table_name"))) + " DROP COLUMN "
                    + ident(str(op.arg(1, "column_name")));
            case "alter_column" -> alterColumn(op);
            case "create_index" -> "CREATE " + (isTrue(op.kwargs().get("unique")) ? "UNIQUE " : "") + "INDEX "
                    + ident(str(op.arg(0, "index_name"))) + " ON " + ident(str(op.arg(1, "table_name"))) + " ("
                    + columns(op.arg(2, "columns")) + ")";
            case "drop_index" -> "DROP INDEX " + ident(str(op.arg(0, "index_name")));
            case "create_foreign_key" -> "ALTER TABLE " + ident(str(op.arg(1, "source_table"))) + " ADD CONSTRAINT "
                    + ident(str(op.arg(0, "constraint_name"))) + " FOREIGN KEY(" + columns(op.arg(3, "local_cols"))
                    + ") REFERENCES " + ident(str(op.arg(2, "referent_table"))) + " (" + columns(op.arg(4, "remote_cols"))
                    + ")" + onDelete(op);
            case "drop_constraint" -> "ALTER TABLE " + ident(str(op.arg(1, "table_name"))) + " DROP CONSTRAINT "
                    + ident(str(op.arg(0, "constraint_name")));
            case "create_unique_constraint" -> "ALTER TABLE " + ident(str(op.arg(1, "table_name"))) + " ADD CONSTRAINT "
                    + ident(str(op.arg(0, "constraint_name"))) + " UNIQUE (" + columns(op.arg(2, "columns")) + ")";
            case "rename_table" -> "ALTER TABLE " + ident(str(op.arg(0, "old_table_name"))) + " RENAME TO "
                    + ident(str(op.arg(1, "new_table_name")));
            default -> throw new Unsupported("op." + op.last() + "(...)");
        };
    }

    private static String createTable(Call op) {
        String table = str(op.arg(0, "table_name"));
        List<String> parts = new ArrayList<>();
        List<String> primaryKey = new ArrayList<>();
        List<String> constraints = new ArrayList<>();
        List<Call> columns = new ArrayList<>();
        for (int i = 1; i < op.args().size(); i++) {
            Call c = call(op.args().get(i), null);
            switch (c.last()) {
                case "Column" -> {
                    columns.add(c);
                    if (isTrue(c.kwargs().get("primary_key"))) {
                        primaryKey.add(str(c.args().get(0)));
                    }
                }
                case "PrimaryKeyConstraint" -> c.args().forEach(a -> primaryKey.add(str(a)));
                case "UniqueConstraint" -> constraints.add(named(c) + "UNIQUE (" + c.args().stream()
                        .map(a -> ident(str(a))).collect(Collectors.joining(", ")) + ")");
                case "ForeignKeyConstraint" -> constraints.add(named(c) + "FOREIGN KEY(" + columns(c.arg(0, "columns"))
                        + ") REFERENCES " + reference(c.arg(1, "refcolumns")) + onDelete(c));
                case "CheckConstraint" -> constraints.add(named(c) + "CHECK (" + text(c.arg(0, "sqltext")) + ")");
                default -> throw new Unsupported("sa." + c.last() + "(...) in create_table");
            }
        }
        for (Call c : columns) {
            parts.add(columnDefinition(c, primaryKey));
        }
        if (!primaryKey.isEmpty()) {
            parts.add("PRIMARY KEY (" + primaryKey.stream().map(AlembicOps::ident).collect(Collectors.joining(", ")) + ")");
        }
        for (Call c : columns) {
            for (int i = 2; i < c.args().size(); i++) {
                Call fk = call(c.args().get(i), "ForeignKey");
                parts.add("FOREIGN KEY(" + ident(str(c.args().get(0))) + ") REFERENCES " + reference(fk.arg(0, "column"))
                        + onDelete(fk));
            }
            if (isTrue(c.kwargs().get("unique"))) {
                parts.add("UNIQUE (" + ident(str(c.args().get(0))) + ")");
            }
        }
        parts.addAll(constraints);
        return "CREATE TABLE " + ident(table) + " (\n    " + String.join(",\n    ", parts) + "\n)";
    }

    /** {@code name TYPE [NOT NULL] [DEFAULT ...]}; an integer single primary key becomes SERIAL, as in SQLAlchemy. */
    private static String columnDefinition(Call column, List<String> primaryKey) {
        String name = str(column.args().get(0));
        Value type = column.args().size() > 1 ? column.args().get(1) : column.kwargs().get("type_");
        if (type == null) {
            throw new Unsupported("sa.Column(\"" + name + "\") without a type");
        }
        boolean pk = primaryKey.contains(name);
        String sqlType = type(type);
        if (pk && primaryKey.size() == 1 && !(column.kwargs().get("autoincrement") instanceof Const c && c.name().equals("False"))) {
            sqlType = switch (sqlType) {
                case "INTEGER" -> "SERIAL";
                case "BIGINT" -> "BIGSERIAL";
                case "SMALLINT" -> "SMALLSERIAL";
                default -> sqlType;
            };
        }
        Value nullable = column.kwargs().get("nullable");
        boolean notNull = pk || nullable instanceof Const c && c.name().equals("False");
        StringBuilder sb = new StringBuilder(ident(name)).append(' ').append(sqlType);
        Value def = column.kwargs().get("server_default");
        if (def != null && !(def instanceof Const)) {
            sb.append(" DEFAULT ").append(defaultValue(def));
        }
        if (notNull) {
            sb.append(" NOT NULL");
        }
        return sb.toString();
    }

    private static String alterColumn(Call op) {
        String table = ident(str(op.arg(0, "table_name")));
        String column = ident(str(op.arg(1, "column_name")));
        List<String> sql = new ArrayList<>();
        Value nullable = op.kwargs().get("nullable");
        if (nullable instanceof Const c) {
            sql.add("ALTER TABLE " + table + " ALTER COLUMN " + column + (c.name().equals("False") ? " SET NOT NULL" : " DROP NOT NULL"));
        }
        Value type = op.kwargs().get("type_");
        if (type != null) {
            sql.add("ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE " + type(type));
        }
        if (op.kwargs().containsKey("server_default")) {
            Value def = op.kwargs().get("server_default");
            sql.add("ALTER TABLE " + table + " ALTER COLUMN " + column + (def instanceof Const
                    ? " DROP DEFAULT" : " SET DEFAULT " + defaultValue(def)));
        }
        Value rename = op.kwargs().get("new_column_name");
        if (rename != null) {
            sql.add("ALTER TABLE " + table + " RENAME " + column + " TO " + ident(str(rename)));
        }
        if (sql.isEmpty()) {
            throw new Unsupported("op.alter_column(...) with nothing Rehearsal can translate");
        }
        return String.join(";\n", sql);
    }

    static String type(Value type) {
        String name;
        List<Value> args;
        Call call = null;
        if (type instanceof Name n) {
            name = n.last();
            args = List.of();
        } else if (type instanceof Call c) {
            name = c.last();
            args = c.args();
            call = c;
        } else {
            throw new Unsupported("a column type written as " + type);
        }
        String arg = args.isEmpty() ? "" : "(" + args.stream().map(AlembicOps::number).collect(Collectors.joining(", ")) + ")";
        return switch (name) {
            case "Integer", "INTEGER", "INT" -> "INTEGER";
            case "BigInteger", "BIGINT" -> "BIGINT";
            case "SmallInteger", "SMALLINT" -> "SMALLINT";
            case "String", "VARCHAR", "Unicode" -> "VARCHAR" + arg;
            case "Text", "TEXT", "UnicodeText" -> "TEXT";
            case "Boolean", "BOOLEAN" -> "BOOLEAN";
            case "Date", "DATE" -> "DATE";
            case "DateTime", "TIMESTAMP" -> call != null && isTrue(call.kwargs().get("timezone"))
                    ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP WITHOUT TIME ZONE";
            case "Time", "TIME" -> "TIME WITHOUT TIME ZONE";
            case "Numeric", "NUMERIC", "DECIMAL" -> "NUMERIC" + arg;
            case "Float", "FLOAT" -> "FLOAT" + arg;
            case "JSON" -> "JSON";
            case "JSONB" -> "JSONB";
            case "Uuid", "UUID" -> "UUID";
            case "LargeBinary", "BYTEA" -> "BYTEA";
            default -> throw new Unsupported("the column type " + name);
        };
    }

    private static String defaultValue(Value def) {
        if (def instanceof Str s) {
            return "'" + s.value().replace("'", "''") + "'";
        }
        if (def instanceof Call c && c.last().equals("text")) {
            return text(c.args().get(0));
        }
        throw new Unsupported("server_default written as " + def);
    }

    private static String onDelete(Call c) {
        Value v = c.kwargs().get("ondelete");
        return v == null ? "" : " ON DELETE " + str(v).toUpperCase(Locale.ROOT);
    }

    private static String named(Call c) {
        Value name = c.kwargs().get("name");
        return name == null ? "" : "CONSTRAINT " + ident(str(name)) + " ";
    }

    private static String reference(Value v) {
        if (v instanceof Seq s && s.items().size() == 1) {
            v = s.items().get(0);
        }
        String target = str(v);
        int dot = target.lastIndexOf('.');
        return ident(target.substring(0, dot)) + " (" + ident(target.substring(dot + 1)) + ")";
    }

    private static String columns(Value v) {
        if (v instanceof Seq s) {
            return s.items().stream().map(i -> ident(str(i))).collect(Collectors.joining(", "));
        }
        return ident(str(v));
    }

    private static String text(Value v) {
        if (v instanceof Call c && c.last().equals("text")) {
            return str(c.args().get(0));
        }
        return str(v);
    }

    private static Call call(Value v, String expected) {
        if (v instanceof Call c && (expected == null || c.last().equals(expected))) {
            return c;
        }
        throw new Unsupported("expected " + (expected == null ? "a call" : "sa." + expected + "(...)") + ", got " + v);
    }

    private static String str(Value v) {
        if (v instanceof Str s) {
            return s.value();
        }
        throw new Unsupported("expected a literal string, got " + v);
    }

    private static String number(Value v) {
        if (v instanceof Num n) {
            return n.text();
        }
        throw new Unsupported("expected a literal number, got " + v);
    }

    private static boolean isTrue(Value v) {
        return v instanceof Const c && c.name().equals("True");
    }

    /** Quoted only where PostgreSQL needs it, as SQLAlchemy does. */
    static String ident(String name) {
        return name.matches("[a-z_][a-z0-9_$]*") && !RESERVED.contains(name) ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static final java.util.Set<String> RESERVED = java.util.Set.of("user", "order", "group", "table", "select",
            "where", "from", "check", "default", "primary", "references", "column", "constraint", "index", "limit");
}
