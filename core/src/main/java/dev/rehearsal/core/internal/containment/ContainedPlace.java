package dev.rehearsal.core.internal.containment;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Engine;
import org.apiguardian.api.API;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The namespaces a tool's processes run in: made once (the loopback brought up, the sockets covered, the
 * {@link LoopbackRelay} started as their init behind a {@link DatabaseGate}), then entered by each process in turn
 * with {@code nsenter}: first the namespaces' owning user namespace with the network, mount and PID namespaces, then
 * the nested user namespace the relay runs in, where the process is the user Rehearsal runs as, with no capability
 * over the namespaces above. When a process ends, the relay kills every process it left in the namespaces before the
 * next one enters: one process's processes, sessions and sockets never reach the next, as two runs of a tool in
 * production share nothing but the machine's files.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ContainedPlace implements AutoCloseable {

    /** How long the namespaces and the relay may take to be ready, and a sweep to answer. */
    private static final long READY_SECONDS = 20;
    /** How long a process waits for the one before it to be swept out. */
    private static final long ENTRY_SECONDS = 10;
    private static final int KEPT_ERROR_CHARS = 4_000;

    private final Engine engine;
    private final int port;
    private final DatabaseGate gate;
    private final Process holder;
    private final long relay;
    private final OutputStream control;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final StringBuilder errors = new StringBuilder();
    /** The databases the process inside may reach, asked by the gate at each session. */
    private volatile Supplier<List<ConnectionDetails>> handed = List::of;
    private boolean occupied;
    private boolean broken;

    private ContainedPlace(Engine engine, int port) throws IOException {
        this.engine = engine;
        this.port = port;
        this.gate = new DatabaseGate(engine, () -> handed.get());
        try {
            ProcessBuilder builder = new ProcessBuilder(NetworkConfinement.holder(gate.socket(),
                    CoveredSockets.find(), port));
            builder.environment().keySet().retainAll(List.of("PATH")); // the relay's JVM takes none of the user's
            holder = builder.start();
        } catch (IOException | RuntimeException e) {
            gate.close();
            throw e;
        }
        control = holder.getOutputStream();
        daemon("rehearsal-place-answers", () -> read(holder.getInputStream(), answers));
        daemon("rehearsal-place-errors", () -> keep(holder.getErrorStream()));
        String first = next(READY_SECONDS);
        Optional<ProcessHandle> init = holder.children().findFirst();
        if (!"ready".equals(first) || init.isEmpty()) {
            close();
            throw new IOException("the namespaces' relay did not start" + said());
        }
        relay = init.get().pid();
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
        return !broken && this.engine == engine && this.port == port && holder.isAlive();
    }

    /**
     * Rewrites {@code builder}'s command so the process enters the namespaces, reaching only the databases
     * {@code handed} names when each session starts; waits for the process before it to be swept out first. The
     * caller starts the process and calls {@link #leave} once it has ended.
     *
     * @throws IOException where the namespaces are gone or another process is still inside
     */
    synchronized void enter(ProcessBuilder builder, Supplier<List<ConnectionDetails>> handed) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ENTRY_SECONDS);
        try {
            while (occupied && !broken && System.nanoTime() < deadline) {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to enter the tool's namespaces");
        }
        if (occupied || broken || !holder.isAlive()) {
            throw new IOException("the tool's namespaces are " + (occupied ? "in use" : "gone") + said());
        }
        String directory = (builder.directory() == null ? Path.of("").toAbsolutePath()
                : builder.directory().toPath().toAbsolutePath()).toString();
        String nsenter = NetworkConfinement.program("nsenter");
        String outer = "/proc/" + holder.pid() + "/ns/";
        List<String> command = new ArrayList<>(List.of(nsenter, "--user=" + outer + "user",
                "--preserve-credentials", "--net=" + outer + "net", "--mount=" + outer + "mnt",
                "--pid=/proc/" + relay + "/ns/pid", "--wd=" + directory, "--",
                nsenter, "--target", "1", "--user", "--preserve-credentials", "--"));
        command.addAll(builder.command());
        builder.command(command);
        this.handed = handed;
        occupied = true;
    }

    /**
     * After the process that entered last has ended: kills what it left in the namespaces, then lets the next one
     * in. Where the relay cannot make sure none is left, the namespaces are ended and the next process gets new ones.
     */
    void leave() {
        boolean swept;
        try {
            synchronized (control) {
                control.write("sweep\n".getBytes(StandardCharsets.US_ASCII));
                control.flush();
                swept = "swept".equals(next(READY_SECONDS));
            }
        } catch (IOException e) {
            swept = false;
        }
        synchronized (this) {
            occupied = false;
            broken |= !swept;
            notifyAll();
        }
        if (!swept) {
            close();
        }
    }

    /** The sessions the gate refused since the last call, one line each. */
    List<String> takeRefusals() {
        return gate.takeRefusals();
    }

    /** Ends the relay, and with it every process in the namespaces, and closes the gate. */
    @Override
    public void close() {
        synchronized (this) {
            broken = true;
            notifyAll();
        }
        try {
            control.close(); // the relay ends at the end of its input
        } catch (IOException e) {
            // ended below
        }
        try {
            if (!holder.waitFor(5, TimeUnit.SECONDS)) {
                holder.destroyForcibly(); // unshare's --kill-child ends the relay with it
                holder.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            holder.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        gate.close();
    }

    /** The relay's next line, or null where it said none within {@code seconds}. */
    private String next(long seconds) throws IOException {
        try {
            return answers.poll(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the tool's namespaces");
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

    private static void read(InputStream in, BlockingQueue<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the relay ended
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
