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
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a tool's process contained, where Linux lets the user make namespaces (as root, or with unprivileged user
 * namespaces). The process runs in a network namespace where only the loopback exists and whose only way out is a Unix
 * socket of Rehearsal's {@link DatabaseGate}: a {@link LoopbackRelay} there listens where the tool was told the
 * throwaway server is, so the tool connects as it was told. That network is a {@link ContainedPlace}, made once for the
 * processes a tool starts one after another in a rehearsal ({@link KeptPlace}), or for one process. Each process gets
 * mount and PID namespaces of its own: in the first every Unix socket Rehearsal finds as it starts is covered (those
 * any process it can see listens on, in any network namespace, and every socket file under {@code /run},
 * {@code /var/run}, {@code /tmp} and {@code /dev/shm}), so a local PostgreSQL's or MariaDB's socket, or Docker's,
 * cannot be reached; its {@code /proc} shows only its own processes, which end with it. It runs in a nested user
 * namespace as the user Rehearsal runs as, with no capability over the namespaces above: it cannot undo the covering,
 * enter Rehearsal's namespaces or the relay's, or reach Rehearsal's files through {@code /proc}.
 *
 * <p>Where namespaces cannot be made, or the throwaway server is not on this machine's loopback, the process runs
 * as before, guarded only (the session and driver guards), and {@link #notContained} says why.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class NetworkConfinement {

    /** What the shell in a place's namespaces does: the loopback up, then the relay. */
    private static final String PLACE = """
            ip=$1; shift
            "$ip" link set lo up || {
              echo "rehearsal: could not bring up the loopback in the tool's network namespace;" \
                "rehearsal.containment=guard runs tools guarded only" >&2; exit 125; }
            exec "$@"
            """;

    /**
     * What the shell in a process's own mount and PID namespaces does before the process runs: the listed sockets
     * covered, then the process in a nested user namespace as the user; the shell, the namespace's first process,
     * waits for it and ends with its status, and every process it left ends with the namespace.
     */
    private static final String ENTRANT = """
            mount=$1; unshare=$2; setsid=$3; uid=$4; gid=$5; n=$6; shift 6
            fail() { echo "rehearsal: $1; rehearsal.containment=guard runs tools guarded only" >&2; exit 125; }
            while [ "$n" -gt 0 ]; do
              if [ -S "$1" ]; then
                # a socket that went away meanwhile (another run's gate, closed) needs no cover
                "$mount" --bind /dev/null "$1" 2>/dev/null || [ ! -e "$1" ] || fail "could not cover the socket $1"
              fi
              shift; n=$((n-1))
            done
            # a session of its own: it cannot signal the process group of Rehearsal's JVM, nor reach a terminal
            "$setsid" --wait "$unshare" --user --map-user="$uid" --map-group="$gid" -- "$@"
            exit $?
            """;

    private static volatile Availability probed;

    private NetworkConfinement() {
    }

    /**
     * Whether tool processes can be contained on this machine, and if not why and how to make them: probed once,
     * by running a contained process.
     */
    public record Availability(boolean contained, String reason) {
    }

    /**
     * A contained process's gate: the sessions it refused, and, once the process has ended, the gate closed with
     * every session through it, and the place left for the next process (one a tool keeps) or ended (one made for this
     * process alone).
     */
    public static final class Confined implements AutoCloseable {
        private final ContainedPlace place;
        private final DatabaseGate gate;
        private final boolean own;

        Confined(ContainedPlace place, DatabaseGate gate, boolean own) {
            this.place = place;
            this.gate = gate;
            this.own = own;
        }

        /** The sessions the gate refused since the last call, one line each. */
        public List<String> takeRefusals() {
            return gate.takeRefusals();
        }

        @Override
        public void close() {
            place.leave(gate);
            if (own) {
                place.close();
            }
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
     * Rewrites {@code builder}'s command so the process runs contained, reaching only the throwaway databases
     * {@code handed} names when each session starts (the first one's server): in the place {@code kept} holds for
     * the tool's processes where it has one that fits, else in a place made for this process alone. The caller checks
     * {@link #notContained} first, and closes what this returns once the process has ended.
     *
     * @param kept the place a tool keeps for its processes, or null
     * @throws IOException where the program cannot be run (as {@link ProcessBuilder#start} would say), or the
     *                     namespaces cannot be made: the process is then not started contained
     */
    public static Confined confine(ProcessBuilder builder, Engine engine, Supplier<List<ConnectionDetails>> handed,
                                   KeptPlace kept) throws IOException {
        requireRunnable(builder);
        int port = handed.get().get(0).port();
        Optional<Confined> shared = kept == null ? Optional.empty() : kept.enter(builder, engine, port, handed);
        if (shared.isPresent()) {
            return shared.get();
        }
        ContainedPlace place = ContainedPlace.open(engine, port);
        try {
            DatabaseGate gate = place.enter(builder, handed).orElseThrow(() -> new IOException("the namespaces made"
                    + " for the process ended before it entered them"));
            return new Confined(place, gate, true);
        } catch (IOException | RuntimeException e) {
            place.close();
            throw e;
        }
    }

    /**
     * The command that makes a place's user and network namespaces and starts the relay in them, listening on
     * {@code port}; it runs as the place's first process. The relay's JVM takes no attach requests.
     */
    static List<String> place(int port) {
        return List.of(program("unshare"), "--user", "--map-root-user", "--net", "--", "/bin/sh", "-c", PLACE,
                "rehearsal-contained", program("ip"), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-XX:+DisableAttachMechanism", "-XX:+DisplayVMOutputToStderr", "-Xlog:disable",
                "-Xlog:all=warning:stderr", "-Xmx32m", "-cp", relayClassPath().orElseThrow(),
                LoopbackRelay.class.getName(), String.valueOf(port));
    }

    /**
     * What enters the place whose first process is {@code place} (its user and network namespaces), then makes the
     * process's own mount and PID namespaces, covers {@code sockets} in them and runs the process in a session of its
     * own and a nested user namespace; the process's command follows.
     */
    static List<String> entrant(long place, List<String> sockets) {
        String namespaces = "/proc/" + place + "/ns/";
        List<String> command = new ArrayList<>(List.of(program("nsenter"), "--user=" + namespaces + "user",
                "--preserve-credentials", "--net=" + namespaces + "net", "--", program("unshare"), "--mount",
                "--propagation", "private", "--pid", "--fork", "--kill-child", "--mount-proc", "--", "/bin/sh", "-c",
                ENTRANT, "rehearsal-contained", program("mount"), program("unshare"), program("setsid"), id("Uid"),
                id("Gid")));
        command.add(String.valueOf(sockets.size()));
        command.addAll(sockets);
        return command;
    }

    /** The path of one of the programs containment needs, which {@link #availability} found. */
    static String program(String name) {
        return find(name).orElseThrow().toString();
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

    /** Runs {@code true} contained, as a tool would be run: what works here is what the probe proves. */
    private static Availability probe() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return new Availability(false, "namespaces are Linux's, and this is " + System.getProperty("os.name"));
        }
        for (String program : List.of("unshare", "nsenter", "setsid", "ip", "mount")) {
            if (find(program).isEmpty()) {
                return new Availability(false, program + " is not installed (util-linux and iproute2 provide"
                        + " unshare, nsenter, setsid, mount and ip)");
            }
        }
        if (relayClassPath().isEmpty()) {
            return new Availability(false, "Rehearsal's classes are not in a jar or folder a new JVM can load");
        }
        Optional<String> old = unshareTooOld();
        if (old.isPresent()) {
            return new Availability(false, old.get());
        }
        ConnectionDetails none = new ConnectionDetails("127.0.0.1", 5432, "-", "-", "");
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", "exit 0").redirectErrorStream(true);
        Confined confined;
        try {
            confined = confine(builder, Engine.POSTGRES, () -> List.of(none), null);
        } catch (IOException e) {
            return new Availability(false, "this user may not make the namespaces a contained tool needs ("
                    + e.getMessage() + "); as root, or with unprivileged user namespaces (sysctl"
                    + " kernel.unprivileged_userns_clone=1, and on Ubuntu"
                    + " kernel.apparmor_restrict_unprivileged_userns=0), tools run contained");
        }
        try (confined) {
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) { // its output is read once it ended: it may say nothing
                process.destroyForcibly();
                return new Availability(false, "a contained process did not start within 20 seconds");
            }
            String said = new String(process.getInputStream().readNBytes(2000), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                return new Availability(false, "a contained process could not enter the namespaces made for it ("
                        + said + ")");
            }
            return new Availability(true, "contained");
        } catch (IOException e) {
            return new Availability(false, "a contained process could not be started (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Availability(false, "the check was interrupted");
        }
    }

    /** Why the machine's unshare cannot run a tool contained ({@code --map-user} came with util-linux 2.38). */
    private static Optional<String> unshareTooOld() {
        try {
            Process help = new ProcessBuilder(find("unshare").orElseThrow().toString(), "--help")
                    .redirectErrorStream(true).start();
            String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            help.waitFor(10, TimeUnit.SECONDS);
            return text.contains("--map-user") ? Optional.empty() : Optional.of("unshare here has no --map-user,"
                    + " which came with util-linux 2.38; a contained tool needs util-linux 2.38 or later");
        } catch (IOException e) {
            return Optional.of("unshare could not be run (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("the check was interrupted");
        }
    }

    /** The user's or group's id ({@code Uid}, {@code Gid}) as the kernel gives it this process. */
    private static String id(String which) {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(which + ":"))
                    .map(l -> l.split("\\s+")[2]).findFirst().orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read this process's " + which + " from /proc/self/status", e);
        }
    }

    private static Optional<Path> find(String program) {
        List<String> folders = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(":")));
        folders.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        return folders.stream().filter(f -> !f.isBlank()).map(f -> Path.of(f, program))
                .filter(Files::isExecutable).findFirst().map(NetworkConfinement::real);
    }

    /** The file a path leads to: a link in a folder the namespace may cover is followed here. */
    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
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
