package dev.rehearsal.core.internal.containment;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Engine;
import org.apiguardian.api.API;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@link ContainedPlace} a tool keeps for the processes it starts one after another during a rehearsal (a
 * migration command's, phase after phase): made when the first contained process starts, made anew where it broke or
 * no longer fits (another server's port), ended with the tool's source. Making the namespaces and starting their relay
 * costs a JVM's start; entering them costs an {@code nsenter}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class KeptPlace implements AutoCloseable {

    private ContainedPlace place;
    private boolean closed;

    /**
     * Rewrites {@code builder}'s command to enter the kept place (made now where there is none that fits), reaching
     * the databases {@code handed} names; empty once this is closed, or where the place is in use.
     */
    synchronized Optional<ContainedPlace> enter(ProcessBuilder builder, Engine engine, int port,
                                                Supplier<List<ConnectionDetails>> handed) throws IOException {
        if (closed) {
            return Optional.empty();
        }
        if (place != null && !place.fits(engine, port)) {
            place.close();
            place = null;
        }
        if (place == null) {
            place = ContainedPlace.open(engine, port);
        }
        try {
            place.enter(builder, handed);
        } catch (IOException e) {
            return Optional.empty(); // still in use by a process that has not ended: that one keeps it
        }
        return Optional.of(place);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (place != null) {
            place.close();
            place = null;
        }
    }
}
