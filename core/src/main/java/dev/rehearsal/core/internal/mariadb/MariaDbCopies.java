package dev.rehearsal.core.internal.mariadb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies one MariaDB database into another, empty one, as {@code mariadb-dump | mariadb} would but over JDBC (MariaDB
 * has no template databases, and the client tools need not be installed): sequences with their next value, tables
 * from {@code SHOW CREATE TABLE} with their rows (generated columns left to the server, {@code AUTO_INCREMENT} kept),
 * then views, routines and triggers, whose stored text names the source database where it qualifies a name. The
 * triggers come last, so that copying the rows does not fire them; foreign keys are not checked while rows arrive.
 */
final class MariaDbCopies {

    private MariaDbCopies() {
    }

    /** Copies {@code source} into {@code target} over {@code c}, a connection whose current database is {@code target}. */
    static void copy(Connection c, String source) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("set session foreign_key_checks = 0");
            for (String sequence : names(c, "select table_name from information_schema.tables where table_schema = ?"
                    + " and table_type = 'SEQUENCE' order by table_name", source)) {
                st.execute(showCreate(c, "SEQUENCE", source, sequence, 2));
                try (ResultSet rs = st.executeQuery("select next_not_cached_value from " + q(source) + "." + q(sequence))) {
                    rs.next();
                    st.execute("select setval(" + q(sequence) + ", " + rs.getLong(1) + ", 0)");
                }
            }
            List<String> tables = names(c, "select table_name from information_schema.tables where table_schema = ?"
                    + " and table_type = 'BASE TABLE' order by table_name", source);
            for (String table : tables) {
                st.execute(showCreate(c, "TABLE", source, table, 2));
            }
            for (String table : tables) {
                List<String> columns = names(c, "select column_name from information_schema.columns where table_schema = ?"
                        + " and table_name = '" + table.replace("'", "''") + "' and extra not like '%GENERATED%'"
                        + " order by ordinal_position", source);
                String list = String.join(", ", columns.stream().map(MariaDbCopies::q).toList());
                st.execute("insert into " + q(table) + " (" + list + ") select " + list + " from " + q(source) + "."
                        + q(table));
            }
            createViews(c, st, source);
            for (String[] routine : pairs(c, "select routine_type, routine_name from information_schema.routines"
                    + " where routine_schema = ? order by routine_name", source)) {
                st.execute(unqualify(showCreate(c, routine[0], source, routine[1], 3), source));
            }
            for (String trigger : names(c, "select trigger_name from information_schema.triggers where trigger_schema = ?"
                    + " order by action_order", source)) {
                st.execute(unqualify(showCreate(c, "TRIGGER", source, trigger, 3), source));
            }
            st.execute("set session foreign_key_checks = 1");
        }
    }

    /** Views may select from each other: each round creates those whose dependencies exist, until none is left. */
    private static void createViews(Connection c, Statement st, String source) throws SQLException {
        List<String> left = new ArrayList<>(names(c, "select table_name from information_schema.views"
                + " where table_schema = ? order by table_name", source));
        while (!left.isEmpty()) {
            List<String> failed = new ArrayList<>();
            SQLException last = null;
            for (String view : left) {
                try {
                    st.execute(unqualify(showCreate(c, "VIEW", source, view, 2), source));
                } catch (SQLException e) {
                    failed.add(view);
                    last = e;
                }
            }
            if (failed.size() == left.size()) {
                throw last;
            }
            left = failed;
        }
    }

    private static String showCreate(Connection c, String kind, String schema, String name, int column) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("show create " + kind + " " + q(schema) + "." + q(name))) {
            rs.next();
            return rs.getString(column);
        }
    }

    /** Names qualified by the source database now resolve in the copy, which is the connection's database. */
    private static String unqualify(String sql, String source) {
        return sql.replace(q(source) + ".", "");
    }

    private static List<String> names(Connection c, String sql, String schema) throws SQLException {
        return pairs(c, sql, schema).stream().map(p -> p[p.length - 1]).toList();
    }

    private static List<String[]> pairs(Connection c, String sql, String schema) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    String[] row = new String[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
