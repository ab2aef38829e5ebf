package dev.rehearsal.junit;

/**
 * A database engine a {@link MigrationTest} rehearses on ({@link MigrationTest#engines()}): the same migrations,
 * checked on each engine the application supports.
 */
public enum Engine {

    /**
     * PostgreSQL: the embedded server, or the server {@code rehearsal.jdbc.url} names (a {@code jdbc:postgresql:}
     * URL), or a container of {@link MigrationTest#image()} / {@code rehearsal.image}; as {@link MigrationTest#provider()}
     * says.
     */
    POSTGRES,

    /**
     * MariaDB (and MySQL servers through the MariaDB driver): the server {@code rehearsal.mariadb.url} names (or
     * {@code rehearsal.jdbc.url} when it is a {@code jdbc:mariadb:} or {@code jdbc:mysql:} URL), else a container of
     * {@code rehearsal.mariadb.image} ({@code mariadb:11.4} by default) when Docker is there. There is no embedded
     * MariaDB.
     */
    MARIADB
}
