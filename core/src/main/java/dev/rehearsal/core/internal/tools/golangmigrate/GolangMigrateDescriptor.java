package dev.rehearsal.core.internal.tools.golangmigrate;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** golang-migrate: numbered up and down files, told apart by their names. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class GolangMigrateDescriptor implements ToolDescriptor {

    @Override
    public String format() {
        return "golang-migrate";
    }

    @Override
    public String layout() {
        return "<version>_<name>.up.sql and .down.sql";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return level == Claim.FILE_NAMES && GolangMigrateSource.recognizes(location.files());
    }

    @Override
    public MigrationSource source(MigrationLocation location) {
        return new GolangMigrateSource(location.folder());
    }
}
