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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The network a tool's processes run in: a user and network namespace made once, where only the loopback exists and
 * the {@link LoopbackRelay} listens where the tool is told the throwaway server is, passing each session to a
 * {@link DatabaseGate}. Each process enters it ({@code nsenter}) and gets mount and PID namespaces of its own, with
 * the sockets found at that moment covered, and runs in a nested user namespace as the user Rehearsal runs as: what
 * one process leaves running ends with its PID namespace, and the sessions it left open through the gate are closed
 * before the next process enters. Making the place costs a JVM's start (the relay); entering it, a few small
 * processes.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ContainedPlace implements AutoCloseable {

    /** How long the namespaces and the relay may take to be ready. */
    private static final long READY_SECONDS = 20;
    /** How long a process waits for the one before it to leave. */
    private static final long ENTRY_SECONDS = 10;
    private static final int KEPT_ERROR_CHARS = 4_000;

    private final Engine engine;
    private final int port;
    private final DatabaseGate gate;
    private final Process relay;
    private final StringBuilder errors = new StringBuilder();
    /** The databases the process inside may reach, asked by the gate at each session. */
    private volatile Supplier<List<ConnectionDetails>> handed = List::of;
    private boolean occupied;
    private boolean closed;

    private ContainedPlace(Engine engine, int port) throws IOException {
        this.engine = engine;
        this.port = port;
        this.gate = new DatabaseGate(engine, () -> handed.get());
        try {
            ProcessBuilder builder = new ProcessBuilder(NetworkConfinement.place(gate.socket(), port));
            builder.environment().keySet().retainAll(List.of("PATH")); // the relay's JVM takes none of the user's
            relay = builder.start();
        } catch (IOException | RuntimeException e) {
            gate.close();
            throw e;
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        daemon("rehearsal-place-ready", () -> ready.complete(firstLine(relay.getInputStream())));
        daemon("rehearsal-place-errors", () -> keep(relay.getErrorStream()));
        String first;
        try {
            first = ready.get(READY_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the tool's namespaces were made");
        } catch (ExecutionException | TimeoutException e) {
            first = null;
        }
        if (!"ready".equals(first)) {
            close();
            throw new IOException("the relay in the tool's network namespace did not start" + said());
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
     * Rewrites {@code builder}'s command so the process enters, reaching only the databases {@code handed} names when
     * each session starts; waits for the process before it to leave first. The caller starts the process and calls
     * {@link #leave} once it has ended.
     *
     * @return false where the place is closed, or still in use after a wait
     * @throws InterruptedIOException where the thread was interrupted while it waited
     */
    synchronized boolean enter(ProcessBuilder builder, Supplier<List<ConnectionDetails>> handed) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ENTRY_SECONDS);
        try {
            while (occupied && !closed && System.nanoTime() < deadline) {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to enter the tool's namespaces");
        }
        if (occupied || closed || !relay.isAlive()) {
            return false;
        }
        List<String> command = new ArrayList<>(NetworkConfinement.entrant(relay.pid(), gate.socket(),
                CoveredSockets.find()));
        command.addAll(builder.command());
        builder.command(command);
        this.handed = handed;
        occupied = true;
        return true;
    }

    /**
     * Once the process that entered last has ended (and with its PID namespace every process it started): closes the
     * sessions it left open through the gate, then lets the next process in.
     */
    void leave() {
        gate.closeSessions();
        synchronized (this) {
            occupied = false;
            notifyAll();
        }
    }

    /** The sessions the gate refused since the last call, one line each. */
    List<String> takeRefusals() {
        return gate.takeRefusals();
    }

    /** Ends the relay and closes the gate, with every session through it. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
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
        gate.close();
    }

    /** What the relay and the shell before it wrote to standard error, for a message. */
    private String said() {
        String text;
        synchronized (errors) {
            text = errors.toString().strip();
        }
        return text.isEmpty() ? "" : ": " + text.replaceAll("\\s*\\n\\s*", "; ");
    }

    private static String firstLine(InputStream in) {
        try {
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            return null; // the relay ended
        }
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
