package dev.rehearsal.core.data;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The rows a query returned, with their column labels, read in full. Values are the JDBC driver's objects
 * ({@code Integer}, {@code BigDecimal}, {@code String}, {@code java.sql.Timestamp}...); arrays become lists.
 */
@API(status = API.Status.STABLE, since = "0.1")
public record QueryResult(String sql, List<String> columns, List<List<Object>> rows) implements Iterable<List<Object>> {

    public QueryResult {
        columns = List.copyOf(columns);
        List<List<Object>> copy = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
    }

    /** The number of rows. */
    public int size() {
        return rows.size();
    }

    /** Whether no row came back. */
    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The only value of a one-row, one-column result; empty when it is NULL. */
    public Optional<Object> singleValue() {
        if (rows.size() != 1 || columns.size() != 1) {
            throw new IllegalStateException("Expected one row with one column from " + sql + ", got "
                    + rows.size() + " rows of " + columns.size() + " columns");
        }
        return Optional.ofNullable(rows.get(0).get(0));
    }

    /** The values of one column, in row order. */
    public List<Object> column(String label) {
        int i = columns.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("No column " + label + " in " + columns);
        }
        return rows.stream().map(r -> r.get(i)).collect(Collectors.toList());
    }

    @Override
    public Iterator<List<Object>> iterator() {
        return rows.iterator();
    }

    /** A small text table for messages. */
    public String toText() {
        StringBuilder sb = new StringBuilder(String.join(" | ", columns));
        for (List<Object> row : rows) {
            sb.append('\n').append(row.stream().map(String::valueOf).collect(Collectors.joining(" | ")));
        }
        return sb.toString();
    }
}
