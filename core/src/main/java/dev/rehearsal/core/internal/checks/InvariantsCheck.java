package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.data.Invariant;

import java.util.Map;

/** After the up, the down and up again: every invariant the user registered gives the result it gave before the up. */
final class InvariantsCheck implements PhaseCheck {

    private static final PhaseContext.Key<Map<Invariant, String>> BEFORE_UP = new PhaseContext.Key<>("invariants before up");

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.phase() != Phase.RESTORE;
    }

    @Override
    public void beforeUp(PhaseContext context) {
        context.put(BEFORE_UP, context.evaluateInvariants());
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        String what = switch (context.phase()) {
            case DOWN -> "the down script of " + context.displayName();
            case UP_AGAIN -> context.displayName() + " (up again)";
            default -> context.displayName();
        };
        findings.problems(context.brokenInvariants(context.get(BEFORE_UP).orElse(Map.of()), what));
    }
}
