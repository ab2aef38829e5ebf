package dev.rehearsal.core;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.util.function.Supplier;

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
     * @throws dev.rehearsal.core.model.RehearsalException naming the file and the problem when the history is malformed
     */
    MigrationTool open(DataSource dataSource, Dialect dialect);

    /**
     * Reads the history and binds the tool to a database that programs outside the JVM may need to reach too: a
     * tool driven through its own command connects with {@code database}, asked again before each command, so that
     * it follows the database when Rehearsal replaces it with a copy. The default ignores it.
     *
     * @throws dev.rehearsal.core.model.RehearsalException naming the file and the problem when the history is malformed
     */
    default MigrationTool open(DataSource dataSource, Dialect dialect,
                               Supplier<ConnectionDetails> database) {
        return open(dataSource, dialect);
    }

    /**
     * Whether tools of this source may run on several databases at once in one JVM, so that the round trips can run
     * in parallel parts ({@link RehearsalSettings#parallel()}). The default is no: a tool that keeps state outside its
     * own object (Liquibase's scope; a project's own commands) runs one part after the other.
     */
    default boolean runsOnSeveralDatabasesAtOnce() {
        return false;
    }
}
