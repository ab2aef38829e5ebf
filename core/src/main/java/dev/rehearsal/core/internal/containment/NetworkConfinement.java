package dev.rehearsal.core.internal.containment;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Engine;
import org.apiguardian.api.API;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Runs a tool's process contained, where Linux lets the user make namespaces (as root, or with unprivileged user
 * namespaces): in a network namespace of its own whose only way out is Rehearsal's {@link DatabaseGate}, and a mount
 * namespace in which every Unix socket a server listens on (a local PostgreSQL's {@code /run/postgresql}, MariaDB's
 * {@code mysqld.sock}) is hidden. In the namespace, a {@link LoopbackRelay} listens where the tool was told the
 * throwaway server is, so the tool connects as it was told; a connection to any other host, port or socket fails,
 * and one to another database of the throwaway server is refused by the gate before it reaches the server.
 *
 * <p>Where namespaces cannot be made, or the throwaway server is not on this machine's loopback, the process runs
 * as before, guarded only (the session and driver guards), and {@link #availability} says why.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class NetworkConfinement {

    /** What the shell in the namespace does before it starts the relay: the loopback up, the sockets hidden. */
    private static final String SCRIPT = """
            ip=$1; mount=$2; n=$3; shift 3
            "$ip" link set lo up || { echo "rehearsal: could not bring up the loopback in the tool's network \
            namespace" >&2; exit 125; }
            while [ "$n" -gt 0 ]; do
              if [ -S "$1" ]; then
                "$mount" --bind /dev/null "$1" || { echo "rehearsal: could not hide the socket $1 from the tool" >&2; \
            exit 125; }
              fi
              shift; n=$((n-1))
            done
            exec "$@"
            """;

    private static volatile Availability probed;

    private NetworkConfinement() {
    }

    /**
     * Whether tool processes can be contained on this machine, and if not why and how to make them: probed once,
     * by making a namespace.
     */
    public record Availability(boolean contained, String reason) {
    }

    /** A contained process's gate: the sessions it refused, and closing it once the process has ended. */
    public static final class Confined implements AutoCloseable {
        private final DatabaseGate gate;

        private Confined(DatabaseGate gate) {
            this.gate = gate;
        }

        /** The sessions the gate refused since the last call, one line each. */
        public List<String> takeRefusals() {
            return gate.takeRefusals();
        }

        @Override
        public void close() {
            gate.close();
        }
    }

    /** Whether processes can be contained here (probed once per JVM). */
    public static Availability availability() {
        Availability known = probed;
        if (known == null) {
            known = probe();
            probed = known;
        }
        return known;
    }

    /**
     * Why a process of a tool bound to {@code database} would not be contained, or empty where it would be.
     */
    public static Optional<String> notContained(ConnectionDetails database) {
        Availability availability = availability();
        if (!availability.contained()) {
            return Optional.of(availability.reason());
        }
        if (!loopback(database.host())) {
            return Optional.of("the throwaway server, " + database.host() + ":" + database.port() + ", is not on"
                    + " this machine's loopback, and a contained tool reaches only the loopback");
        }
        return Optional.empty();
    }

    /**
     * Rewrites {@code builder}'s command so the process runs contained, reaching only the throwaway database that
     * {@code database} names when each session starts; the caller checks {@link #notContained} first.
     */
    public static Confined confine(ProcessBuilder builder, Engine engine, Supplier<ConnectionDetails> database)
            throws IOException {
        requireRunnable(builder);
        DatabaseGate gate = new DatabaseGate(engine, database);
        List<String> command = new ArrayList<>(unshare());
        command.addAll(List.of("/bin/sh", "-c", SCRIPT, "rehearsal-contained", find("ip").orElseThrow().toString(),
                find("mount").orElseThrow().toString()));
        List<String> hidden = listeningSockets().stream().filter(s -> !s.equals(gate.socket().toString())).toList();
        command.add(String.valueOf(hidden.size()));
        command.addAll(hidden);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx32m", "-cp",
                relayClassPath().orElseThrow(), LoopbackRelay.class.getName(), gate.socket().toString(),
                String.valueOf(database.get().port()), "--"));
        command.addAll(builder.command());
        builder.command(command);
        return new Confined(gate);
    }

    /**
     * Fails as {@link ProcessBuilder#start} would where the program cannot be run, before it is handed to the relay,
     * so the caller's message is the same contained or not.
     */
    private static void requireRunnable(ProcessBuilder builder) throws IOException {
        String program = builder.command().get(0);
        boolean found;
        if (program.contains("/")) {
            Path path = Path.of(program);
            found = Files.isExecutable(builder.directory() == null || path.isAbsolute() ? path
                    : builder.directory().toPath().resolve(path));
        } else {
            String searched = builder.environment().getOrDefault("PATH", "");
            found = Arrays.stream(searched.split(":")).filter(f -> !f.isBlank())
                    .anyMatch(f -> Files.isExecutable(Path.of(f, program)));
        }
        if (!found) {
            throw new IOException("Cannot run program \"" + program + "\": error=2, No such file or directory");
        }
    }

    private static Availability probe() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return new Availability(false, "namespaces are Linux's, and this is " + System.getProperty("os.name"));
        }
        for (String program : List.of("unshare", "ip", "mount")) {
            if (find(program).isEmpty()) {
                return new Availability(false, program + " is not installed (util-linux and iproute2 provide"
                        + " unshare, mount and ip)");
            }
        }
        if (relayClassPath().isEmpty()) {
            return new Availability(false, "Rehearsal's classes are not in a jar or folder a new JVM can load");
        }
        List<String> command = new ArrayList<>(unshare());
        command.addAll(List.of("/bin/sh", "-c", "\"$0\" link set lo up", find("ip").orElseThrow().toString()));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            boolean ended = process.waitFor(10, TimeUnit.SECONDS);
            String said = new String(process.getInputStream().readNBytes(2000), StandardCharsets.UTF_8).strip();
            if (!ended) {
                process.destroyForcibly();
                return new Availability(false, "making a network namespace did not finish within 10 seconds");
            }
            if (process.exitValue() != 0) {
                return new Availability(false, "this user may not make namespaces (" + said + "); as root, or with"
                        + " unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, and on Ubuntu"
                        + " kernel.apparmor_restrict_unprivileged_userns=0), tools run contained");
            }
            return new Availability(true, "contained");
        } catch (IOException e) {
            return new Availability(false, "unshare could not be started (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Availability(false, "the check was interrupted");
        }
    }

    /** {@code unshare} with a user namespace too where the user is not root: root keeps its own view of files. */
    private static List<String> unshare() {
        List<String> command = new ArrayList<>(List.of(find("unshare").orElseThrow().toString()));
        if (!root()) {
            command.add("--map-root-user");
        }
        command.addAll(List.of("--net", "--mount", "--propagation", "private", "--"));
        return command;
    }

    private static boolean root() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.split("\\s+")[2]).anyMatch("0"::equals);
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    /** Every Unix socket a process of this machine listens on, by path ({@code /proc/net/unix}). */
    static List<String> listeningSockets() {
        Set<String> paths = new TreeSet<>();
        try (Stream<String> lines = Files.lines(Path.of("/proc/net/unix"))) {
            lines.skip(1).map(l -> l.trim().split("\\s+")).filter(f -> f.length >= 8)
                    .filter(f -> f[3].equals("00010000") && f[7].startsWith("/")).forEach(f -> paths.add(f[7]));
        } catch (IOException e) {
            return List.of();
        }
        return List.copyOf(paths);
    }

    private static Optional<Path> find(String program) {
        List<String> folders = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(":")));
        folders.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        return folders.stream().filter(f -> !f.isBlank()).map(f -> Path.of(f, program))
                .filter(Files::isExecutable).findFirst();
    }

    private static Optional<String> relayClassPath() {
        try {
            var source = LoopbackRelay.class.getProtectionDomain().getCodeSource();
            return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()).toString());
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean loopback(String host) {
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1") || host.equals("[::1]");
    }
}
