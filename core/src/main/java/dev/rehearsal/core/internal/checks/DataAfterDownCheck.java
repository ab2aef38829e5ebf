package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.internal.data.DataChecks;
import dev.rehearsal.core.model.Migration;
import org.apiguardian.api.API;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * After a down over rows: every value that existed before the up is back, else the down is lossy (which a migration
 * may declare, {@code lossy}). Tables the triggers of rows Rehearsal seeded after the up wrote are not compared.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DataAfterDownCheck implements PhaseCheck {

    /** Whether the down lost data, so that up again does not compare what cannot be the same. */
    static final PhaseContext.Key<Boolean> LOSSY_DOWN = new PhaseContext.Key<>("lossy down");
    /** The kinds of problem a migration declared lossy may have. */
    public static final Set<DataProblem.Kind> LOSSES = EnumSet.of(DataProblem.Kind.LOSSY_DOWN, DataProblem.Kind.DOWN_CHANGED_DATA);

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.phase() == Phase.DOWN && context.dataBeforeUp() != null && context.dataBeforeUp().hasData();
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        Migration migration = context.migration().orElseThrow();
        List<DataProblem> problems = DataChecks.afterDown(migration, context.dataBeforeUp(),
                context.fingerprint(context.after()));
        SeedingSideEffects seeding = context.get(SeedingSideEffects.KEY).orElse(null);
        if (seeding != null) {
            problems = seeding.leaveOut(problems);
        }
        context.put(LOSSY_DOWN, problems.stream().anyMatch(p -> LOSSES.contains(p.kind())));
        findings.problems(problems, LOSSES, context.data().lossy().contains(migration.version()), "declared lossy");
    }
}
