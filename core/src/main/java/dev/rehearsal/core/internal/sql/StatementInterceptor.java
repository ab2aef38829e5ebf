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

    /**
     * A statement a tool outside the JVM (in its helper process) is about to run, reported by the helper.
     *
     * @param backend       the engine's id of the session it runs on
     * @param sql           the statement as the tool sends it
     * @param inTransaction whether it runs inside a transaction (else it commits alone)
     * @param script        the migration file it came from; null for the tool's own bookkeeping
     * @param line          its line in that file, or 0
     * @param context       the value of {@link #contextQuery()} read on its session just before, or null
     */
    record RemoteStatement(int backend, String sql, boolean inTransaction, String script, int line, String context) {
    }

    /**
     * What a helper runs in place of a reported statement: {@code sql}, which fails on the server as a lock timeout
     * does, after committing what its session ran so far where {@code commitFirst} (the engine's commit before DDL).
     */
    record RemoteFailure(String sql, boolean commitFirst) {
    }

    /**
     * Whether a helper must wait for {@link #beforeRemote} before each statement of the migration (to fail or cancel
     * one); false where the statements are only told (the default).
     */
    default boolean answersRemote() {
        return false;
    }

    /** A query whose one value the helper reads on the statement's session and reports with it, or null (the default). */
    default String contextQuery() {
        return null;
    }

    /** Before a statement of a tool outside the JVM runs: what to run in its place, or null to run it (the default). */
    default RemoteFailure beforeRemote(RemoteStatement statement) {
        return null;
    }

    /** After a statement reported to {@link #beforeRemote} ran, failed, or was replaced. */
    default void afterRemote(RemoteStatement statement, boolean failed) {
    }
}
