package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.schema.SchemaDiff;

/**
 * After a down: the schema must be exactly the one before the up; what the down left behind or dropped is named.
 * What the triggers of rows Rehearsal seeded after the up created is not the down's to undo.
 */
final class SchemaRestoredCheck implements PhaseCheck {

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.phase() == Phase.DOWN;
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        SchemaDiff diff = context.beforeUp().diff(context.after());
        SeedingSideEffects seeding = context.get(SeedingSideEffects.KEY).orElse(null);
        if (seeding != null) {
            diff = seeding.leaveOut(diff);
        }
        if (!diff.isEmpty()) {
            findings.failLeavingDatabaseUnknown(RoundTripMessages.downLeftTrace(context.migration().orElseThrow(),
                    context.afterUp(), diff), "the down script of " + context.displayName() + " did not restore the schema");
        }
    }
}
