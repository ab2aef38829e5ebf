package dev.rehearsal.core;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.model.Migration;

import dev.rehearsal.core.locks.LockReport;
import org.apiguardian.api.API;

import java.util.Optional;

/**
 * A migration script failed on the database. Names the migration, the script, the line where the failing
 * statement starts, the statement itself, the SQLState and the server's message.
 */
@API(status = API.Status.STABLE, since = "0.1")
public class MigrationFailedException extends RehearsalException {
    private static final long serialVersionUID = 1L;

    private final String migration;
    private final String script;
    private final int line;
    private final String statement;
    private final String sqlState;
    private final String phase;
    private final transient Migration migrationObject;
    private final String serverMessage;
    private transient LockReport locks = LockReport.NONE;

    public MigrationFailedException(String phase, Migration migration, String script, int line, String statement,
                                    String sqlState, String serverMessage, Throwable cause) {
        super(message(phase, migration, script, line, statement, sqlState, serverMessage), cause);
        this.migration = migration.displayName();
        this.script = script;
        this.line = line;
        this.statement = statement;
        this.sqlState = sqlState;
        this.phase = phase;
        this.migrationObject = migration;
        this.serverMessage = serverMessage;
    }

    /** The trace of the failed run up to the failing statement ({@link LockReport#NONE} when not traced). */
    public LockReport locks() {
        return locks;
    }

    @API(status = API.Status.INTERNAL, since = "0.1")
    public MigrationFailedException withLocks(LockReport report) {
        this.locks = report;
        return this;
    }

    /** The same failure, explained as a stop at the migration timeout. */
    @API(status = API.Status.INTERNAL, since = "0.1")
    public MigrationFailedException stoppedAtTimeout(String why) {
        MigrationFailedException e = new MigrationFailedException(phase, migrationObject, script, line, statement,
                sqlState, "Rehearsal " + why + " Raise rehearsal.migration-timeout if the migration needs longer."
                + " (server: " + (serverMessage == null ? "" : serverMessage.strip()) + ")", getCause());
        e.locks = locks;
        return e;
    }

    private static String message(String phase, Migration migration, String script, int line, String statement,
                                  String sqlState, String serverMessage) {
        StringBuilder sb = new StringBuilder();
        sb.append(phase).append(" of migration ").append(migration.displayName()).append(" failed");
        sb.append("\n  script:    ").append(script);
        if (line > 0) {
            sb.append(", line ").append(line);
        }
        if (statement != null && !statement.isBlank()) {
            sb.append("\n  statement: ").append(abbreviate(statement.strip()));
        }
        sb.append("\n  SQLState:  ").append(sqlState == null ? "(none)" : sqlState);
        sb.append("\n  error:     ").append(serverMessage == null ? "(no message)" : serverMessage.strip());
        return sb.toString();
    }

    private static String abbreviate(String statement) {
        String oneLine = statement.replaceAll("\\s+", " ");
        return oneLine.length() > 300 ? oneLine.substring(0, 297) + "..." : oneLine;
    }

    /** The migration's display name ({@code V3 add index}). */
    public String migration() {
        return migration;
    }

    /** The script that failed, as named in the history. */
    public String script() {
        return script;
    }

    /** The database's (or the tool's) own message, as the failure's {@code error:} line shows it. */
    public String serverMessage() {
        return serverMessage;
    }

    /** The line in the script where the failing statement starts; 0 when unknown. */
    public int line() {
        return line;
    }

    /** The failing statement, if known. */
    public Optional<String> statement() {
        return Optional.ofNullable(statement);
    }

    /** The SQLState reported by the server, if any. */
    public Optional<String> sqlState() {
        return Optional.ofNullable(sqlState);
    }
}
