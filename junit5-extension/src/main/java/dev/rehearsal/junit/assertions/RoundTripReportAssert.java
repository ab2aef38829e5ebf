package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.data.DataProblem;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a {@link RoundTripReport}. */
@API(status = API.Status.STABLE, since = "0.1")
public class RoundTripReportAssert extends AbstractAssert<RoundTripReportAssert, RoundTripReport> {

    public RoundTripReportAssert(RoundTripReport actual) {
        super(actual, RoundTripReportAssert.class);
    }

    /** Verifies no phase of any migration failed; the message is the whole report. */
    public RoundTripReportAssert hasNoFailures() {
        isNotNull();
        if (actual.failed()) {
            StringBuilder details = new StringBuilder();
            for (var step : actual.steps()) {
                for (var phase : step.phases()) {
                    if (phase.status() == PhaseResult.Status.FAILED) {
                        details.append("\n").append(step.migration()).append(", ").append(phase.phase().label())
                                .append(":\n  ").append(phase.message().replace("\n", "\n  "));
                    }
                }
            }
            failWithMessage("Expecting every round trip to pass, but:%n%s%s", actual.toText(), details);
        }
        return this;
    }

    /** Verifies the round trip of the migration whose name starts with {@code migration} ({@code "V5"}) found a data problem of that kind. */
    public RoundTripReportAssert hasDataProblem(String migration, DataProblem.Kind kind) {
        isNotNull();
        var step = actual.steps().stream().filter(s -> s.migration().startsWith(migration + " ") || s.migration().equals(migration))
                .findFirst().orElseThrow(() -> failure("Expecting a round trip of %s, but the report has:%n%s", migration, actual.toText()));
        boolean found = step.phases().stream().flatMap(p -> p.problems().stream()).anyMatch(p -> p.kind() == kind);
        if (!found) {
            failWithMessage("Expecting the round trip of %s to find %s, but:%n%s", step.migration(), kind, actual.toText());
        }
        return this;
    }
}
