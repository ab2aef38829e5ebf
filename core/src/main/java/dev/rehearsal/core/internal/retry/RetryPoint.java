package dev.rehearsal.core.internal.retry;

import dev.rehearsal.core.db.SqlStatement;
import org.apiguardian.api.API;

import java.util.List;

/**
 * One point where a migration can stop with part of it committed: before statement {@code statement} (0-based), the
 * ones before it having run, or, {@code during}, while that statement builds.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record RetryPoint(int statement, boolean during, List<SqlStatement> statements) {

    public RetryPoint {
        statements = List.copyOf(statements);
    }

    /** The statement the failure strikes: the one stopped before, or the one cancelled. */
    public SqlStatement target() {
        return statements.get(statement);
    }

    /** {@code after statement 1 (line 3), before statement 2 (line 5)}, or {@code during statement 1 (line 1), cancelled while it builds}. */
    public String describe() {
        SqlStatement s = target();
        if (during) {
            return "during statement " + (statement + 1) + line(s) + ", cancelled while it builds";
        }
        return "after statement " + statement + line(statements.get(statement - 1)) + ", before statement "
                + (statement + 1) + line(s);
    }

    /** {@code  (line 3)}, or nothing where the tool did not say the line. */
    private static String line(SqlStatement s) {
        return s.line() > 0 ? " (line " + s.line() + ")" : "";
    }
}
