package dev.rehearsal.junit;

import org.apiguardian.api.API;

/**
 * Where a {@link MigrationTest}'s throwaway databases come from ({@link MigrationTest#provider()},
 * {@code rehearsal.provider}).
 */
@API(status = API.Status.STABLE, since = "0.1")
public enum Provider {

    /**
     * An image named ({@link MigrationTest#image()}, {@code rehearsal.image}): a container; else a server URL
     * ({@code rehearsal.jdbc.url}): that server; else the embedded PostgreSQL (MariaDB: a container when Docker is
     * there).
     */
    AUTO,

    /** The embedded PostgreSQL: no Docker, nothing installed. */
    EMBEDDED,

    /** Throwaway databases on the server {@code rehearsal.jdbc.url} ({@code rehearsal.mariadb.url}) names. */
    SERVER,

    /**
     * A Testcontainers container, one per image for the run: the image named, else {@code postgres:17}
     * ({@code mariadb:11.4} for MariaDB).
     */
    TESTCONTAINERS
}
