package dev.rehearsal.core.internal.tools.sqitch;

import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Sqitch: sqitch.plan decides. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SqitchDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = ToolDescriptor.of("sqitch",
            "sqitch.plan with deploy/, revert/ and verify/ scripts",
            Claim.DECISIVE, location -> SqitchSource.recognizes(location.files()),
            location -> new SqitchSource(location.folder()));

    private SqitchDescriptor() {
    }
}
