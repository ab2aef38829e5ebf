package dev.rehearsal.core;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.internal.containment.KeptPlace;
import dev.rehearsal.core.internal.containment.NetworkConfinement;
import dev.rehearsal.core.internal.helper.ToolProcessEnvironment;
import dev.rehearsal.core.internal.postgres.PostgresDialect;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A process Rehearsal starts for a tool runs contained where Linux lets it make namespaces: psql, run as a tool
 * would run it, reaches the database it was handed, and nothing else on the same server, by TCP with another
 * database's name (refused by the gate before the server sees it, and named) or through the server's own Unix socket
 * (hidden). The same commands run guarded only ({@code rehearsal.containment=guard}) do reach the other database:
 * the namespace is what stops them.
 */
class ContainedProcessTest {

    @BeforeAll
    static void namespacesCanBeMade() {
        whereContained("network");
    }

    /**
     * For a test run with {@code rehearsal.containment=containment}: where it is {@code network}, skips the test on a
     * machine that cannot make the namespaces, except in CI, whose Linux machine must.
     */
    static void whereContained(String containment) {
        if (!containment.equals("network")) {
            return;
        }
        NetworkConfinement.Availability availability = NetworkConfinement.availability();
        if (System.getenv("CI") != null) {
            assertThat(availability.contained()).as(availability.reason()).isTrue();
        }
        assumeTrue(availability.contained(), availability.reason());
    }

    @Test
    void aContainedProcessReachesTheDatabaseItWasHandedAndNoOther() throws Exception {
        try (ServerDatabase handed = ServerDatabase.create("handed"); ServerDatabase other = ServerDatabase.create(
                "other")) {
            ToolProcessEnvironment contained = environment(handed, "network");

            Run reached = run(contained, "psql -X -v ON_ERROR_STOP=1 -c 'create table reached (id int)'");
            assertThat(reached.exit()).as(reached.output()).isZero();
            assertThat(handed.tables()).containsExactly("reached");

            Run byName = run(contained, "psql -X -v ON_ERROR_STOP=1 -d " + other.name()
                    + " -c 'create table leaked (id int)'");
            assertThat(byName.exit()).as(byName.output()).isNotZero();
            assertThat(byName.output()).contains("Rehearsal runs this migration tool contained: it may connect only"
                    + " to the throwaway database \"" + handed.name() + "\"", "database \"" + other.name() + "\"");
            assertThat(contained.takeRefusals()).containsExactly("database \"" + other.name()
                    + "\" as user \"postgres\" (application_name \"psql\")");

            Run bySocket = run(contained, "psql -X -v ON_ERROR_STOP=1 'host=/var/run/postgresql dbname="
                    + other.name() + "' -c 'create table leaked (id int)'");
            assertThat(bySocket.exit()).as(bySocket.output()).isNotZero();
            assertThat(bySocket.output()).contains("/var/run/postgresql");

            try (Listener elsewhere = new Listener()) {
                Run otherServer = run(contained, "psql -X 'host=127.0.0.1 port=" + elsewhere.port() + " dbname=x"
                        + " connect_timeout=5' -c 'select 1'");
                assertThat(otherServer.exit()).as(otherServer.output()).isNotZero();
                assertThat(elsewhere.connections()).as("another port of the loopback").isZero();
            }

            assertThat(other.tables()).as("nothing reached the other database").isEmpty();
        }
    }

    /**
     * What is hidden stays hidden: the machine's server sockets (PostgreSQL's, Docker's, MariaDB's) are not there, and
     * the tool can neither uncover them, nor enter Rehearsal's own namespaces, nor see its processes.
     */
    @Test
    void aContainedProcessCannotUndoItsContainment(@TempDir Path dir) throws Exception {
        // a server in a network namespace of its own, as in a container, serving a socket in a temporary folder
        Path other = dir.resolve("other.sock");
        Process server = new ProcessBuilder("unshare", "--net", "python3", "-c", "import socket, time\n"
                + "s = socket.socket(socket.AF_UNIX)\ns.bind('" + other + "')\ns.listen()\ntime.sleep(60)\n")
                .redirectErrorStream(true).start();
        try (ServerDatabase handed = ServerDatabase.create("handed")) {
            for (int i = 0; i < 100 && !Files.exists(other); i++) {
                Thread.sleep(50);
            }
            assertThat(other).as("the other namespace's server listens").exists();
            // the same sockets by a path relative to the working directory, which the process starts in
            String relative = Path.of("").toAbsolutePath().relativize(Path.of("/run/postgresql/.s.PGSQL.5432"))
                    .toString();
            String probe = "for s in /run/postgresql/.s.PGSQL.5432 /var/run/postgresql/.s.PGSQL.5432"
                    + " /var/run/docker.sock /run/mysqld/mysqld.sock " + other + " " + relative + "; do [ -S \"$s\" ]"
                    + " && echo \"socket $s\"; done;"
                    + " umount /run 2>/dev/null && echo unmounted;"
                    + " python3 -c \"import ctypes; libc = ctypes.CDLL(None, use_errno=True);"
                    + " r = libc.umount2(b'/run/postgresql/.s.PGSQL.5432', 0);"
                    + " print('unmounted' if r == 0 else 'umount-errno-%d.' % ctypes.get_errno())\";"
                    + " nsenter --target " + ProcessHandle.current().pid() + " --net true 2>/dev/null && echo entered;"
                    + " [ -e /proc/" + ProcessHandle.current().pid() + "/root ] && echo sees-rehearsal; exit 0";

            Run guarded = run(environment(handed, "guard"), probe);
            Run contained = run(environment(handed, "network"), probe);
            Run entered;
            try (KeptPlace place = new KeptPlace()) {
                run(environment(handed, "network").keptIn(place), "exit 0");
                // the relays running now, this place's among them: the process can neither see nor enter them
                String relays = ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("")
                        .contains("LoopbackRelay")).map(p -> " " + p.pid()).collect(Collectors.joining());
                assertThat(relays).as("this place's relay").isNotBlank();
                entered = run(environment(handed, "network").keptIn(place), probe.replaceFirst("; exit 0$", "")
                        + "; for r in" + relays + "; do"
                        + " [ -e /proc/$r/root ] && echo sees-relay; nsenter --target $r --net true 2>/dev/null"
                        + " && echo entered; done; exit 0");
            }

            assertThat(guarded.output()).as("the control: the machine's PostgreSQL socket is there, and the other's")
                    .contains("socket /run/postgresql/.s.PGSQL.5432", "socket " + other, "socket " + relative);
            for (Run run : List.of(contained, entered)) {
                assertThat(run.exit()).as(run.output()).isZero();
                assertThat(run.output()).doesNotContain("socket ", "unmounted", "entered", "sees-rehearsal",
                        "sees-relay").as("the cover is there, and may not be unmounted").contains("umount-errno-1.");
            }
        } finally {
            server.destroyForcibly();
        }
    }

    /**
     * A tool's processes one after another (a migration command's, phase after phase) enter a network made once: each
     * reaches only the database handed to it, and finds nothing the one before left running (a process, a listener on
     * the loopback), as nothing of one deploy's process is left for the next in production.
     */
    @Test
    @Timeout(120)
    void processesEnteringTheNetworkAToolKeepsFindNothingTheOneBeforeLeft() throws Exception {
        try (ServerDatabase first = ServerDatabase.create("first"); ServerDatabase second = ServerDatabase.create(
                "second"); KeptPlace place = new KeptPlace()) {
            String namespace = "echo \"net $(readlink /proc/self/ns/net)\"; ";
            String listener = "python3 -c \"import socket, time; s = socket.socket(); s.bind(('127.0.0.1', 47123));"
                    + " s.listen(); time.sleep(3607)\"";
            String connect = "python3 -c \"import socket; socket.create_connection(('127.0.0.1', 47123), 2)\""
                    + " 2>/dev/null && echo listener-there || echo listener-gone; ";
            Run leaving = run(environment(first, "network").keptIn(place), namespace
                    + "psql -X -v ON_ERROR_STOP=1 -c 'create table reached (id int)' && { sleep 3608 > /dev/null 2>&1 &"
                    + " setsid sh -c 'sleep 3609' > /dev/null 2>&1 & " + listener + " > /dev/null 2>&1 & }; sleep 1; "
                    + connect + "exit 0");
            assertThat(leaving.exit()).as(leaving.output()).isZero();
            assertThat(leaving.output()).as("the control: what it leaves runs beside it").contains("listener-there");
            assertThat(first.tables()).containsExactly("reached");
            assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                    .filter(c -> c.matches(".*(sleep 360[89]|time.sleep\\(3607\\)).*")))
                    .as("what the first process left, seen from outside once it ended").isEmpty();

            Run next = run(environment(second, "network").keptIn(place), namespace + connect
                    + " psql -X -v ON_ERROR_STOP=1 -d " + first.name() + " -c 'create table leaked (id int)';"
                    + " psql -X -v ON_ERROR_STOP=1 -c 'create table reached (id int)'");

            assertThat(next.exit()).as(next.output()).isZero();
            assertThat(net(next)).as("the same network, entered again").isEqualTo(net(leaving));
            assertThat(next.output()).contains("listener-gone").contains("it may connect only to the throwaway"
                    + " database \"" + second.name() + "\"");
            assertThat(second.tables()).containsExactly("reached");
            assertThat(first.tables()).as("the database handed to the process before is not this one's")
                    .containsExactly("reached");
        }
    }

    /**
     * A contained process is in a session of its own: a signal it sends to its process group reaches none of the
     * processes Rehearsal's JVM started beside it (nor the JVM), as it does when the process runs guarded only.
     */
    @Test
    @Timeout(60)
    void aContainedProcessCannotSignalTheProcessGroupOfRehearsal(@TempDir Path dir) throws Exception {
        Path hit = dir.resolve("hit");
        Process beside = new ProcessBuilder("sh", "-c", "trap 'echo hit >> " + hit + "' CONT; echo ready;"
                + " while :; do sleep 0.1; done").redirectErrorStream(true).start();
        try (ServerDatabase handed = ServerDatabase.create("handed")) {
            assertThat(new String(beside.getInputStream().readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("ready\n");
            Run contained = run(environment(handed, "network"), "kill -CONT 0; sleep 1");
            assertThat(contained.exit()).as(contained.output()).isZero();
            assertThat(hit).as("a signal to the contained process's group").doesNotExist();

            Run guarded = run(environment(handed, "guard"), "kill -CONT 0; sleep 1");
            assertThat(guarded.exit()).as(guarded.output()).isZero();
            assertThat(hit).as("the control: the same signal from a process run guarded only").exists();
        } finally {
            beside.destroyForcibly();
        }
    }

    /** The first line of a run that names its network namespace. */
    private static String net(Run run) {
        return run.output().lines().filter(l -> l.startsWith("net ")).findFirst().orElseThrow(() ->
                new AssertionError("no namespace in: " + run.output()));
    }

    @Test
    void guardedOnlyTheSameCommandsReachTheOtherDatabase() throws Exception {
        try (ServerDatabase handed = ServerDatabase.create("handed"); ServerDatabase other = ServerDatabase.create(
                "other")) {
            ToolProcessEnvironment guarded = environment(handed, "guard");

            Run byName = run(guarded, "psql -X -v ON_ERROR_STOP=1 -d " + other.name()
                    + " -c 'create table leaked (id int)'");
            Run bySocket = run(guarded, "psql -X -v ON_ERROR_STOP=1 'host=/var/run/postgresql dbname="
                    + other.name() + "' -c 'create table leaked_by_socket (id int)'");

            assertThat(byName.exit()).as(byName.output()).isZero();
            assertThat(bySocket.exit()).as(bySocket.output()).isZero();
            assertThat(other.tables()).containsExactly("leaked", "leaked_by_socket");
            assertThat(guarded.takeRefusals()).isEmpty();
            try (Listener listener = new Listener()) {
                run(guarded, "psql -X 'host=127.0.0.1 port=" + listener.port() + " dbname=x connect_timeout=2'"
                        + " -c 'select 1'");
                assertThat(listener.connections()).as("another port of the loopback, guarded only").isPositive();
            }
        }
    }

    private static ToolProcessEnvironment environment(ServerDatabase handed, String containment) {
        ConnectionDetails details = new ConnectionDetails("127.0.0.1", 5432, handed.name(), "postgres", "");
        return ToolProcessEnvironment.of("psql", new PostgresDialect("15"), details)
                .containment(containment, () -> List.of(details));
    }

    private record Run(int exit, String output) {
    }

    /** A server of nothing on a loopback port: counts the connections made to it, and closes each at once. */
    private static final class Listener implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        private final AtomicInteger connections = new AtomicInteger();

        Listener() throws IOException {
            Thread thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket ignored = socket.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "listener");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static Run run(ToolProcessEnvironment environment, String command) throws IOException,
            InterruptedException {
        Process process = environment.start(new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }
}
