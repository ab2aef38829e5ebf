package dev.rehearsal.core.internal.sql;

import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Catalog questions every engine answers the same way, through JDBC's {@link DatabaseMetaData}. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Tables {

    private Tables() {
    }

    /** Whether a table of that exact name exists in the connection's current schema (MariaDB: database). */
    public static boolean exists(Connection c, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String escape = meta.getSearchStringEscape();
        String pattern = escape == null ? table : table.replace(escape, escape + escape).replace("_", escape + "_")
                .replace("%", escape + "%");
        try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), pattern, new String[] {"TABLE"})) {
            while (rs.next()) {
                if (rs.getString("TABLE_NAME").equals(table)) {
                    return true;
                }
            }
            return false;
        }
    }
}
