package dev.rehearsal.core.internal.sql;

import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.SqlStatement;
import java.util.List;
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
    /** Each statement commits alone (dbmate's {@code transaction:false}, Atlas's {@code txmode none}, Sqitch). */
    NONE;

    /** Whether {@code statements} run in one transaction under this mode on {@code dialect}. */
    public boolean inOne(Dialect dialect, List<SqlStatement> statements) {
        return this == ONE || this == ONE_UNLESS_A_STATEMENT_CANNOT
                && statements.stream().noneMatch(s -> dialect.mustRunOutsideTransaction(s.sql()));
    }
}
