package dev.rehearsal.core.internal.tools.liquibase;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Liquibase's DATABASECHANGELOG, read and written straight over JDBC (a Liquibase instance per read costs more than
 * the changeset it reads): its rows, and a row's checksum made to differ from its file's.
 */
final class ChangelogTable {

    /** A checksum no changeset has: Liquibase takes the changeset as changed. */
    private static final String CHANGED = "9:00000000000000000000000000000000";

    /** Its name as this engine spells it, once seen. */
    private String name;

    /**
     * The filename, id, author and exec type of each row of DATABASECHANGELOG by its changeset key, none when
     * Liquibase has not created it yet. The table is lower case on PostgreSQL and upper case on MariaDB, where names
     * are case-sensitive; once found, its name is kept, and looked up again only when the query fails (a database at
     * a version before Liquibase made it).
     */
    Map<String, String[]> rows(Connection c) throws SQLException {
        Map<String, String[]> rows = new LinkedHashMap<>();
        if (name != null) {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select filename, id, author, exectype from " + name)) {
                readRows(rs, rows);
                return rows;
            } catch (SQLException e) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                name = null; // gone on this database: look again below, and fail there if it is another error
            }
        }
        DatabaseMetaData meta = c.getMetaData();
        String table = null;
        for (String candidate : List.of("databasechangelog", "DATABASECHANGELOG")) {
            try (ResultSet rs = meta.getTables(c.getCatalog(), null, candidate, new String[] {"TABLE"})) {
                if (rs.next()) {
                    table = candidate;
                    break;
                }
            }
        }
        if (table == null) {
            return rows;
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select filename, id, author, exectype from " + table)) {
            readRows(rs, rows);
        }
        name = table;
        return rows;
    }

    private static void readRows(ResultSet rs, Map<String, String[]> rows) throws SQLException {
        while (rs.next()) {
            String[] row = {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)};
            rows.put(LiquibaseTool.key(row[0], row[1], row[2]), row);
        }
    }

    /**
     * Makes the DATABASECHANGELOG row {@code ran} (filename, id, author) of a {@code runOnChange} changeset look as
     * after its file changed; Liquibase writes the file's checksum back when it runs it again.
     */
    void markChanged(Connection c, String[] ran) throws SQLException {
        rows(c); // its name as this engine spells it
        try (PreparedStatement st = c.prepareStatement("update " + name + " set md5sum = ? where filename = ? and id = ?"
                + " and author = ?")) {
            st.setString(1, CHANGED);
            st.setString(2, ran[0]);
            st.setString(3, ran[1]);
            st.setString(4, ran[2]);
            int rows = st.executeUpdate();
            if (rows != 1) {
                throw new SQLException(rows + " rows of " + name + " are changeset " + ran[1] + " by " + ran[2] + " in "
                        + ran[0] + ", where one was expected");
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }
}
