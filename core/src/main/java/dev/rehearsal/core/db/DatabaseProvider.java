package dev.rehearsal.core.db;

import org.apiguardian.api.API;

import java.util.Optional;

/**
 * Gives out throwaway databases. Implementations decide where the server comes from (an embedded PostgreSQL, a
 * container, a server the user names) and how a fresh database is made quickly (template clone). Closing the
 * provider stops whatever it started.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface DatabaseProvider extends AutoCloseable {

    /** What this provider is, for messages and reports ({@code embedded PostgreSQL 18.6 on port 41234}). */
    String describe();

    /**
     * The PostgreSQL version of the server the databases live on ({@code 18.6}), for a run that requires its
     * production's major; empty for other engines and for providers that do not know it.
     */
    default Optional<String> postgresVersion() {
        return Optional.empty();
    }

    /**
     * A fresh, empty database for one test; the caller closes it. A rehearsal asks for it on a thread of its own
     * while it reads the history, so implementations must not depend on the calling thread.
     */
    EphemeralDatabase createDatabase();

    /** Stops what the provider started; no throwaway database it made survives it. */
    @Override
    void close();
}
