package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.schema.SchemaDiff;

/**
 * After up again: the schema must be exactly the one the first up produced, whether the up was applied again after
 * its down script or on the restored copy. What the triggers of rows Rehearsal seeded after the first up created is
 * not the migration's to reproduce.
 */
final class SchemaReproducedCheck implements PhaseCheck {

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.phase() == Phase.UP_AGAIN;
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        SchemaDiff diff = context.afterUp().diff(context.after());
        SeedingSideEffects seeding = context.get(SeedingSideEffects.KEY).orElse(null);
        if (seeding != null) {
            diff = seeding.leaveOut(diff);
        }
        if (!diff.isEmpty()) {
            findings.failLeavingDatabaseUnknown(RoundTripMessages.notReproduced(context.migration().orElseThrow(), diff,
                    context.restoring()), context.displayName() + " produced a different schema when applied again");
        }
    }
}
