package dev.rehearsal.core.data;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one seeding loaded: rows added per table, in load order, how long it took, notes on anything that did
 * not go as asked (fewer rows than requested because a unique key ran out of values, columns left NULL), and the
 * tables the seeder could not fill, with why ({@link #shortfalls()}).
 */
@API(status = API.Status.STABLE, since = "0.1")
public record SeedResult(Map<String, Long> rowsAdded, Duration duration, List<String> notes, List<SeedShortfall> shortfalls) {

    public SeedResult {
        rowsAdded = Collections.unmodifiableMap(new LinkedHashMap<>(rowsAdded));
        notes = List.copyOf(notes);
        shortfalls = List.copyOf(shortfalls);
    }

    /** A seeding that filled every table it was asked to. */
    public SeedResult(Map<String, Long> rowsAdded, Duration duration, List<String> notes) {
        this(rowsAdded, duration, notes, List.of());
    }

    /** Rows added over all tables. */
    public long totalRows() {
        return rowsAdded.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Rows added to one table, 0 if it was not seeded. */
    public long rowsAdded(String table) {
        return rowsAdded.getOrDefault(table, 0L);
    }

    @Override
    public String toString() {
        return "seeded " + totalRows() + " rows in " + duration.toMillis() + " ms: "
                + rowsAdded.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))
                + (notes.isEmpty() ? "" : "\n  " + String.join("\n  ", notes))
                + shortfalls.stream().map(s -> "\n  " + s).collect(Collectors.joining());
    }
}
