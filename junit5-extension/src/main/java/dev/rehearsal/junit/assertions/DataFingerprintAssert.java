package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.data.DataFingerprint.TableFingerprint;
import dev.rehearsal.core.data.DataFingerprint;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

import java.util.ArrayList;
import java.util.List;

/**
 * Assertions on a {@link DataFingerprint}: compare the data before and after a migration, table by table and
 * column by column, with failure messages that list every difference.
 */
@API(status = API.Status.STABLE, since = "0.1")
public class DataFingerprintAssert extends AbstractAssert<DataFingerprintAssert, DataFingerprint> {

    public DataFingerprintAssert(DataFingerprint actual) {
        super(actual, DataFingerprintAssert.class);
    }

    /** Verifies both fingerprints are equal: same tables, row counts and column values. */
    public DataFingerprintAssert hasSameDataAs(DataFingerprint expected) {
        isNotNull();
        List<String> differences = expected.differences(actual);
        if (!differences.isEmpty()) {
            failWithMessage("Expecting the same data, but (expected, then actual):%n  %s", String.join("\n  ", differences));
        }
        return this;
    }

    /** Verifies these tables have the same row counts and column values in both fingerprints. */
    public DataFingerprintAssert hasSameDataAs(DataFingerprint expected, String... tables) {
        isNotNull();
        List<String> differences = new ArrayList<>();
        for (String table : tables) {
            TableFingerprint e = expected.table(table).orElse(null);
            TableFingerprint a = actual.table(table).orElse(null);
            if (e == null || a == null) {
                differences.add(table + ": " + (e == null ? "not in the expected data" : "not in the actual data"));
            } else {
                differences.addAll(e.differences(a));
            }
        }
        if (!differences.isEmpty()) {
            failWithMessage("Expecting the same data in %s, but (expected, then actual):%n  %s",
                    String.join(", ", tables), String.join("\n  ", differences));
        }
        return this;
    }

    /** Verifies a table has exactly {@code rows} rows. */
    public DataFingerprintAssert hasRows(String table, long rows) {
        TableFingerprint t = table(table);
        if (t.rows() != rows) {
            failWithMessage("Expecting %s to have %d rows, but it has %d", table, rows, t.rows());
        }
        return this;
    }

    /** Verifies a column has exactly {@code count} non-null values. */
    public DataFingerprintAssert hasNonNullValues(String table, String column, long count) {
        TableFingerprint t = table(table);
        long actualCount = t.column(column).orElseThrow(() -> failure("Expecting %s to have a column %s, but its"
                + " columns are %s", table, column, t.columns().keySet())).nonNull();
        if (actualCount != count) {
            failWithMessage("Expecting %s.%s to have %d non-null values, but it has %d (of %d rows)", table, column,
                    count, actualCount, t.rows());
        }
        return this;
    }

    private TableFingerprint table(String table) {
        isNotNull();
        return actual.table(table).orElseThrow(() -> failure("Expecting a table %s, but the data has %s", table,
                actual.tables().keySet()));
    }
}
