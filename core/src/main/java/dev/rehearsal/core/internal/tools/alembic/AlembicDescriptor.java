package dev.rehearsal.core.internal.tools.alembic;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Alembic: revision files applied by the project's Alembic in a Python helper, or committed offline SQL. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AlembicDescriptor implements ToolDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = new AlembicDescriptor();

    private AlembicDescriptor() {
    }

    @Override
    public String format() {
        return "alembic";
    }

    @Override
    public String layout() {
        return "versions/*.py revision files, or the offline SQL of alembic upgrade base:head --sql and alembic"
                + " downgrade head:base --sql";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return level == Claim.FILE_NAMES && AlembicOfflineSource.recognizesAny(location.files());
    }

    /** The offline SQL where it is there (preferred), else the revisions through the project's Alembic. */
    @Override
    public MigrationSource source(MigrationLocation location) {
        return AlembicOfflineSource.recognizes(location.files()) ? new AlembicOfflineSource(location.folder())
                : new AlembicSource(location.folder(), location.settings().tool().alembic(),
                location.settings().locks().migrationTimeout())
                        .processes(location.settings().tool());
    }
}
