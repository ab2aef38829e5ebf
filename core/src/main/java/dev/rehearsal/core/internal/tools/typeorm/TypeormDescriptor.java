package dev.rehearsal.core.internal.tools.typeorm;

import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import org.apiguardian.api.API;

/**
 * TypeORM: {@code <timestamp>-<Name>.js} migration classes with the project's DataSource module above them, applied
 * by the project's TypeORM in a Node helper.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class TypeormDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = ToolDescriptor.of("typeorm",
            "<timestamp>-<Name>.js migration classes with a data-source.js above them, through TypeORM's DataSource",
            Claim.DECISIVE, location -> TypeormSource.recognizes(location.folder(), location.files()),
            location -> new TypeormSource(location.folder(), location.settings().locks().migrationTimeout())
                    .processes(location.settings().tool()));

    private TypeormDescriptor() {
    }
}
