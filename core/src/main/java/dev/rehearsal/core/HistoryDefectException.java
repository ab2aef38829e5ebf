package dev.rehearsal.core;

import dev.rehearsal.core.model.RehearsalException;

import org.apiguardian.api.API;

/**
 * The migration history itself is one the team's tool would refuse in production: two heads, a revision that cannot
 * be loaded, two migrations with one number. A finding about the migrations, like a failed round trip (the command
 * line exits 1), not a problem with how Rehearsal was run or where (exit 2).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public class HistoryDefectException extends RehearsalException {
    private static final long serialVersionUID = 1L;

    public HistoryDefectException(String message) {
        super(message);
    }

    public HistoryDefectException(String message, Throwable cause) {
        super(message, cause);
    }
}
