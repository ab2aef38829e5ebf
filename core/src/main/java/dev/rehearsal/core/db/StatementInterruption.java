package dev.rehearsal.core.db;

import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Cancels one statement of a migration while it runs, at the point where the engine keeps what it built so far (an
 * INVALID index), to rehearse what a retry meets after a timeout or a cancelled deploy. Given by
 * {@link Dialect#interruption(String)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface StatementInterruption {

    /**
     * Starts just before the statement runs on {@code migration} (the tool's session): what the statement will wait
     * on is taken with sessions of {@code admin}, and the statement is cancelled once it waits there.
     */
    Running start(Connection migration, DataSource admin) throws SQLException;

    /**
     * A query whose one value {@link #start(int, String, DataSource)} needs from the migration's session (its
     * {@code search_path}), read there by a tool that runs in a process of its own; null where none is needed.
     */
    default String contextQuery() {
        return null;
    }

    /**
     * As {@link #start(Connection, DataSource)}, for a statement a tool in a process of its own is about to run on
     * session {@code backend}, {@code context} being the value of {@link #contextQuery()} read on that session.
     */
    Running start(int backend, String context, DataSource admin) throws SQLException;

    /** One interruption under way; closed once the statement ended, which releases what it held. */
    interface Running extends AutoCloseable {

        /** Whether the statement was cancelled while it built. */
        boolean cancelled();

        /** Why the statement could not be cancelled part-way, or null. */
        String whyNot();

        @Override
        void close();
    }
}
