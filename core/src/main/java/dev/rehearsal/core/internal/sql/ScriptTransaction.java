package dev.rehearsal.core.internal.sql;

import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.db.SqlStatement;
import java.util.List;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * How a tool groups a script's statements into transactions, which {@link ScriptRunner} follows: a statement that
 * cannot run in a transaction ({@code CREATE INDEX CONCURRENTLY}) fails where the tool's own run fails, and runs where
 * the tool runs it.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public enum ScriptTransaction {
    /** The whole script in one transaction, whatever it holds (Drizzle, dbmate, Atlas by default). */
    ONE,
    /** One transaction, unless a statement cannot run in one: then each statement commits alone (Flyway's detection). */
    ONE_UNLESS_A_STATEMENT_CANNOT,
    /**
     * The file sent as one query (golang-migrate, Prisma): PostgreSQL runs a query of several statements in one
     * transaction, so a statement that cannot run in one fails there, and runs only where it is the file's only one.
     * On MariaDB the file still runs in one transaction here, though the server commits each statement of such a
     * query alone: there a file of several data changes that fails half-way keeps the first ones under the tool.
     */
    ONE_QUERY,
    /** Each statement commits alone (dbmate's {@code transaction:false}, Atlas's {@code txmode none}, Sqitch). */
    NONE;

    /** A savepoint command, after any comments: SAVEPOINT, RELEASE, ROLLBACK TO. */
    private static final Pattern SAVEPOINT_COMMAND = Pattern.compile(
            "^(?:\\s*(?:--[^\\n]*\\n|/\\*.*?\\*/))*\\s*(?:SAVEPOINT|RELEASE|ROLLBACK\\s+(?:WORK\\s+|TRANSACTION\\s+)?TO)\\b",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /**
     * Whether the script is sent whole, as the tool sends it, rather than statement by statement: a file of several
     * statements, sent as one query, with a savepoint command in it. PostgreSQL refuses those in the implicit
     * transaction of one query (25P01, unless the file opened its own with {@code BEGIN}) and accepts them in the
     * transaction Rehearsal would otherwise run the statements in; sent whole, the server decides as under the tool.
     * PostgreSQL only: MariaDB and MySQL give a query of several statements no transaction of its own.
     */
    public boolean sendsWhole(Dialect dialect, List<SqlStatement> statements) {
        return this == ONE_QUERY && dialect.engine() == Engine.POSTGRES && statements.size() > 1
                && statements.stream().anyMatch(s -> SAVEPOINT_COMMAND.matcher(s.sql()).find());
    }

    /**
     * Whether {@code statements} run in one transaction Rehearsal opens under this mode on {@code dialect} (not so a
     * script sent whole, whose transaction is the server's implicit one).
     */
    public boolean inOne(Dialect dialect, List<SqlStatement> statements) {
        boolean anyCannot = statements.stream().anyMatch(s -> dialect.mustRunOutsideTransaction(s.sql()));
        return switch (this) {
            case ONE -> true;
            case ONE_UNLESS_A_STATEMENT_CANNOT -> !anyCannot;
            case ONE_QUERY -> !sendsWhole(dialect, statements) && (statements.size() > 1 || !anyCannot);
            case NONE -> false;
        };
    }
}
