package dev.rehearsal.core.internal.tools.command;

import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Any tool through its own commands, claimed where the settings name them. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CommandDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = ToolDescriptor.of("command",
            "any tool through its own command: <number>_<name> files applied by rehearsal.command.up, .down and"
                    + " .current",
            Claim.CONFIGURED, location -> location.settings().tool().command().configured(),
            location -> new CommandSource(location.folder(),
                    location.settings().tool().command(), location.settings().locks().migrationTimeout())
                    .processes(location.settings().tool()));

    private CommandDescriptor() {
    }
}
