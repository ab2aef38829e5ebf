package dev.rehearsal.core.internal.containment;

import org.apiguardian.api.API;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The program that runs first inside a tool's namespaces, as their init (process 1 of the PID namespace), and stays
 * while the tool's processes come and go ({@link ContainedPlace}): it listens where the tool is told the throwaway
 * server is (the loopback address and port) and passes each connection through the Unix socket of Rehearsal's
 * {@link DatabaseGate} outside. It says {@code ready} on its standard output once it listens; on a {@code sweep}
 * line it kills every other process in the namespace, and answers {@code swept} once none is left running; it ends
 * when its standard input ends, and the namespace's every process with it. It uses nothing but the JDK, so that it
 * starts on the class path of the running Rehearsal, whatever that holds.
 *
 * <p>Arguments: {@code <gate socket> <port>}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LoopbackRelay {

    /** Every socket open, closed before the relay ends: a thread blocked in a socket holds up the JVM's exit. */
    private static final Set<Closeable> OPEN = ConcurrentHashMap.newKeySet();
    /** How many times a sweep looks again for processes started while it killed the others. */
    private static final int SWEEP_PASSES = 50;

    private LoopbackRelay() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("rehearsal: usage: LoopbackRelay <gate socket> <port>");
            System.exit(2);
        }
        Path gate = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        List<ServerSocket> listening = new ArrayList<>();
        for (String address : List.of("127.0.0.1", "::1")) {
            try {
                ServerSocket socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getByName(address), port), 64);
                listening.add(socket);
                OPEN.add(socket);
            } catch (IOException e) {
                if (address.equals("127.0.0.1")) { // IPv6 may be off in the namespace; IPv4 loopback may not
                    System.err.println("rehearsal: could not listen on " + address + ":" + port + " in the tool's"
                            + " network namespace: " + e.getMessage());
                    System.exit(125);
                }
            }
        }
        for (ServerSocket socket : listening) {
            daemon(() -> accept(socket, gate));
        }
        PrintStream out = System.out;
        out.println("ready");
        out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null; ) {
            if (line.equals("sweep")) {
                out.println(sweep() ? "swept" : "not swept");
                out.flush();
            }
        }
        for (Closeable socket : OPEN) {
            try {
                socket.close();
            } catch (IOException e) {
                // ending anyway
            }
        }
        Runtime.getRuntime().halt(0); // no shutdown work is left; the kernel kills what is left in the namespace
    }

    /**
     * Kills every process in the namespace but this one (this is its init, so {@code /proc} lists the namespace's
     * processes only), looking again until none is left running: a process that starts another while it is being
     * killed leaves no survivor.
     *
     * @return whether none was left running after the last pass
     */
    private static boolean sweep() throws InterruptedException {
        long self = ProcessHandle.current().pid();
        for (int pass = 0; pass < SWEEP_PASSES; pass++) {
            List<Long> running = running(self);
            if (running.isEmpty()) {
                return true;
            }
            for (long pid : running) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            Thread.sleep(pass < 5 ? 1 : 20);
        }
        return running(self).isEmpty();
    }

    /** The namespace's processes other than {@code self} that are not yet dead (a zombie has ended). */
    private static List<Long> running(long self) {
        List<Long> running = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                if (pid != self && !ended(entry)) {
                    running.add(pid);
                }
            }
        } catch (IOException e) {
            System.err.println("rehearsal: the relay could not list the namespace's processes: " + e.getMessage());
        }
        return running;
    }

    /** Whether the process whose {@code /proc} folder this is has ended (a zombie, or gone meanwhile). */
    private static boolean ended(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            int end = stat.lastIndexOf(')'); // the command name in parentheses may hold anything
            char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
            return state == 'Z' || state == 'X';
        } catch (IOException e) {
            return true;
        }
    }

    private static void accept(ServerSocket listening, Path gate) {
        while (true) {
            Socket client;
            try {
                client = listening.accept();
            } catch (IOException e) {
                if (listening.isClosed()) {
                    return;
                }
                System.err.println("rehearsal: the relay could not accept a connection: " + e.getMessage());
                try {
                    Thread.sleep(50); // out of file descriptors, say: the next try after a pause
                } catch (InterruptedException interrupted) {
                    return;
                }
                continue;
            }
            daemon(() -> relay(client, gate));
        }
    }

    private static void relay(Socket client, Path gate) {
        OPEN.add(client);
        try (client; SocketChannel outside = SocketChannel.open(UnixDomainSocketAddress.of(gate))) {
            OPEN.add(outside);
            client.setTcpNoDelay(true);
            OutputStream toClient = client.getOutputStream();
            Thread back = daemon(() -> {
                Pipe.toStream(outside, toClient);
                try {
                    client.shutdownOutput();
                } catch (IOException e) {
                    // closed
                }
            });
            Pipe.toChannel(client.getInputStream(), outside);
            outside.shutdownOutput();
            back.join();
            OPEN.remove(outside);
        } catch (IOException e) {
            // the tool or the gate closed the connection: nothing to pass on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            OPEN.remove(client);
        }
    }

    private static Thread daemon(Runnable body) {
        Thread thread = new Thread(body, "rehearsal-relay");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
