package dev.rehearsal.core.internal.tools.knex;

import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Knex: migrations with a knexfile above them, applied by Knex in a Node helper. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class KnexDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = ToolDescriptor.of("knex",
            "<number>_<name>.js with a knexfile.js above them, through Knex's API",
            Claim.DECISIVE, location -> KnexSource.recognizes(location.folder(), location.files()),
            location -> new KnexSource(location.folder(),
                    location.settings().tool().knex(), location.settings().locks().migrationTimeout())
                    .processes(location.settings().tool()));

    private KnexDescriptor() {
    }
}
