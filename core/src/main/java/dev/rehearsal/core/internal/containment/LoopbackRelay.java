package dev.rehearsal.core.internal.containment;

import org.apiguardian.api.API;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The program that runs in a tool's network namespace ({@link ContainedPlace}) while the tool's processes come and go:
 * it listens where the tool is told the throwaway server is (the loopback address and port) and passes each
 * connection through the Unix socket of the {@link DatabaseGate} of the process that is there now. On a line
 * {@code gate <socket>}, which Rehearsal writes before each process enters, it passes what it accepts from then on to
 * that gate and says {@code ready}; from the second such line on, it first closes every connection and its listening
 * sockets (with what waits in their backlog) and listens again, so nothing a process before left in flight reaches the
 * next one's gate (before the first, nothing was let through). It ends when its
 * standard input ends. It uses nothing but the JDK, so that it starts on the class path of the running Rehearsal,
 * whatever that holds.
 *
 * <p>Arguments: {@code <port>}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LoopbackRelay {

    /** Every socket open, closed before the relay listens again or ends. */
    private static final Set<Closeable> OPEN = ConcurrentHashMap.newKeySet();
    /** The threads accepting on the listening sockets: the port is free again once they have returned. */
    private static final List<Thread> ACCEPTING = new ArrayList<>();
    /** The gate connections go to; none (they are closed) until Rehearsal names one. */
    private static volatile Path gate;

    private LoopbackRelay() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("rehearsal: usage: LoopbackRelay <port>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        listen(port);
        System.out.println("ready");
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null; ) {
            if (line.startsWith("gate ")) {
                if (gate != null) { // before the first gate no process was there, and nothing was let through
                    closeAll();
                    gate = Path.of(line.substring("gate ".length()));
                    listen(port);
                } else {
                    gate = Path.of(line.substring("gate ".length()));
                }
                System.out.println("ready");
                System.out.flush();
            }
        }
        closeAll();
        Runtime.getRuntime().halt(0); // no shutdown work is left
    }

    /** Listens on the loopback's {@code port}, IPv4 and, where the namespace has it, IPv6. */
    private static void listen(int port) {
        for (String address : List.of("127.0.0.1", "::1")) {
            try {
                ServerSocket socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(address), port), 64);
                OPEN.add(socket);
                ACCEPTING.add(daemon(() -> accept(socket)));
            } catch (IOException e) {
                if (address.equals("127.0.0.1")) { // IPv6 may be off in the namespace; IPv4 loopback may not
                    System.err.println("rehearsal: could not listen on " + address + ":" + port + " in the tool's"
                            + " network namespace: " + e.getMessage());
                    System.exit(125);
                }
            }
        }
    }

    private static void closeAll() throws InterruptedException {
        for (Closeable socket : OPEN) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            OPEN.remove(socket);
        }
        // a thread blocked in accept holds the listening socket until it returns, and with it the port
        for (Thread thread : ACCEPTING) {
            thread.join(5_000);
        }
        ACCEPTING.clear();
    }

    private static void accept(ServerSocket listening) {
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
            Path to = gate; // the gate of the process there when it was accepted, closed once that one has ended
            if (to == null || listening.isClosed()) {
                try {
                    client.close();
                } catch (IOException e) {
                    // closed
                }
                continue;
            }
            daemon(() -> relay(client, to));
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
