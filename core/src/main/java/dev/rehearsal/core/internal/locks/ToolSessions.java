package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.internal.sql.StatementInterceptor;
import org.apiguardian.api.API;

/**
 * Where a migration tool that runs outside the JVM (Alembic in its helper process) reports its statements, so they
 * are traced as the statements of a tool in the JVM are: each one before and after it runs, while the tool waits, so
 * that the locks its open transaction holds can be read from another session. Sessions are named by the engine's
 * backend id (PostgreSQL: the pid); where each statement came from is said by the tool (the revision file and line).
 * While nothing observes, every call returns at once.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface ToolSessions {

    /** Ignores every report: nothing observes. */
    ToolSessions NONE = new ToolSessions() {
        @Override
        public Object before(int backend, String sql, boolean inTransaction, String script, int line) {
            return null;
        }

        @Override
        public void after(Object token, boolean failed, long rowsAffected, String lockTimeout) {
        }

        @Override
        public void transactionEnded(int backend) {
        }
    };

    /**
     * A statement is about to run on session {@code backend}; {@code script} and {@code line} say where it came from
     * (null and 0 for the tool's own bookkeeping). Returns a token for {@link #after}.
     */
    Object before(int backend, String sql, boolean inTransaction, String script, int line);

    /** The statement ended; {@code lockTimeout} is the session's, as the tool read it (null when unknown). */
    void after(Object token, boolean failed, long rowsAffected, String lockTimeout);

    /** The session's transaction ended (commit, rollback, or the session closed). */
    void transactionEnded(int backend);

    /**
     * What is told about each statement of the tool's and may fail one in its place (a retry's point), or null (the
     * default): the helper then waits for an answer before each statement where it {@link
     * StatementInterceptor#answersRemote() answers}.
     */
    default StatementInterceptor interceptor() {
        return null;
    }
}
