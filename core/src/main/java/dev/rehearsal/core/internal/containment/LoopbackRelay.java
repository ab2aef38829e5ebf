package dev.rehearsal.core.internal.containment;

import org.apiguardian.api.API;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The program that runs inside a tool's network namespace, in front of the tool: it listens where the tool was told
 * the throwaway server is (the loopback address and port), passes each connection through the Unix socket of
 * Rehearsal's {@link DatabaseGate} outside, then runs the tool and ends with its exit code. It uses nothing but the
 * JDK, so that it starts on the class path of the running Rehearsal, whatever that holds.
 *
 * <p>Arguments: {@code <gate socket> <port> -- <command...>}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LoopbackRelay {

    /** Every socket open, closed before the relay ends: a thread blocked in a socket holds up the JVM's exit. */
    private static final Set<Closeable> OPEN = ConcurrentHashMap.newKeySet();

    private LoopbackRelay() {
    }

    public static void main(String[] args) throws Exception {
        int separator = Arrays.asList(args).indexOf("--");
        if (separator != 2 || args.length < 4) {
            System.err.println("rehearsal: usage: LoopbackRelay <gate socket> <port> -- <command...>");
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
        Process tool;
        try {
            ProcessBuilder builder = new ProcessBuilder(Arrays.asList(args).subList(3, args.length)).inheritIO();
            for (String name : NetworkConfinement.JVM_OPTIONS) { // kept from the relay's JVM: the tool's own again
                String kept = builder.environment().remove(NetworkConfinement.KEPT + name);
                if (kept != null) {
                    builder.environment().put(name, kept);
                }
            }
            tool = builder.start();
        } catch (IOException e) {
            System.err.println("rehearsal: " + e.getMessage());
            System.exit(127); // as a shell says a program it cannot run
            return;
        }
        int exit = tool.waitFor();
        for (Closeable socket : OPEN) {
            try {
                socket.close();
            } catch (IOException e) {
                // ending anyway
            }
        }
        Runtime.getRuntime().halt(exit); // no shutdown work is left
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
