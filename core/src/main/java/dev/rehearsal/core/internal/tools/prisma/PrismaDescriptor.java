package dev.rehearsal.core.internal.tools.prisma;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Prisma Migrate: a folder per migration. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PrismaDescriptor implements ToolDescriptor {

    @Override
    public String format() {
        return "prisma";
    }

    @Override
    public String layout() {
        return "<timestamp>_<name>/migration.sql, optional down.sql";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return level == Claim.FILE_NAMES && PrismaSource.recognizes(location.files());
    }

    @Override
    public MigrationSource source(MigrationLocation location) {
        return new PrismaSource(location.folder());
    }
}
