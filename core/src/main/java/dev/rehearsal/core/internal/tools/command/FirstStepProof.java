package dev.rehearsal.core.internal.tools.command;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The session guard of a tool run through its own command, which Rehearsal cannot watch connect: the first up must
 * change the throwaway database (its schema, or the tool's own version table). A command whose tool reached another
 * database changes nothing here, and the rehearsal stops after that one step, naming the database the command was
 * given and what to check, instead of rehearsing migrations that run somewhere else.
 */
final class FirstStepProof {

    private final DataSource dataSource;
    private final Dialect dialect;
    private final Supplier<ConnectionDetails> database;
    private boolean proved;

    FirstStepProof(DataSource dataSource, Dialect dialect, Supplier<ConnectionDetails> database) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.database = database;
    }

    /** Runs {@code up}, the tool's up with its own checks, checking after a first up that it changed the throwaway database. */
    void up(Migration migration, String command, Runnable up) {
        if (proved) {
            up.run();
            return;
        }
        SchemaSnapshot before = schema();
        up.run(); // a command that failed, or whose tool reports the wrong version, is told as such by the tool
        if (schema().equals(before)) {
            ConnectionDetails details = database.get();
            throw new RehearsalException("The up command of " + migration.displayName() + " (" + command + ") ran"
                    + " and its tool reports the migration applied, but nothing changed in the throwaway database \""
                    + details.database() + "\" on " + details.host() + ":" + details.port() + " that Rehearsal made"
                    + " and handed it (neither a table nor the tool's own version table): the tool reached another"
                    + " database. Rehearsal stopped before rehearsing anything else. Make the command connect with"
                    + " the DATABASE_URL (or PGHOST, PGDATABASE...) Rehearsal sets for it, not a URL of its own"
                    + " configuration.");
        }
        proved = true;
    }

    private SchemaSnapshot schema() {
        try (Connection c = dataSource.getConnection()) {
            return dialect.snapshot(c, Set.of());
        } catch (SQLException e) {
            throw new RehearsalException("Could not read the throwaway database's schema to check what the migration"
                    + " command changed (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }
}
