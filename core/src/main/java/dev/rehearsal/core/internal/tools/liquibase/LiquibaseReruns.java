package dev.rehearsal.core.internal.tools.liquibase;

import dev.rehearsal.core.model.MigrationVersion;
import liquibase.changelog.ChangeSet;

import java.util.Map;

/**
 * Liquibase's {@code runOnChange} and {@code runAlways} changesets, applied again over themselves as Liquibase's
 * update applies them: a {@code runOnChange} changeset once its file changed (its checksum in DATABASECHANGELOG no
 * longer the file's), a {@code runAlways} one on every update. Liquibase's own update runs it; every {@code runAlways}
 * changeset before it in the changelog runs again first, as in production.
 */
final class LiquibaseReruns {

    private LiquibaseReruns() {
    }

    /** Whether Liquibase applies {@code cs} again over itself on a later update. */
    static boolean appliesAgain(ChangeSet cs) {
        return cs != null && (cs.isRunOnChange() || cs.isAlwaysRun());
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
