package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;

/** Flyway's failures told as Rehearsal tells them: the migration, its script and line, the statement, the SQLState. */
final class FlywayFailures {

    private FlywayFailures() {
    }

    /** What Flyway's migrate threw, as the failure of the migration it names (script, line, statement, SQLState). */
    static RuntimeException translate(FlywayMigrateException e, MigrationVersion target, ScriptLocation location,
                                      MigrationHistory history) {
        MigrationInfo info = e.getMigration();
        Migration migration = info == null ? null : findByScript(history, info.getScript());
        if (migration == null) {
            return new RehearsalException("Flyway could not migrate " + location
                    + (target == null ? "" : " to version " + target) + ": " + e.getMessage().strip(), e);
        }
        String statement = null;
        String serverMessage = null;
        String sqlState = null; // from the server's own exception: the same on every Flyway version
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FlywaySqlScriptException s) {
                statement = s.getStatement();
            }
            if (t instanceof SQLException sql) {
                serverMessage = sql.getMessage();
                sqlState = sql.getSQLState();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (serverMessage == null) {
            serverMessage = e.getMessage();
        }
        return new MigrationFailedException("up", migration, info.getScript(), e.getLineNumber(), statement,
                sqlState, serverMessage, e);
    }

    private static Migration findByScript(MigrationHistory history, String script) {
        return history.versioned().stream().filter(m -> m.up().name().equals(script)).findFirst()
                .or(() -> history.repeatable().stream().filter(m -> m.up().name().equals(script)).findFirst())
                .orElse(null);
    }
}
