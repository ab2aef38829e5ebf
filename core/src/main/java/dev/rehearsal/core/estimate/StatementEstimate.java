package dev.rehearsal.core.estimate;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One statement of a migration at production volume: the model its measured durations fit, what it will take, and
 * the locks it holds meanwhile.
 *
 * @param where     the statement's script, line and first words ({@code V5__x.sql line 3: create index ...})
 * @param model     how its duration grows with rows
 * @param estimate  its duration at production volume
 * @param measured  what each rehearsal measured: rows of the largest estimated table, and the duration
 * @param locks     the locks on existing tables held while it runs ({@code SHARE on orders}), empty when none
 * @param blocks    what those locks block: {@code reads and writes}, {@code writes}, or {@code nothing}
 * @param rewrites  tables whose storage it rewrote in the rehearsals
 * @param rowsAffected rows it will insert, update or delete at production volume, in proportion to the rows it
 *                  changed in the rehearsals; 0 for schema changes, {@code -1} where unknown
 * @param walBytes  write-ahead log it will write at production volume, from the same line; {@code -1} where unknown
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record StatementEstimate(String where, CostModel model, Estimate estimate, List<Measurement> measured,
                                String locks, String blocks, List<String> rewrites, long rowsAffected, long walBytes) {

    public StatementEstimate {
        measured = List.copyOf(measured);
        rewrites = List.copyOf(rewrites);
    }

    /** A statement whose rows and write-ahead log at production volume are not known. */
    public StatementEstimate(String where, CostModel model, Estimate estimate, List<Measurement> measured,
                             String locks, String blocks, List<String> rewrites) {
        this(where, model, estimate, measured, locks, blocks, rewrites, -1, -1);
    }

    /**
     * One rehearsal of the statement.
     *
     * @param rows     rows of the largest estimated table
     * @param duration how long it ran
     * @param walBytes write-ahead log it wrote (PostgreSQL), {@code -1} where unknown
     * @param rowsAffected rows it inserted, updated or deleted (its update count), {@code -1} where unknown
     */
    public record Measurement(long rows, Duration duration, long walBytes, long rowsAffected) {

        /** A run whose update count is not known. */
        public Measurement(long rows, Duration duration, long walBytes) {
            this(rows, duration, walBytes, -1);
        }
    }

    /** Whether its locks block the application's writes. */
    public boolean blocksWrites() {
        return blocks.contains("writes");
    }

    /** Whether its locks block the application's reads. */
    public boolean blocksReads() {
        return blocks.contains("reads");
    }

    /** A line for reports. */
    public String toText() {
        StringBuilder sb = new StringBuilder(where).append(": ");
        if (model == CostModel.CONSTANT) {
            sb.append("constant, does not depend on rows: ").append(estimate);
        } else {
            sb.append(model).append(": ").append(estimate);
        }
        if (!locks.isEmpty()) {
            sb.append("; holds ").append(locks).append(" for all of it").append(blocks.equals("nothing") ? ""
                    : ": " + blocks + " blocked");
        }
        if (!rewrites.isEmpty()) {
            sb.append("; rewrites ").append(String.join(", ", rewrites));
        }
        if (rowsAffected > 0) {
            sb.append(String.format(Locale.ROOT, "; changes about %,d rows", rowsAffected));
        }
        if (walBytes > 0) {
            sb.append("; writes about ").append(bytes(walBytes)).append(" of write-ahead log");
        }
        sb.append(" [measured");
        for (Measurement m : measured) {
            sb.append(String.format(Locale.ROOT, " %,d rows %s%s,", m.rows(), Estimate.human(m.duration()),
                    m.walBytes() < 0 ? "" : String.format(Locale.ROOT, " %,d kB WAL", m.walBytes() / 1024)));
        }
        sb.setLength(sb.length() - 1);
        return sb.append("]").toString();
    }

    /** {@code 512 kB}, {@code 3.4 MB}, {@code 12.1 GB}: byte counts for reports. */
    public static String bytes(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%,d kB", bytes / 1024);
        }
        double mb = bytes / (1024.0 * 1024);
        return mb < 1024 ? String.format(Locale.ROOT, "%,.1f MB", mb) : String.format(Locale.ROOT, "%,.1f GB", mb / 1024);
    }
}
