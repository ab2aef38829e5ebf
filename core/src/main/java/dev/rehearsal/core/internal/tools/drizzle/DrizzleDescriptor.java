package dev.rehearsal.core.internal.tools.drizzle;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Drizzle Kit: its journal decides (its <tag>.down.sql files would otherwise look like golang-migrate's). */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DrizzleDescriptor implements ToolDescriptor {

    @Override
    public String format() {
        return "drizzle";
    }

    @Override
    public String layout() {
        return "meta/_journal.json and <tag>.sql files cut at --> statement-breakpoint";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return level == Claim.DECISIVE && DrizzleSource.recognizes(location.files());
    }

    @Override
    public MigrationSource source(MigrationLocation location) {
        return new DrizzleSource(location.folder());
    }
}
