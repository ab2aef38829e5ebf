package dev.rehearsal.core.internal.tools.dbmate;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** dbmate: one numbered file per migration with its up and down sections. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DbmateDescriptor implements ToolDescriptor {

    @Override
    public String format() {
        return "dbmate";
    }

    @Override
    public String layout() {
        return "<version>_<name>.sql with -- migrate:up and -- migrate:down sections";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return level == Claim.FILE_NAMES && DbmateSource.recognizes(location.files());
    }

    @Override
    public MigrationSource source(MigrationLocation location) {
        return new DbmateSource(location.folder());
    }
}
