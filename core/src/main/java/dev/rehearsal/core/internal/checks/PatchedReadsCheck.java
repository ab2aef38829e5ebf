package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;

/**
 * At the end of a plan, the schema as the patched reads saw it must equal a full read of the catalog. A difference is
 * Rehearsal's bug, not the migration's, and fails the phase so that it cannot pass unnoticed.
 */
final class PatchedReadsCheck implements PhaseCheck {

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.lastStep() && (context.phase() == Phase.UP_AGAIN
                || context.phase() == Phase.UP && context.migration().isEmpty());
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        String missed = context.missedByPatchedReads(context.after());
        if (missed != null) {
            findings.failLeavingDatabaseUnknown(missed, "the patched schema reads missed a change");
        }
    }
}
