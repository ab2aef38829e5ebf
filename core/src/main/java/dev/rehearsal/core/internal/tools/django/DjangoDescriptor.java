package dev.rehearsal.core.internal.tools.django;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Django: an app's migrations below manage.py, applied by Django's migrate in a Python helper. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DjangoDescriptor implements ToolDescriptor {

    @Override
    public String format() {
        return "django";
    }

    @Override
    public String layout() {
        return "an app's migrations folder below manage.py, through Django's migrate";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return level == Claim.DECISIVE && DjangoSource.recognizes(location.folder(), location.files());
    }

    @Override
    public MigrationSource source(MigrationLocation location) {
        return new DjangoSource(location.folder(), location.settings().tool().django(), location.settings().locks().migrationTimeout());
    }
}
