package dev.rehearsal.snapshots;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * What a data snapshot file says about itself: its format, the engine and the migration version it was taken at, the
 * tables with their columns and row counts, which columns were masked and how, and the schema as DDL.
 *
 * @param format     the file format (this Rehearsal writes {@value DataSnapshot#FORMAT})
 * @param engine     {@code PostgreSQL} or {@code MariaDB}
 * @param version    the migration version the database's history table recorded
 * @param migration  that migration's name ({@code V8 contract customer full name})
 * @param capturedAt when the capture's transaction started (ISO-8601, UTC)
 * @param tables     the tables in load order (parents first where the references allow)
 * @param masked     {@code table.column} to the masking rule applied ({@code email}, {@code text}...)
 * @param subset     how rows were chosen ({@code everything}, or the start tables and their conditions)
 * @param schema     the schema at capture, as normalised DDL (as a golden file writes it)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record SnapshotManifest(int format, String engine, String version, String migration, String capturedAt,
                               List<Table> tables, Map<String, String> masked, String subset, String schema) {

    public SnapshotManifest {
        tables = List.copyOf(tables);
        masked = Map.copyOf(masked);
    }

    /** Rows in the snapshot, over all tables. */
    public long rows() {
        return tables.stream().mapToLong(Table::rows).sum();
    }

    /**
     * One table's data in the file.
     *
     * @param name    the table ({@code orders}, {@code audit.log} outside the default schema)
     * @param entry   the file's entry holding its rows (CSV with a header line)
     * @param columns the columns, in the CSV's order
     * @param binary  the columns written as hex (binary data)
     * @param rows    how many rows the entry holds
     */
    public record Table(String name, String entry, List<String> columns, List<String> binary, long rows) {
        public Table {
            columns = List.copyOf(columns);
            binary = List.copyOf(binary);
        }
    }
}
