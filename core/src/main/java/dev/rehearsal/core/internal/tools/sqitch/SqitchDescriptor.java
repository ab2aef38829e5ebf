package dev.rehearsal.core.internal.tools.sqitch;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Sqitch: sqitch.plan decides. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SqitchDescriptor implements ToolDescriptor {

    @Override
    public String format() {
        return "sqitch";
    }

    @Override
    public String layout() {
        return "sqitch.plan with deploy/, revert/ and verify/ scripts";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return level == Claim.DECISIVE && SqitchSource.recognizes(location.files());
    }

    @Override
    public MigrationSource source(MigrationLocation location) {
        return new SqitchSource(location.folder());
    }
}
