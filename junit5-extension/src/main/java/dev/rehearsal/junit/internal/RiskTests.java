package dev.rehearsal.junit.internal;

import dev.rehearsal.core.NewMigrations;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RoundTripStep;
import dev.rehearsal.core.locks.LockRisk;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.AssertionFailedError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The "risks" test of a round trip: after its phases, a new migration (one a change adds: {@link NewMigrations}) whose
 * up has lock risks not allowed gets a failing test listing them, one line per statement with all its rules; a
 * released migration's risks are only reported. The same rule as the command line's exit code.
 */
final class RiskTests {

    private RiskTests() {
    }

    /**
     * A stream that yields the risks test only when there is something to fail: it is evaluated when JUnit asks for
     * the node after the step's last phase, and runs every phase first (under {@link OrderedPhases}' order), so the
     * decision sees the up's risks whatever the scheduler does.
     */
    static Stream<DynamicNode> of(RoundTripStep step, OrderedPhases phases, Supplier<NewMigrations> judged) {
        return Stream.of(step).flatMap(s -> {
            phases.runAll(s);
            List<LockRisk> open = s.result().phases().stream().filter(p -> p.phase() == PhaseResult.Phase.UP)
                    .flatMap(p -> p.locks().risks().stream()).filter(r -> r.suppressed() == null).toList();
            if (open.isEmpty() || !judged.get().judged(s.displayName())) {
                return Stream.empty();
            }
            String message = message(s, open, judged.get());
            return Stream.of(DynamicTest.dynamicTest(DefaultRehearsal.testName(s, "risks"), () -> {
                throw new AssertionFailedError(message);
            }));
        });
    }

    private static String message(RoundTripStep step, List<LockRisk> risks, NewMigrations judged) {
        Map<String, List<LockRisk>> byStatement = new LinkedHashMap<>();
        for (LockRisk r : risks) {
            byStatement.computeIfAbsent(r.statement(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder sb = new StringBuilder(step.displayName()).append(" is new, and its up has ")
                .append(risks.size()).append(risks.size() == 1 ? " lock risk" : " lock risks").append(" not allowed");
        if (judged.note() != null) {
            sb.append(" (").append(judged.note()).append(')');
        }
        sb.append(':');
        String version = step.migration().map(m -> m.version().toString()).orElse("<version>");
        for (Map.Entry<String, List<LockRisk>> e : byStatement.entrySet()) {
            sb.append("\n  risk ").append(e.getValue().stream().map(LockRisk::rule).toList()).append(' ').append(e.getKey());
            for (LockRisk r : e.getValue()) {
                sb.append("\n    ").append(r.rule()).append(": ").append(r.reason()).append("\n      safer: ")
                        .append(r.alternative());
            }
        }
        return sb.append("\nMake it safer, or allow a risk with its reason: allowRisks = \"").append(version)
                .append(' ').append(risks.get(0).rule()).append(": <why it is safe>\"").append(" (rehearsal.allow-risks),")
                .append(" or -- rehearsal:allow ").append(risks.get(0).rule()).append(" <why> in the script.").toString();
    }
}
