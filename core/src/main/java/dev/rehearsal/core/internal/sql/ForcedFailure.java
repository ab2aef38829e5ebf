package dev.rehearsal.core.internal.sql;

import org.apiguardian.api.API;

import java.sql.SQLException;

/**
 * The failure Rehearsal forces at the end of a migration to see what a failure there leaves behind (whether the
 * migration is atomic); told apart from the migration's own failures by its type anywhere in a cause chain.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ForcedFailure extends SQLException {

    public ForcedFailure() {
        super("Rehearsal stops the migration here, after its last statement, to see what a failure at its end leaves"
                + " behind", "57014");
    }

    /** Whether {@code t} or one of its causes is a forced failure. */
    public static boolean in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ForcedFailure) {
                return true;
            }
        }
        return false;
    }
}
