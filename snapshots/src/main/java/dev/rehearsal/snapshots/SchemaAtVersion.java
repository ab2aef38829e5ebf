package dev.rehearsal.snapshots;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.SchemaCheck;
import dev.rehearsal.core.schema.SchemaDdl;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

/**
 * The schema at one migration version, read from a scratch database, with the golden files it belongs to: what
 * {@code rehearsal.schemaAt("5")} returns, for {@code assertThat(...).matchesGolden()} or for reading its DDL.
 *
 * @param migration the migration whose up the schema is the result of
 * @param schema    the schema, the tool's history table left out
 * @param ddl       the schema as the golden file writes it
 * @param golden    the golden files to compare with
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record SchemaAtVersion(Migration migration, SchemaSnapshot schema, SchemaDdl ddl, GoldenSchemas golden) {

    /**
     * Compares the schema with its version's golden file, writing the file as the golden files' mode allows (a missing
     * file locally, a differing one in update mode, nothing on CI).
     *
     * @return a passed outcome (with a note when a file was written), or a failure naming the file and the difference
     */
    public SchemaCheck.Outcome compareWithGolden() {
        return golden.outcome(migration, golden.compare(migration, ddl));
    }
}
