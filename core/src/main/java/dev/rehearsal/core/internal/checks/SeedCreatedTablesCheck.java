package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaChange;

import java.util.List;

/**
 * With rows seeded before each step: after an up, the tables it created get their rows too, so that the next
 * migrations run over data. Runs after the data checks, which compare the data the up itself left; a seeding that
 * fails, fails the up.
 */
final class SeedCreatedTablesCheck implements PhaseCheck {

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.phase() == Phase.UP && context.migration().isPresent() && context.data().roundTripRows() > 0;
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        List<String> created = context.beforeUp().diff(context.after()).changes().stream()
                .filter(c -> c.type() == SchemaChange.Type.ADDED && c.object().kind() == ObjectKind.TABLE)
                .map(c -> c.object().name()).filter(TableModel.all(context.after())::containsKey).toList();
        if (created.isEmpty()) {
            return;
        }
        try {
            context.seed(created, "after");
        } catch (RehearsalException e) {
            findings.failingProblem(new DataProblem(DataProblem.Kind.ROW_COUNT_CHANGED, null, null,
                    "could not seed the tables " + context.displayName() + " creates: " + e.getMessage()));
        }
    }
}
