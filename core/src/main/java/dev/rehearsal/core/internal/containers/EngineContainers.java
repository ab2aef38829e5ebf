package dev.rehearsal.core.internal.containers;

import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Makes the Testcontainers container of one engine. Each engine's module is optional, so each lives in a class of
 * its own that is only loaded when an image of that engine is asked for.
 */
final class EngineContainers {

    private EngineContainers() {
    }

    /** PostgreSQL: the module's defaults (Testcontainers runs it with {@code fsync=off}). */
    static final class Postgres {
        private Postgres() {
        }

        static JdbcDatabaseContainer<?> create(DockerImageName image) {
            return new PostgreSQLContainer(image);
        }
    }

    /**
     * MariaDB as root (Rehearsal creates a database per test), with the performance schema's metadata-lock
     * instrument on, so that lock tracing works as on a server configured for it.
     */
    static final class MariaDb {
        static final String PASSWORD = "rehearsal";

        private MariaDb() {
        }

        static JdbcDatabaseContainer<?> create(DockerImageName image) {
            return new MariaDBContainer(image).withUsername("root").withPassword(PASSWORD)
                    .withCommand("--character-set-server=utf8mb4", "--performance-schema=ON",
                            "--performance-schema-instrument=wait/lock/metadata/sql/mdl=ON");
        }
    }
}
