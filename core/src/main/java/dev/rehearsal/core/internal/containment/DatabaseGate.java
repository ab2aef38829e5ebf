package dev.rehearsal.core.internal.containment;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The only way out of a contained tool's network namespace: a Unix socket, outside it, that passes connections on to
 * the throwaway server. On PostgreSQL it reads each connection's startup message first and admits only a session for
 * the throwaway database the tool was handed; any other gets a {@code FATAL} error (SQLState 28000) before anything
 * reaches the server, and is kept as a refusal for the step's result. On MariaDB it passes connections to the
 * throwaway server only (the database a session uses can change with {@code USE}: the session guard judges that).
 */
final class DatabaseGate implements AutoCloseable {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    private static final int PROTOCOL_MAJOR_3 = 3;
    /** A TLS handshake's first bytes, sent at once by a client that negotiates TLS directly (libpq 17+). */
    private static final int TLS_HANDSHAKE = 0x16;
    private static final int LONGEST_STARTUP = 10_000;

    private final Engine engine;
    private final Supplier<List<ConnectionDetails>> handed;
    private final Path directory;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final List<String> refusals = new ArrayList<>();
    private volatile boolean closed;

    /**
     * Opens the gate for sessions on the databases {@code handed} names (asked again for each session: it follows
     * restored copies; the first names the server), listening on a socket in a new private folder.
     */
    DatabaseGate(Engine engine, Supplier<List<ConnectionDetails>> handed) throws IOException {
        this.engine = engine;
        this.handed = handed;
        // under /tmp where there is one: a Unix socket's path is short (108 bytes), and java.io.tmpdir may be long
        Path parent = Files.isDirectory(Path.of("/tmp")) && Files.isWritable(Path.of("/tmp")) ? Path.of("/tmp")
                : Path.of(System.getProperty("java.io.tmpdir"));
        this.directory = Files.createTempDirectory(parent, "rehearsal-gate-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        this.socket = directory.resolve("gate.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
        Thread accepting = new Thread(this::accept, "rehearsal-gate");
        accepting.setDaemon(true);
        accepting.start();
    }

    /** Where the relay in the namespace connects. */
    Path socket() {
        return socket;
    }

    /** The sessions refused since the last call, each described in a line; the list is emptied. */
    synchronized List<String> takeRefusals() {
        List<String> taken = List.copyOf(refusals);
        refusals.clear();
        return taken;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                open.add(client);
                if (closed) { // closed meanwhile: its sessions were closed before this one was listed
                    client.close();
                    return;
                }
                Thread thread = new Thread(() -> serve(client), "rehearsal-gate-session");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return; // closed
                }
                pause(); // out of file descriptors, say: the tool's connection waits, and the next is tried
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            List<ConnectionDetails> databases = handed.get();
            ConnectionDetails server = databases.get(0);
            if (engine != Engine.POSTGRES) {
                pass(client, server, null);
                return;
            }
            while (true) {
                ByteBuffer packet = startupPacket(client);
                if (packet == null) {
                    return;
                }
                int code = packet.getInt(4);
                if (code == SSL_REQUEST || code == GSS_REQUEST) {
                    client.write(ByteBuffer.wrap(new byte[] {'N'})); // no encryption on the loopback: ask again
                    continue;
                }
                if (code == CANCEL_REQUEST) {
                    pass(client, server, packet); // it names a session by its secret key, not a database
                    return;
                }
                if (code >>> 16 != PROTOCOL_MAJOR_3) {
                    refuse(client, "an unknown protocol (" + code + ")", Map.of(), server);
                    return;
                }
                Map<String, String> parameters = parameters(packet);
                String asked = parameters.getOrDefault("database", parameters.getOrDefault("user", ""));
                String replication = parameters.getOrDefault("replication", "false").toLowerCase(Locale.ROOT);
                Optional<ConnectionDetails> admitted = databases.stream()
                        .filter(d -> d.database().equals(asked)).findFirst();
                if (!List.of("false", "off", "no", "0").contains(replication)) {
                    // a physical replication session reads every database of the server, whatever it names
                    refuse(client, "a replication session (replication=" + replication + ") on database \"" + asked
                            + "\"", parameters, server);
                } else if (admitted.isPresent()) {
                    pass(client, admitted.get(), packet);
                } else {
                    refuse(client, "database \"" + asked + "\"", parameters, server);
                }
                return;
            }
        } catch (IOException e) {
            // the tool or the server closed the connection
        } catch (RuntimeException e) { // the databases handed could not be told: the tool hears why
            try {
                error(client, "08006", "Rehearsal could not tell which database the contained tool may reach: "
                        + e.getMessage());
            } catch (IOException closed) {
                e.addSuppressed(closed);
            }
        } finally {
            open.remove(client);
        }
    }

    /** Connects to the throwaway server, sends what was read, and passes bytes both ways until either side ends. */
    private void pass(SocketChannel client, ConnectionDetails handed, ByteBuffer first) throws IOException {
        SocketChannel opened;
        try {
            opened = SocketChannel.open(new InetSocketAddress(handed.host(), handed.port()));
        } catch (IOException e) {
            if (engine == Engine.POSTGRES) { // the tool hears why, rather than a connection closed unanswered
                error(client, "08006", "Rehearsal could not reach the throwaway server " + handed.host() + ":"
                        + handed.port() + " for the contained tool: " + e.getMessage());
            }
            throw e;
        }
        open.add(opened);
        if (closed) {
            open.remove(opened);
            opened.close();
            return;
        }
        try (SocketChannel upstream = opened) {
            upstream.socket().setTcpNoDelay(true);
            if (first != null) {
                first.rewind();
                while (first.hasRemaining()) {
                    upstream.write(first);
                }
            }
            Thread back = new Thread(() -> {
                Pipe.between(upstream, client);
                try {
                    client.shutdownOutput();
                } catch (IOException e) {
                    // closed
                }
            }, "rehearsal-gate-back");
            back.setDaemon(true);
            back.start();
            Pipe.between(client, upstream);
            upstream.shutdownOutput();
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(opened);
        }
    }

    private void refuse(SocketChannel client, String asked, Map<String, String> parameters, ConnectionDetails handed)
            throws IOException {
        String application = parameters.getOrDefault("application_name", "");
        String refusal = asked + (parameters.containsKey("user") ? " as user \""
                + parameters.get("user") + "\"" : "") + (application.isEmpty() ? "" : " (application_name \""
                + application + "\")");
        synchronized (this) {
            refusals.add(refusal);
        }
        String message = "Rehearsal runs this migration tool contained: it may connect only to the throwaway"
                + " database \"" + handed.database() + "\", and the connection asked for " + refusal + ". Point the"
                + " code that opens it at the database Rehearsal hands the tool (DATABASE_URL, PGHOST, PGDATABASE),"
                + " or map the variable it reads to it (rehearsal.env.<NAME>=${url}).";
        error(client, "28000", message);
    }

    /** Sends PostgreSQL's {@code ErrorResponse} with severity FATAL, {@code sqlState} and {@code message}. */
    private static void error(SocketChannel client, String sqlState, String message) throws IOException {
        ByteBuffer body = StandardCharsets.UTF_8.encode(field('S', "FATAL") + field('V', "FATAL")
                + field('C', sqlState) + field('M', message) + "\0");
        ByteBuffer error = ByteBuffer.allocate(5 + body.remaining()).put((byte) 'E').putInt(4 + body.remaining())
                .put(body).flip();
        while (error.hasRemaining()) {
            client.write(error);
        }
    }

    private static String field(char code, String value) {
        return code + value.replace('\0', ' ') + "\0";
    }

    /** The next startup packet (its length included), or null where the tool closed or sent no startup packet. */
    private ByteBuffer startupPacket(SocketChannel client) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(4);
        if (!fill(client, length)) {
            return null;
        }
        if (length.get(0) == TLS_HANDSHAKE) {
            synchronized (this) { // the gate cannot read the database such a session names: it is refused
                refusals.add("a session that negotiated TLS directly (sslnegotiation=direct), whose database the"
                        + " gate cannot read: use sslmode=disable or prefer on the loopback");
            }
            return null;
        }
        int size = length.getInt(0);
        if (size < 8 || size > LONGEST_STARTUP) {
            return null; // not PostgreSQL's protocol: closed unanswered
        }
        ByteBuffer packet = ByteBuffer.allocate(size).putInt(size);
        return fill(client, packet) ? packet : null;
    }

    private static boolean fill(SocketChannel client, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (client.read(buffer) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The startup message's parameters: {@code user}, {@code database}, {@code application_name}... */
    private static Map<String, String> parameters(ByteBuffer packet) {
        byte[] bytes = packet.array();
        Map<String, String> parameters = new LinkedHashMap<>();
        int at = 8;
        while (at < bytes.length && bytes[at] != 0) {
            int nameEnd = endOf(bytes, at);
            int valueEnd = endOf(bytes, Math.min(nameEnd + 1, bytes.length));
            parameters.put(new String(bytes, at, nameEnd - at, StandardCharsets.UTF_8),
                    new String(bytes, Math.min(nameEnd + 1, valueEnd), Math.max(0, valueEnd - nameEnd - 1),
                            StandardCharsets.UTF_8));
            at = valueEnd + 1;
        }
        return parameters;
    }

    /** Where the zero-terminated string that starts at {@code from} ends (its terminator, or the end of the bytes). */
    private static int endOf(byte[] bytes, int from) {
        int end = from;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return end;
    }

    /**
     * Ends every session passing through the gate, on both sides: once the processes that opened them have ended, so
     * that none of their sessions outlives them. The gate keeps listening.
     */
    void closeSessions() {
        for (SocketChannel channel : open) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        closeSessions();
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // left in the temporary folder: nothing in it but a socket nobody listens on
        }
    }
}
