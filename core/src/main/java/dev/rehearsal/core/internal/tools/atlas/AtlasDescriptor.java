package dev.rehearsal.core.internal.tools.atlas;

import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/**
 * Atlas's own format: numbered SQL files with atlas.sum, claimed only where no tool knows the names (Atlas also
 * writes other tools' formats).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AtlasDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = ToolDescriptor.of("atlas",
            "<version>_<name>.sql with atlas.sum; Atlas's golang-migrate, flyway and dbmate formats are read as those"
                    + " layouts, their atlas.sum checked",
            Claim.FALLBACK, location -> AtlasSource.recognizes(location.files()),
            location -> new AtlasSource(location.folder()));

    private AtlasDescriptor() {
    }
}
