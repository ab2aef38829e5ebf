package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.internal.data.DataChecks;

import java.util.ArrayList;
import java.util.List;

/**
 * After up again over rows: the data equals the first up's (columns with a volatile default are noted, not failed),
 * unless the down already lost data. Tables the triggers of rows Rehearsal seeded after the first up wrote are not
 * compared.
 */
final class DataAfterUpAgainCheck implements PhaseCheck {

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.phase() == Phase.UP_AGAIN && context.get(DataAfterUpCheck.DATA_AFTER_UP)
                .map(after -> after.hasData() || context.dataBeforeUp().hasData()).orElse(false);
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        if (context.get(DataAfterDownCheck.LOSSY_DOWN).orElse(false)) {
            findings.note("data not compared after up again: the down did not restore the data");
            return;
        }
        DataFingerprint firstUp = context.get(DataAfterUpCheck.DATA_AFTER_UP).orElseThrow();
        List<String> notes = new ArrayList<>();
        List<DataProblem> problems = DataChecks.afterUpAgain(context.migration().orElseThrow(),
                context.after(), firstUp, context.fingerprint(context.after()), notes);
        SeedingSideEffects seeding = context.get(SeedingSideEffects.KEY).orElse(null);
        findings.problems(seeding == null ? problems : seeding.leaveOut(problems));
        notes.forEach(findings::note);
    }
}
