package dev.rehearsal.core.internal.containment;

import org.apiguardian.api.API;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The program that runs in a tool's network namespace ({@link ContainedPlace}) while the tool's processes come and go:
 * it listens where the tool is told the throwaway server is (the loopback address and port) and passes each
 * connection through the Unix socket of Rehearsal's {@link DatabaseGate} outside. It says {@code ready} on its
 * standard output once it listens, and ends when its standard input ends. It uses nothing but the JDK, so that it
 * starts on the class path of the running Rehearsal, whatever that holds.
 *
 * <p>Arguments: {@code <gate socket> <port>}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LoopbackRelay {

    /** Every socket open, closed before the relay ends: a thread blocked in a socket holds up the JVM's exit. */
    private static final Set<Closeable> OPEN = ConcurrentHashMap.newKeySet();

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
        System.out.println("ready");
        System.out.flush();
        InputStream in = System.in;
        while (in.read() >= 0) {
            // nothing is asked of the relay: it serves until Rehearsal closes its input
        }
        for (Closeable socket : OPEN) {
            try {
                socket.close();
            } catch (IOException e) {
                // ending anyway
            }
        }
        Runtime.getRuntime().halt(0); // no shutdown work is left
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
