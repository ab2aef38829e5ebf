package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.RoundTripReport;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a {@link RoundTripReport}. */
public class RoundTripReportAssert extends AbstractAssert<RoundTripReportAssert, RoundTripReport> {

    public RoundTripReportAssert(RoundTripReport actual) {
        super(actual, RoundTripReportAssert.class);
    }

    /** Verifies no phase of any migration failed; the message is the whole report. */
    public RoundTripReportAssert hasNoFailures() {
        isNotNull();
        if (actual.failed()) {
            failWithMessage("Expecting every round trip to pass, but:%n%s", actual.toText());
        }
        return this;
    }
}
