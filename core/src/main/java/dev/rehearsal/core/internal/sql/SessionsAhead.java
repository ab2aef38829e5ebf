package dev.rehearsal.core.internal.sql;

import org.apiguardian.api.API;

/**
 * A data source that can open sessions before they are asked for. A rehearsal knows at once that it will hold a
 * session of its own, run the tool on another and watch its locks on a third; a new PostgreSQL session costs the
 * server a backend start (up to ~20 ms on a busy 2-core machine), so opening them together, while the rehearsal reads
 * the schema on the first, keeps those starts out of the first migration's time.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface SessionsAhead {

    /**
     * Starts opening sessions in the background until {@code sessions} are idle or on their way; returns at once. A
     * session that fails to open is left out: the next {@code getConnection} opens one itself and reports the failure.
     */
    void openAhead(int sessions);
}
