package dev.rehearsal.core.internal.tools.prisma;

import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Prisma Migrate: a folder per migration. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PrismaDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = ToolDescriptor.of("prisma",
            "<timestamp>_<name>/migration.sql, optional down.sql",
            Claim.FILE_NAMES, location -> PrismaSource.recognizes(location.files()),
            location -> new PrismaSource(location.folder()));

    private PrismaDescriptor() {
    }
}
