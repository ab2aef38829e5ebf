package dev.rehearsal.core.internal.tools.command;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Any tool through its own commands, claimed where the settings name them. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CommandDescriptor implements ToolDescriptor {

    @Override
    public String format() {
        return "command";
    }

    @Override
    public String layout() {
        return "any tool through its own command: <number>_<name> files applied by rehearsal.command.up, .down and .current";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return level == Claim.CONFIGURED && location.settings().tool().command().configured();
    }

    @Override
    public MigrationSource source(MigrationLocation location) {
        return new CommandSource(location.folder(), location.settings().tool().command(), location.settings().locks().migrationTimeout());
    }
}
