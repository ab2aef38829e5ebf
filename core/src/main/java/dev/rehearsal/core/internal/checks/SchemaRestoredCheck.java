package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.schema.SchemaDiff;

/** After a down: the schema must be exactly the one before the up; what the down left behind or dropped is named. */
final class SchemaRestoredCheck implements PhaseCheck {

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.phase() == Phase.DOWN;
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        SchemaDiff diff = context.beforeUp().diff(context.after());
        if (!diff.isEmpty()) {
            findings.failLeavingDatabaseUnknown(RoundTripMessages.downLeftTrace(context.migration().orElseThrow(),
                    context.afterUp(), diff), "the down script of " + context.displayName() + " did not restore the schema");
        }
    }
}
