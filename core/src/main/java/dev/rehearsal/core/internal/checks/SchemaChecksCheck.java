package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.SchemaCheck;
import dev.rehearsal.core.internal.timing.ComponentTiming;

/** After an up: the {@link SchemaCheck}s added to the rehearsal (golden files) judge the schema it left. */
final class SchemaChecksCheck implements PhaseCheck {

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.phase() == Phase.UP && context.migration().isPresent() && !context.schemaChecks().isEmpty();
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        Migration migration = context.migration().orElseThrow();
        for (SchemaCheck check : context.schemaChecks()) {
            SchemaCheck.Outcome outcome;
            try (ComponentTiming ignored = ComponentTiming.time("checks.schema")) {
                outcome = check.check(migration, context.after(), context.dialect());
            }
            outcome.notes().forEach(findings::note);
            if (outcome.isFailure()) {
                findings.fail(outcome.failure());
            }
        }
    }
}
