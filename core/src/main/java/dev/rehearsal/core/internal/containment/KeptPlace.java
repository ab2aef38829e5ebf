package dev.rehearsal.core.internal.containment;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Engine;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@link ContainedPlace} a tool keeps for the processes it starts one after another during a rehearsal (a
 * migration command's, phase after phase): made when the first contained process starts, made anew where it broke or
 * no longer fits (another server's port), ended with the tool's source; once that is closed, each process gets a
 * place of its own. Making a place starts a JVM (the relay); entering one does not.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class KeptPlace implements AutoCloseable {

    private ContainedPlace place;
    private boolean closed;

    /**
     * Rewrites {@code builder}'s command to enter the kept place (made now where there is none that fits), reaching
     * the databases {@code handed} names; empty once this is closed, or where the place is still in use.
     */
    synchronized Optional<NetworkConfinement.Confined> enter(ProcessBuilder builder, Engine engine, int port,
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
        ContainedPlace entered = place;
        try {
            return entered.enter(builder, handed).map(gate -> new NetworkConfinement.Confined(entered, gate, false));
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            if (entered.fits(engine, port)) {
                throw e; // the place is sound: what failed was this process's (its gate, the sockets to cover)
            }
            place.close(); // broken: this process gets a place of its own, and the next one a new kept place
            place = null;
            return Optional.empty();
        }
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
