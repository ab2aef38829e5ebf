package dev.rehearsal.core;

import org.apiguardian.api.API;

/**
 * A round-trip check found a defect in a migration: a down script that leaves objects behind or drops too much,
 * an up script that does not reproduce its schema when re-applied, a migration without a down script.
 * An {@link AssertionError}, so test frameworks report it as a failed test with this message.
 */
@API(status = API.Status.STABLE, since = "0.1")
public class RoundTripAssertionError extends AssertionError {
    private static final long serialVersionUID = 1L;

    public RoundTripAssertionError(String message) {
        super(message);
    }

    public RoundTripAssertionError(String message, Throwable cause) {
        super(message, cause);
    }
}
