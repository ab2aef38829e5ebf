package dev.rehearsal.core.internal.sql;

import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Told before and after each statement a migration tool runs through Rehearsal's data source, and able to make one
 * fail in place of running it: how a failure is made to strike part-way through a migration the real tool applies.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface StatementInterceptor {

    /**
     * Before {@code sql} runs on {@code physical} (the connection underneath): the error to raise in its place, or
     * null to run it.
     */
    SQLException before(Connection physical, String sql);

    /** After {@code sql} ran or failed, where {@link #before} let it run. */
    void after(Connection physical, String sql);
}
