package dev.rehearsal.core.model;

import org.apiguardian.api.API;

/**
 * Something stopped a rehearsal before it could judge the migrations: bad input (no migrations, a duplicate
 * version), a database that cannot be started, a script that cannot be read. The message says what and what to do.
 */
@API(status = API.Status.STABLE, since = "0.1")
public class RehearsalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RehearsalException(String message) {
        super(message);
    }

    public RehearsalException(String message, Throwable cause) {
        super(message, cause);
    }
}
