package dev.rehearsal.core.internal.retry;

import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.sql.StatementInterceptor;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements of a migration's up as the tool's helper reported them while it ran (the migration's own, not the
 * tool's bookkeeping), each with whether it ran inside a transaction: where such a tool (Alembic, Django, Knex) can
 * stop part-way is known from its up as it ran, since its transaction model is the migration's code.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ReportedUp implements StatementInterceptor {

    private final List<SqlStatement> statements = new ArrayList<>();
    private final List<Boolean> alone = new ArrayList<>();

    @Override
    public SQLException before(Connection physical, String sql) {
        return null;
    }

    @Override
    public void after(Connection physical, String sql) {
    }

    @Override
    public synchronized RemoteFailure beforeRemote(RemoteStatement statement) {
        if (statement.script() != null) {
            statements.add(new SqlStatement(statement.sql(), statement.line()));
            alone.add(!statement.inTransaction());
        }
        return null;
    }

    /** The migration's statements, in the order they ran. */
    public synchronized List<SqlStatement> statements() {
        return List.copyOf(statements);
    }

    /** Whether statement {@code index} ran outside a transaction, committing alone. */
    public synchronized boolean alone(int index) {
        return alone.get(index);
    }
}
