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
