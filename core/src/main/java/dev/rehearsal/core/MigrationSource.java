package dev.rehearsal.core;

import dev.rehearsal.core.db.Dialect;
import org.apiguardian.api.API;

import javax.sql.DataSource;

/**
 * Where a project's migrations come from and how its migration tool applies them: Flyway, and later Alembic,
 * golang-migrate and others. Opening a source against a database yields a {@link MigrationTool} bound to it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface MigrationSource {

    /** What and where, for messages ({@code Flyway migrations at classpath:db/migration}). */
    String describe();

    /**
     * Reads the history and binds the tool to a database.
     *
     * @throws RehearsalException naming the file and the problem when the history is malformed
     */
    MigrationTool open(DataSource dataSource, Dialect dialect);
}
