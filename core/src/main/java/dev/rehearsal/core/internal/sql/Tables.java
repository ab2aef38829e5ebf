package dev.rehearsal.core.internal.sql;

import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Catalog questions every engine answers the same way, through JDBC's {@link DatabaseMetaData}, and the one-statement
 * writes the version tables make.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Tables {

    private Tables() {
    }

    /** Whether a table of that exact name exists in the connection's current schema (MariaDB: database). */
    public static boolean exists(Connection c, String table) throws SQLException {
        return exists(c, null, table);
    }

    /** Whether {@code table} exists in {@code schema} (the connection's current one when null). */
    public static boolean exists(Connection c, String schema, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String escape = meta.getSearchStringEscape();
        String pattern = escape == null ? table : table.replace(escape, escape + escape).replace("_", escape + "_")
                .replace("%", escape + "%");
        try (ResultSet rs = meta.getTables(c.getCatalog(), schema != null ? schema : c.getSchema(), pattern, new String[] {"TABLE"})) {
            while (rs.next()) {
                if (rs.getString("TABLE_NAME").equals(table)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Runs one statement that returns nothing (DDL, {@code truncate}). */
    public static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Runs one parameterised write with these values bound in order; returns the rows it changed. */
    public static int update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            return ps.executeUpdate();
        }
    }
}
