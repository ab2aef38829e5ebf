package dev.rehearsal.junit;

import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.QueryResult;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaSnapshot;
import dev.rehearsal.junit.assertions.DataFingerprintAssert;
import dev.rehearsal.junit.assertions.LockReportAssert;
import dev.rehearsal.junit.assertions.MigrationRunAssert;
import dev.rehearsal.junit.assertions.QueryResultAssert;
import dev.rehearsal.junit.assertions.RoundTripReportAssert;
import dev.rehearsal.junit.assertions.SchemaAtVersionAssert;
import dev.rehearsal.junit.assertions.SchemaDiffAssert;
import dev.rehearsal.junit.assertions.SchemaSnapshotAssert;
import dev.rehearsal.junit.assertions.VolumeEstimateAssert;
import dev.rehearsal.snapshots.SchemaAtVersion;
import org.apiguardian.api.API;

import java.util.Arrays;
import java.util.List;

/**
 * The AssertJ entry point for Rehearsal's values:
 * {@code assertThat(rehearsal.schema()).table("orders").column("status").hasType("text").isNotNull()}.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class RehearsalAssertions {

    private RehearsalAssertions() {
    }

    /** Assertions on a schema snapshot: tables, columns, indexes, views, functions. */
    public static SchemaSnapshotAssert assertThat(SchemaSnapshot actual) {
        return new SchemaSnapshotAssert(actual);
    }

    /** Assertions on the schema at one version: {@code assertThat(rehearsal.schemaAt("5")).matchesGolden()}. */
    public static SchemaAtVersionAssert assertThat(SchemaAtVersion actual) {
        return new SchemaAtVersionAssert(actual);
    }

    /** Assertions on a schema diff. */
    public static SchemaDiffAssert assertThat(SchemaDiff actual) {
        return new SchemaDiffAssert(actual);
    }

    /** Assertions on a round-trip report. */
    public static RoundTripReportAssert assertThat(RoundTripReport actual) {
        return new RoundTripReportAssert(actual);
    }

    /** Assertions on a data fingerprint: row counts and column values, before and after. */
    public static DataFingerprintAssert assertThat(DataFingerprint actual) {
        return new DataFingerprintAssert(actual);
    }

    /** Assertions on the rows of a query: {@code assertThat(rehearsal.query("select ...")).containsExactly(row(1, "Ada"))}. */
    public static QueryResultAssert assertThat(QueryResult actual) {
        return new QueryResultAssert(actual);
    }

    /** Assertions on a migration run: its duration, the waits of probe traffic, ACCESS EXCLUSIVE, risks. */
    public static MigrationRunAssert assertThat(MigrationRun actual) {
        return new MigrationRunAssert(actual);
    }

    /** Assertions on a lock report (of a run, a round-trip phase, or a failed migration's exception). */
    public static LockReportAssert assertThat(LockReport actual) {
        return new LockReportAssert(actual);
    }

    /** Budgets at production volume: {@code assertThat(rehearsal.estimate("5")).tookAtMost(ofMinutes(1))}. */
    public static VolumeEstimateAssert assertThat(
            VolumeEstimate actual) {
        return new VolumeEstimateAssert(actual);
    }

    /** One expected row for {@link QueryResultAssert}. */
    public static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }
}
