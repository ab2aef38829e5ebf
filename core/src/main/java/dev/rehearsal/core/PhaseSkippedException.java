package dev.rehearsal.core;

import dev.rehearsal.core.model.RehearsalException;

import org.apiguardian.api.API;

/**
 * A round-trip phase was not run because an earlier one made it pointless (the up failed, the migration is
 * declared irreversible). Test frameworks should report it as skipped or aborted, with this reason.
 */
@API(status = API.Status.STABLE, since = "0.1")
public class PhaseSkippedException extends RehearsalException {
    private static final long serialVersionUID = 1L;

    public PhaseSkippedException(String reason) {
        super(reason);
    }
}
