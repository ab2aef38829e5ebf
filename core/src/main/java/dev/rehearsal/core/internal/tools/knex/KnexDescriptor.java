package dev.rehearsal.core.internal.tools.knex;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Knex: migrations with a knexfile above them, applied by Knex in a Node helper. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class KnexDescriptor implements ToolDescriptor {

    @Override
    public String format() {
        return "knex";
    }

    @Override
    public String layout() {
        return "<number>_<name>.js with a knexfile.js above them, through Knex's API";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return level == Claim.DECISIVE && KnexSource.recognizes(location.folder(), location.files());
    }

    @Override
    public MigrationSource source(MigrationLocation location) {
        return new KnexSource(location.folder(), location.settings().tool().knex(), location.settings().locks().migrationTimeout());
    }
}
