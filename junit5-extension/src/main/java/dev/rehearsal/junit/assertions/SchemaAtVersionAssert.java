package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.SchemaCheck;
import dev.rehearsal.snapshots.SchemaAtVersion;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on the schema at one version ({@code rehearsal.schemaAt("5")}): {@link #matchesGolden()} compares it with
 * its golden file, and {@link #schema()} goes on with the usual schema assertions.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public class SchemaAtVersionAssert extends AbstractAssert<SchemaAtVersionAssert, SchemaAtVersion> {

    public SchemaAtVersionAssert(SchemaAtVersion actual) {
        super(actual, SchemaAtVersionAssert.class);
    }

    /**
     * Verifies the schema equals its version's golden file. As in the round trips, a missing file is written outside
     * CI (and the assertion passes), a differing one is rewritten in update mode; otherwise the failure names the
     * migration, the file and the difference.
     */
    public SchemaAtVersionAssert matchesGolden() {
        isNotNull();
        SchemaCheck.Outcome outcome = actual.compareWithGolden();
        if (outcome.isFailure()) {
            failWithMessage("%s", outcome.failure());
        }
        return this;
    }

    /** Continues with assertions on the schema itself. */
    public SchemaSnapshotAssert schema() {
        isNotNull();
        return new SchemaSnapshotAssert(actual.schema());
    }
}
