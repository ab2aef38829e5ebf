package dev.rehearsal.core.internal.lifecycle;

import dev.rehearsal.core.db.EphemeralDatabase;
import org.apiguardian.api.API;

import java.util.Optional;

/**
 * A provider that keeps the base of a pull request's rehearsal between runs ({@code rehearsal.only-new.keep-base}):
 * a database at the last released migration, which later runs copy instead of applying the released migrations
 * again. The provider names and marks what it keeps, and drops only databases that carry its mark.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface KeptBases {

    /**
     * A new throwaway database copied from the base kept under {@code key}; empty where none is kept.
     *
     * @throws dev.rehearsal.core.model.RehearsalException where the kept base cannot be copied (dropped by another
     *                                                     run meanwhile, kept by another account), naming it
     */
    Optional<EphemeralDatabase> copyOfKept(String key);

    /**
     * What of the server the released migrations' ups may depend on (its version, the account and its settings, the
     * server's configured settings, the extensions it offers), for the key: a base kept under others is never copied.
     *
     * @throws dev.rehearsal.core.model.RehearsalException where the server cannot be asked
     */
    String serverState();

    /** The name of the database {@code key}'s base is kept in. */
    String nameOf(String key);

    /**
     * Keeps a copy of {@code database}, one of this provider's, under {@code key} for later runs. Every connection to
     * it must be closed first, except the idle ones it keeps itself.
     *
     * @return what was done, for the report: the kept base's name, or why nothing was kept
     */
    String keep(EphemeralDatabase database, String key);
}
