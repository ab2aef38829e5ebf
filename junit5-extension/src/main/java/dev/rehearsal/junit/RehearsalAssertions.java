package dev.rehearsal.junit;

import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaSnapshot;
import dev.rehearsal.junit.assertions.RoundTripReportAssert;
import dev.rehearsal.junit.assertions.SchemaDiffAssert;
import dev.rehearsal.junit.assertions.SchemaSnapshotAssert;

/**
 * The AssertJ entry point for Rehearsal's values:
 * {@code assertThat(rehearsal.schema()).table("orders").column("status").hasType("text").isNotNull()}.
 */
public final class RehearsalAssertions {

    private RehearsalAssertions() {
    }

    /** Assertions on a schema snapshot: tables, columns, indexes, views, functions. */
    public static SchemaSnapshotAssert assertThat(SchemaSnapshot actual) {
        return new SchemaSnapshotAssert(actual);
    }

    /** Assertions on a schema diff. */
    public static SchemaDiffAssert assertThat(SchemaDiff actual) {
        return new SchemaDiffAssert(actual);
    }

    /** Assertions on a round-trip report. */
    public static RoundTripReportAssert assertThat(RoundTripReport actual) {
        return new RoundTripReportAssert(actual);
    }
}
