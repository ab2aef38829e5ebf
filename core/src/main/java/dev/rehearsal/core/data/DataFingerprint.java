package dev.rehearsal.core.data;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The data of a database reduced to what a migration must not change by accident: per table the row count and,
 * per column, the number of non-null values and an order-independent hash of them. Computed in SQL (one pass per
 * table, no rows leave the server), so two fingerprints are equal exactly when no value moved, appeared or vanished
 * (up to hash collisions).
 */
@API(status = API.Status.STABLE, since = "0.1")
public record DataFingerprint(Map<String, TableFingerprint> tables) {

    public DataFingerprint {
        tables = Collections.unmodifiableMap(new TreeMap<>(tables));
    }

    /** One table's fingerprint. */
    public Optional<TableFingerprint> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }

    /** Whether any table has rows. */
    public boolean hasData() {
        return tables.values().stream().anyMatch(t -> t.rows() > 0);
    }

    /** Rows over all tables. */
    public long totalRows() {
        return tables.values().stream().mapToLong(TableFingerprint::rows).sum();
    }

    /** Where {@code other} differs from this one, one line per table or column; empty when equal. */
    public List<String> differences(DataFingerprint other) {
        List<String> lines = new ArrayList<>();
        Set<String> names = new TreeSet<>(tables.keySet());
        names.addAll(other.tables.keySet());
        for (String name : names) {
            TableFingerprint a = tables.get(name);
            TableFingerprint b = other.tables.get(name);
            if (a == null) {
                lines.add(name + ": only in the second (" + b.rows() + " rows)");
            } else if (b == null) {
                lines.add(name + ": only in the first (" + a.rows() + " rows)");
            } else {
                lines.addAll(a.differences(b));
            }
        }
        return lines;
    }

    @Override
    public String toString() {
        return tables.values().stream().map(TableFingerprint::toString).collect(Collectors.joining("\n"));
    }

    /**
     * One table: its rows and its columns' fingerprints, by column name.
     */
    public record TableFingerprint(String table, long rows, Map<String, ColumnFingerprint> columns) {

        public TableFingerprint {
            columns = Collections.unmodifiableMap(new TreeMap<>(columns));
        }

        /** One column's fingerprint. */
        public Optional<ColumnFingerprint> column(String name) {
            return Optional.ofNullable(columns.get(name));
        }

        /** Where {@code other} differs, one line per difference. */
        public List<String> differences(TableFingerprint other) {
            List<String> lines = new ArrayList<>();
            if (rows != other.rows) {
                lines.add(table + ": " + rows + " rows, then " + other.rows);
            }
            Set<String> names = new TreeSet<>(columns.keySet());
            names.addAll(other.columns.keySet());
            for (String c : names) {
                ColumnFingerprint x = columns.get(c);
                ColumnFingerprint y = other.columns.get(c);
                if (x == null) {
                    lines.add(table + "." + c + ": only in the second");
                } else if (y == null) {
                    lines.add(table + "." + c + ": only in the first");
                } else if (!x.equals(y)) {
                    lines.add(table + "." + c + ": " + x + ", then " + y);
                }
            }
            return lines;
        }

        @Override
        public String toString() {
            return table + " (" + rows + " rows) " + columns.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        }
    }

    /**
     * One column: how many values are not NULL, and the sum of their hashes (as text, it can exceed a long).
     */
    public record ColumnFingerprint(long nonNull, String hash) {

        @Override
        public String toString() {
            return nonNull + " non-null, hash " + (hash.length() > 12 ? hash.substring(0, 12) + "…" : hash);
        }
    }
}
