package dev.rehearsal.core.internal.tools.django;

import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/** Django: an app's migrations below manage.py, applied by Django's migrate in a Python helper. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DjangoDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = ToolDescriptor.of("django",
            "an app's migrations folder below manage.py, through Django's migrate",
            Claim.DECISIVE, location -> DjangoSource.recognizes(location.folder(), location.files()),
            location -> new DjangoSource(location.folder(),
                    location.settings().tool().django(), location.settings().locks().migrationTimeout())
                    .processes(location.settings().tool()));

    private DjangoDescriptor() {
    }
}
