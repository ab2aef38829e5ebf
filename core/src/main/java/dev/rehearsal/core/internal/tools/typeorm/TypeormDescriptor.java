package dev.rehearsal.core.internal.tools.typeorm;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/**
 * TypeORM: {@code <timestamp>-<Name>.js} migration classes with the project's DataSource module above them, applied
 * by the project's TypeORM in a Node helper.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class TypeormDescriptor implements ToolDescriptor {

    @Override
    public String format() {
        return "typeorm";
    }

    @Override
    public String layout() {
        return "<timestamp>-<Name>.js migration classes with a data-source.js above them, through TypeORM's DataSource";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return level == Claim.DECISIVE && TypeormSource.recognizes(location.folder(), location.files());
    }

    @Override
    public MigrationSource source(MigrationLocation location) {
        return new TypeormSource(location.folder(), location.settings().locks().migrationTimeout());
    }
}
