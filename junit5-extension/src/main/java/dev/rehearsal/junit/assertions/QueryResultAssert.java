package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.data.QueryResult;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Assertions on the rows of a {@link QueryResult}. Values compare leniently, as a reader of the table would:
 * numbers by value ({@code 42} equals {@code 42L} and {@code 42.00}), anything else equal to a string when its text
 * is that string (a date, a UUID, an enum label). Failure messages show both tables.
 */
@API(status = API.Status.STABLE, since = "0.1")
public class QueryResultAssert extends AbstractAssert<QueryResultAssert, QueryResult> {

    public QueryResultAssert(QueryResult actual) {
        super(actual, QueryResultAssert.class);
    }

    /** Verifies the rows are exactly these, in this order; build rows with {@code RehearsalAssertions.row(...)}. */
    @SafeVarargs
    public final QueryResultAssert containsExactly(List<Object>... rows) {
        isNotNull();
        List<List<Object>> expected = Arrays.asList(rows);
        boolean same = expected.size() == actual.size();
        for (int i = 0; same && i < expected.size(); i++) {
            same = sameRow(expected.get(i), actual.rows().get(i));
        }
        if (!same) {
            failWithMessage("Expecting %s%nto return exactly, in order:%n%s%nbut it returned:%n%s", actual.sql(),
                    text(expected), text(actual.rows()));
        }
        return this;
    }

    /** Verifies the rows are exactly these, in any order. */
    @SafeVarargs
    public final QueryResultAssert containsExactlyInAnyOrder(List<Object>... rows) {
        isNotNull();
        List<List<Object>> remaining = new ArrayList<>(actual.rows());
        List<List<Object>> missing = new ArrayList<>();
        for (List<Object> row : rows) {
            int found = -1;
            for (int i = 0; i < remaining.size() && found < 0; i++) {
                if (sameRow(row, remaining.get(i))) {
                    found = i;
                }
            }
            if (found < 0) {
                missing.add(row);
            } else {
                remaining.remove(found);
            }
        }
        if (!missing.isEmpty() || !remaining.isEmpty()) {
            failWithMessage("Expecting %s%nto return, in any order:%n%s%nbut it returned:%n%s%nmissing:%n%s%nunexpected:%n%s",
                    actual.sql(), text(Arrays.asList(rows)), text(actual.rows()), text(missing), text(remaining));
        }
        return this;
    }

    /** Verifies the number of rows. */
    public QueryResultAssert hasRowCount(int expected) {
        isNotNull();
        if (actual.size() != expected) {
            failWithMessage("Expecting %s%nto return %d rows, but it returned %d:%n%s", actual.sql(), expected,
                    actual.size(), text(actual.rows()));
        }
        return this;
    }

    /** Verifies no row came back. */
    public QueryResultAssert isEmpty() {
        return hasRowCount(0);
    }

    /** Verifies a one-row, one-column result equals {@code expected} (compared as the rows are). */
    public QueryResultAssert hasSingleValue(Object expected) {
        isNotNull();
        if (actual.size() != 1 || actual.columns().size() != 1 || !same(expected, actual.rows().get(0).get(0))) {
            failWithMessage("Expecting %s%nto return the single value %s, but it returned:%n%s", actual.sql(),
                    expected, text(actual.rows()));
        }
        return this;
    }

    private static boolean sameRow(List<Object> expected, List<Object> row) {
        if (expected.size() != row.size()) {
            return false;
        }
        for (int i = 0; i < row.size(); i++) {
            if (!same(expected.get(i), row.get(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean same(Object expected, Object value) {
        if (Objects.equals(expected, value)) {
            return true;
        }
        if (expected == null || value == null) {
            return false;
        }
        if (expected instanceof Number e && value instanceof Number v) {
            return new BigDecimal(e.toString()).compareTo(new BigDecimal(v.toString())) == 0;
        }
        if (expected instanceof String || value instanceof String) {
            return expected.toString().equals(value.toString());
        }
        if (expected instanceof List<?> e && value instanceof List<?> v && e.size() == v.size()) {
            for (int i = 0; i < e.size(); i++) {
                if (!same(e.get(i), v.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static String text(List<List<Object>> rows) {
        if (rows.isEmpty()) {
            return "  (no rows)";
        }
        return rows.stream().map(r -> "  " + r.stream().map(String::valueOf).collect(Collectors.joining(" | ")))
                .collect(Collectors.joining("\n"));
    }
}
