package dev.rehearsal.core.internal.tools.atlas;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Atlas's own format: numbered SQL files with atlas.sum, claimed only where no tool knows the names (Atlas also writes other tools' formats). */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AtlasDescriptor implements ToolDescriptor {

    @Override
    public String format() {
        return "atlas";
    }

    @Override
    public String layout() {
        return "<version>_<name>.sql with atlas.sum; Atlas's golang-migrate, flyway and dbmate formats are read as those layouts, their atlas.sum checked";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return level == Claim.FALLBACK && AtlasSource.recognizes(location.files());
    }

    @Override
    public MigrationSource source(MigrationLocation location) {
        return new AtlasSource(location.folder());
    }
}
