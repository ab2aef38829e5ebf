package dev.rehearsal.core.internal.tools.liquibase;

import dev.rehearsal.core.model.MigrationVersion;
import liquibase.changelog.ChangeSet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

/**
 * Liquibase's {@code runOnChange} and {@code runAlways} changesets, applied again over themselves as Liquibase's
 * update applies them: a {@code runOnChange} changeset once its file changed (its checksum in DATABASECHANGELOG no
 * longer the file's), a {@code runAlways} one on every update. Liquibase's own update runs it; every {@code runAlways}
 * changeset before it in the changelog runs again first, as in production.
 */
final class LiquibaseReruns {

    /** A checksum no changeset has: Liquibase takes the changeset as changed. */
    private static final String CHANGED = "9:00000000000000000000000000000000";

    private LiquibaseReruns() {
    }

    /** Whether Liquibase applies {@code cs} again over itself on a later update. */
    static boolean appliesAgain(ChangeSet cs) {
        return cs != null && (cs.isRunOnChange() || cs.isAlwaysRun());
    }

    /**
     * Makes the DATABASECHANGELOG row {@code ran} (filename, id, author) of a {@code runOnChange} changeset look as
     * after its file changed; Liquibase writes the file's checksum back when it runs it again.
     */
    static void markChanged(Connection c, String table, String[] ran) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("update " + table + " set md5sum = ? where filename = ? and id = ?"
                + " and author = ?")) {
            st.setString(1, CHANGED);
            st.setString(2, ran[0]);
            st.setString(3, ran[1]);
            st.setString(4, ran[2]);
            st.executeUpdate();
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    /**
     * How many changesets Liquibase's update runs up to and with the one at {@code version} once it is to run again:
     * the {@code runAlways} ones before it, and it.
     */
    static int upTo(Map<MigrationVersion, ChangeSet> changeSets, MigrationVersion version) {
        int count = 1;
        for (Map.Entry<MigrationVersion, ChangeSet> e : changeSets.entrySet()) {
            if (e.getKey().compareTo(version) < 0 && e.getValue().isAlwaysRun()) {
                count++;
            }
        }
        return count;
    }
}
