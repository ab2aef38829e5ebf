package dev.rehearsal.core.internal.tools.dbmate;

import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** dbmate: one numbered file per migration with its up and down sections. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DbmateDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = ToolDescriptor.of("dbmate",
            "<version>_<name>.sql with -- migrate:up and -- migrate:down sections",
            Claim.FILE_NAMES, location -> DbmateSource.recognizes(location.files()),
            location -> new DbmateSource(location.folder()));

    private DbmateDescriptor() {
    }
}
