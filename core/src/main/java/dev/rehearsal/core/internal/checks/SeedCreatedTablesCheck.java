package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.List;

/**
 * With rows seeded before each step: after an up, the tables it created get their rows too, so that the next
 * migrations run over data. Runs after the data checks, which compare the data the up itself left; a seeding that
 * fails, fails the up. Where the new tables have triggers or rules, what the seeded rows made them do elsewhere is
 * kept ({@link SeedingSideEffects}), so the down and up again are not judged on it.
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
        boolean sideEffects = SeedingSideEffects.possible(context.after(), created);
        long seeded;
        try {
            seeded = context.seed(created, "after");
        } catch (RehearsalException e) {
            findings.failingProblem(new DataProblem(DataProblem.Kind.ROW_COUNT_CHANGED, null, null,
                    "could not seed the tables " + context.displayName() + " creates: " + e.getMessage()));
            return;
        }
        DataFingerprint dataBefore = context.get(DataAfterUpCheck.DATA_AFTER_UP).orElse(null);
        if (seeded == 0 || dataBefore == null && !sideEffects) {
            return;
        }
        SchemaSnapshot now = sideEffects ? context.schemaNow() : context.after();
        DataFingerprint dataNow = dataBefore == null ? null : context.fingerprint(now);
        if (dataNow != null) {
            // what the down starts from, and what a down that fails and rolls back must leave
            context.put(PhaseContext.DATA_BEFORE_DOWN, dataNow);
        }
        if (sideEffects) {
            SeedingSideEffects effects = SeedingSideEffects.between(context.after(), now, dataBefore, dataNow, created);
            if (effects != null) {
                context.put(SeedingSideEffects.KEY, effects);
                findings.note(effects.note(context.displayName(), created));
            }
        }
    }
}
