package dev.rehearsal.core.internal.containment;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Engine;
import org.apiguardian.api.API;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The network a tool's processes run in: a user and network namespace made once, where only the loopback exists and
 * the {@link LoopbackRelay} listens where the tool is told the throwaway server is. Each process enters it
 * ({@code nsenter}) and gets mount and PID namespaces of its own, with the sockets found at that moment covered, and
 * runs in a session of its own and a nested user namespace as the user Rehearsal runs as. Each entry has a
 * {@link DatabaseGate} of its own, which admits only the databases handed to that process and is closed, with every
 * session through it, once the process has ended; before the next process enters, the relay drops every connection
 * and what waits to be accepted. So what one process leaves running ends with its PID namespace, and nothing it left
 * in flight reaches the next one's databases. Making the place costs a JVM's start (the relay); entering it, a few
 * small processes.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ContainedPlace implements AutoCloseable {

    /** How long the namespaces and the relay may take to be ready, and to listen again for an entry. */
    private static final long READY_SECONDS = 20;
    /** How long a process waits for the one before it to leave. */
    private static final long ENTRY_SECONDS = 10;
    private static final int KEPT_ERROR_CHARS = 4_000;
    /** What the reader of the relay's output queues when the output ends (compared by identity). */
    private static final String ENDED = new String("the relay's output ended");

    private final Engine engine;
    private final int port;
    private final Process relay;
    private final BlockingQueue<String> said = new LinkedBlockingQueue<>();
    private final StringBuilder errors = new StringBuilder();
    /** The gate of the process inside, or null. */
    private DatabaseGate occupant;
    private boolean closed;

    private ContainedPlace(Engine engine, int port) throws IOException {
        this.engine = engine;
        this.port = port;
        ProcessBuilder builder = new ProcessBuilder(NetworkConfinement.place(port));
        builder.environment().keySet().retainAll(List.of("PATH")); // the relay's JVM takes none of the user's
        relay = builder.start();
        daemon("rehearsal-place-output", () -> read(relay.getInputStream()));
        daemon("rehearsal-place-errors", () -> keep(relay.getErrorStream()));
        try {
            if (!ready()) {
                throw new IOException("the relay in the tool's network namespace did not start" + said());
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Makes the namespaces for a tool told that its server listens on {@code port} of the loopback.
     *
     * @throws IOException where the namespaces or the relay cannot be made, with what the relay said
     */
    static ContainedPlace open(Engine engine, int port) throws IOException {
        return new ContainedPlace(engine, port);
    }

    /** Whether a process of a tool told about {@code port}, speaking {@code engine}'s protocol, can enter. */
    synchronized boolean fits(Engine engine, int port) {
        return !closed && this.engine == engine && this.port == port && relay.isAlive();
    }

    /**
     * Rewrites {@code builder}'s command so the process enters, through a gate of its own that admits only the
     * databases {@code handed} names when each session starts; waits for the process before it to leave first. The
     * caller starts the process and calls {@link #leave} with the gate once it has ended.
     *
     * @return the process's gate; empty where the place is closed or broken, or still in use after a wait
     * @throws IOException where the gate cannot be made; {@link InterruptedIOException} where the thread was
     *                     interrupted
     */
    synchronized Optional<DatabaseGate> enter(ProcessBuilder builder, Supplier<List<ConnectionDetails>> handed)
            throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ENTRY_SECONDS);
        try {
            while (occupant != null && !closed && System.nanoTime() < deadline) {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to enter the tool's namespaces");
        }
        if (occupant != null || closed || !relay.isAlive()) {
            return Optional.empty();
        }
        DatabaseGate gate = new DatabaseGate(engine, handed);
        try {
            said.clear();
            relay.getOutputStream().write(("gate " + gate.socket() + "\n").getBytes(StandardCharsets.UTF_8));
            relay.getOutputStream().flush();
            if (!ready()) {
                throw new IOException("the relay in the tool's network namespace did not listen again" + said());
            }
        } catch (IOException | RuntimeException e) {
            gate.close();
            closed = true; // broken: the next process gets another place
            throw e;
        }
        try {
            List<String> command = new ArrayList<>(NetworkConfinement.entrant(relay.pid(), CoveredSockets.find()));
            command.addAll(builder.command());
            builder.command(command);
        } catch (IOException | RuntimeException e) {
            gate.close();
            throw e;
        }
        occupant = gate;
        return Optional.of(gate);
    }

    /**
     * Once the process that entered with {@code gate} has ended (and with its PID namespace every process it
     * started): closes the gate, with every session through it, and lets the next process in.
     */
    void leave(DatabaseGate gate) {
        gate.close();
        synchronized (this) {
            if (occupant == gate) {
                occupant = null;
            }
            notifyAll();
        }
    }

    /** Ends the relay, and closes the gate of the process inside, if any. */
    @Override
    public void close() {
        DatabaseGate inside;
        synchronized (this) {
            closed = true;
            inside = occupant;
            notifyAll();
        }
        if (inside != null) {
            inside.close();
        }
        try {
            relay.getOutputStream().close(); // the relay ends at the end of its input
            if (!relay.waitFor(5, TimeUnit.SECONDS)) {
                relay.destroyForcibly();
            }
        } catch (IOException e) {
            relay.destroyForcibly();
        } catch (InterruptedException e) {
            relay.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the relay said {@code ready} in time; any other line on its output (a message of its JVM) is passed
     * over, and its output's end answers at once.
     */
    private boolean ready() throws InterruptedIOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        try {
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                String line = said.poll(left, TimeUnit.NANOSECONDS);
                if (line == null || line == ENDED) {
                    return false;
                }
                if (line.equals("ready")) {
                    return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the tool's namespaces");
        }
    }

    /** What the relay and the shell before it wrote to standard error, for a message. */
    private String said() {
        String text;
        synchronized (errors) {
            text = errors.toString().strip();
        }
        return text.isEmpty() ? "" : ": " + text.replaceAll("\\s*\\n\\s*", "; ");
    }

    private void read(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                said.add(line);
            }
        } catch (IOException e) {
            // the relay ended
        }
        said.add(ENDED);
    }

    private void keep(InputStream in) {
        byte[] buffer = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (errors) {
                    errors.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    if (errors.length() > KEPT_ERROR_CHARS) {
                        errors.delete(0, errors.length() - KEPT_ERROR_CHARS);
                    }
                }
            }
        } catch (IOException e) {
            // the relay ended
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }
}
