package dev.rehearsal.core.internal.tools.golangmigrate;

import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** golang-migrate: numbered up and down files, told apart by their names. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class GolangMigrateDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = ToolDescriptor.of("golang-migrate",
            "<version>_<name>.up.sql and .down.sql",
            Claim.FILE_NAMES, location -> GolangMigrateSource.recognizes(location.files()),
            location -> new GolangMigrateSource(location.folder()));

    private GolangMigrateDescriptor() {
    }
}
