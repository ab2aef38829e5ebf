package dev.rehearsal.snapshots;

import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A schema compared with its golden file: whether they match, or what the file lacks, has too many of, or has
 * otherwise ({@code -- index orders_status_idx}), with a unified diff from the file to the schema; and whether the
 * file was written or rewritten (update mode).
 *
 * @param status  what happened
 * @param file    the golden file
 * @param added   titles of objects the schema has and the file does not
 * @param removed titles of objects the file has and the schema does not
 * @param changed titles of objects both have, written differently
 * @param diff    a unified diff from the file to the schema; empty when they match or the file is missing
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record GoldenComparison(Status status, Path file, List<String> added, List<String> removed,
                               List<String> changed, String diff) {

    public GoldenComparison {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(file, "file");
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        diff = diff == null ? "" : diff;
    }

    /** What comparing (and, in update mode, writing) did. */
    public enum Status {
        /** The schema equals the golden file. */
        MATCHES,
        /** The schema differs from the golden file, which was left as it is. */
        DIFFERS,
        /** There is no golden file for this version, and none was written. */
        MISSING,
        /** There was no golden file; it was written. */
        WRITTEN,
        /** The golden file differed and was rewritten (update mode). */
        REWRITTEN
    }

    /** Whether the schema and the file disagree and the file was left as it is. */
    public boolean isFailure() {
        return status == Status.DIFFERS || status == Status.MISSING;
    }

    /** One line per object that differs: {@code + index orders_status_idx}, {@code - table legacy}, {@code ~ table orders}. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        added.forEach(t -> sb.append("  + ").append(t.substring(3)).append(" (in the database, not in the file)\n"));
        removed.forEach(t -> sb.append("  - ").append(t.substring(3)).append(" (in the file, not in the database)\n"));
        changed.forEach(t -> sb.append("  ~ ").append(t.substring(3)).append(" (written differently)\n"));
        return sb.toString();
    }
}
