package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProviders;

/** Test helpers: the histories under src/test/resources/histories, rehearsed on the shared embedded server. */
final class Histories {

    private Histories() {
    }

    static RehearsalSettings settings(String name) {
        return RehearsalSettings.of("classpath:histories/" + name);
    }

    /** A history of data defects: the shared customers-and-orders V1 of histories/data-base, then the named one's scripts. */
    static RehearsalSettings dataHistory(String name) {
        return RehearsalSettings.of("classpath:histories/data-base,classpath:histories/" + name);
    }

    static MigrationRehearsal rehearse(String name) {
        return rehearse(settings(name));
    }

    static MigrationRehearsal rehearse(RehearsalSettings settings) {
        return MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(), Histories.class.getClassLoader());
    }
}
