package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.estimate.Estimate;
import dev.rehearsal.core.estimate.StatementEstimate;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.LockLimits;
import dev.rehearsal.core.locks.LockReport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * After the up, the down and up again, when nothing else failed: the locks the phase took keep the lock budget of the
 * settings, and with budgets at production volume the up's estimate there keeps it too (estimated before the up, on
 * copies). The message names the statement, the lock, the table and the wait, and the safer way.
 */
final class LockBudgetCheck implements PhaseCheck {

    private static final PhaseContext.Key<VolumeEstimate> AT_PRODUCTION = new PhaseContext.Key<>("estimate at production volume");

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.phase() != Phase.RESTORE;
    }

    @Override
    public void beforeUp(PhaseContext context) {
        context.migration().map(context::estimateAtProductionVolume).ifPresent(estimate -> {
            context.put(AT_PRODUCTION, estimate);
            context.note("at production volume: " + estimate.toText().lines().findFirst().orElse(""));
        });
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        if (findings.failed()) {
            return;
        }
        LockLimits budget = context.settings().locks().budget();
        List<String> breaches = new ArrayList<>();
        if (context.phase() == Phase.UP) {
            context.get(AT_PRODUCTION).ifPresent(estimate -> breaches.addAll(productionBreaches(budget, estimate)));
        }
        if (budget.limitsAnything() && context.locks() != LockReport.NONE) {
            breaches.addAll(budget.check(context.locks()));
        }
        if (!breaches.isEmpty()) {
            findings.fail("The " + context.phase().label() + " of " + context.displayName() + " broke the lock budget:\n  - "
                    + String.join("\n  - ", breaches));
        }
    }

    /** The budget's breaches by the estimate at production volume, each with the statement that costs most. */
    private static List<String> productionBreaches(LockLimits budget, VolumeEstimate e) {
        List<String> breaches = new ArrayList<>();
        String at = String.format(Locale.ROOT, "at production volume (%,d rows): ", e.productionRows());
        if (budget.writes() != null && e.writesBlocked().likely().compareTo(budget.writes()) > 0) {
            breaches.add(at + "writes would wait " + e.writesBlocked() + ", over " + human(budget.writes())
                    + worst(e, StatementEstimate::blocksWrites));
        }
        if (budget.reads() != null && e.readsBlocked().likely().compareTo(budget.reads()) > 0) {
            breaches.add(at + "reads would wait " + e.readsBlocked() + ", over " + human(budget.reads())
                    + worst(e, StatementEstimate::blocksReads));
        }
        if (budget.accessExclusive() != null && e.readsBlocked().likely().compareTo(budget.accessExclusive()) > 0) {
            breaches.add(at + "ACCESS EXCLUSIVE would be held " + e.readsBlocked() + ", over "
                    + human(budget.accessExclusive()) + worst(e, StatementEstimate::blocksReads));
        }
        if (!breaches.isEmpty()) {
            for (var risk : e.risks()) {
                breaches.add("safer: " + risk.alternative() + " (" + risk.rule() + ")");
            }
        }
        return breaches;
    }

    private static String worst(VolumeEstimate e, Predicate<StatementEstimate> counted) {
        return e.costliest(counted).map(s -> "\n      most of it: " + s.toText()).orElse("");
    }

    private static String human(Duration d) {
        return Estimate.human(d);
    }
}
