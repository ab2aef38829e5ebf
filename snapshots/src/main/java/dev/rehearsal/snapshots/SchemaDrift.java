package dev.rehearsal.snapshots;

import dev.rehearsal.core.model.Migration;
import org.apiguardian.api.API;

/**
 * A live database compared with the golden file of the version its history table records: objects added by hand,
 * indexes dropped, columns changed since the migrations ran.
 *
 * @param database   how the database is named (a JDBC URL without its password)
 * @param migration  the last migration its history table records
 * @param comparison the schema against that migration's golden file
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record SchemaDrift(String database, Migration migration, GoldenComparison comparison) {

    /** Whether the database's schema differs from what its migrations built. */
    public boolean hasDrift() {
        return comparison.status() != GoldenComparison.Status.MATCHES;
    }

    /** A report for people: the database, its version, and each object that differs, with the diff. */
    public String describe() {
        if (!hasDrift()) {
            return database + " is at " + migration.displayName() + " and its schema matches " + comparison.file() + ".";
        }
        return database + " is at " + migration.displayName() + " but its schema differs from " + comparison.file()
                + ", which the migrations build:\n" + comparison.summary() + comparison.diff();
    }
}
