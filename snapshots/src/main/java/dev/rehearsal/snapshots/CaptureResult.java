package dev.rehearsal.snapshots;

import dev.rehearsal.core.model.Migration;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a capture wrote.
 *
 * @param file      the snapshot file
 * @param migration the migration the database was at
 * @param rows      rows captured per table, in load order
 * @param masked    {@code table.column} to the masking rule applied
 * @param bytes     the file's size
 * @param took      how long the capture took, masking and writing included
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record CaptureResult(Path file, Migration migration, Map<String, Long> rows, Map<String, String> masked, long bytes,
                            Duration took) {

    public CaptureResult {
        rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
        masked = Collections.unmodifiableMap(new LinkedHashMap<>(masked));
    }

    /** Rows over all tables. */
    public long totalRows() {
        return rows.values().stream().mapToLong(Long::longValue).sum();
    }
}
