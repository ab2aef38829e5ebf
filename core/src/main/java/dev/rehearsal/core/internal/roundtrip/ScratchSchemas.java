package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.helper.UnwatchedUps;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.Connection;
import java.sql.SQLException;

/** Schemas at a given version, read from a scratch database that the migration tool takes up to it. */
final class ScratchSchemas {

    private ScratchSchemas() {
    }

    /**
     * The schema at {@code version}, from a scratch database of {@code provider} that {@code source}'s tool takes up
     * to it, dropped afterwards.
     */
    static SchemaSnapshot at(DatabaseProvider provider, MigrationSource source, MigrationVersion version) {
        try (EphemeralDatabase scratch = provider.createDatabase()) {
            MigrationTool scratchTool = source.open(scratch.dataSource(), scratch.dialect(), scratch::connectionDetails);
            UnwatchedUps.upTo(scratchTool, version);
            scratchTool.drainMessages();
            try (Connection c = scratch.dataSource().getConnection()) {
                return scratch.dialect().snapshot(c, scratchTool.ownTables());
            } catch (SQLException e) {
                throw new RehearsalException("Could not read the schema of " + scratch.name() + " at version " + version
                        + ": " + e.getMessage(), e);
            }
        }
    }
}
