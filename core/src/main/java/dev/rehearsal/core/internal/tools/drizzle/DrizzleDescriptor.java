package dev.rehearsal.core.internal.tools.drizzle;

import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Drizzle Kit: its journal decides (its {@code <tag>.down.sql} files would otherwise look like golang-migrate's). */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DrizzleDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = ToolDescriptor.of("drizzle",
            "meta/_journal.json and <tag>.sql files cut at --> statement-breakpoint",
            Claim.DECISIVE, location -> DrizzleSource.recognizes(location.files()),
            location -> new DrizzleSource(location.folder()));

    private DrizzleDescriptor() {
    }
}
