package dev.rehearsal.core.internal.containment;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The Unix sockets a contained tool must not reach, found when its process starts. */
final class CoveredSockets {

    private CoveredSockets() {
    }

    /** Folders where servers keep their sockets, searched for socket files whoever serves them. */
    private static final List<String> SOCKET_FOLDERS = List.of("/run", "/var/run", "/tmp", "/dev/shm");
    private static final int SOCKET_DEPTH = 3;


    /**
     * Every Unix socket to cover, by path: those a process Rehearsal can see listens on, in each network namespace
     * ({@code /proc/<pid>/net/unix}, once per namespace; a path may hold spaces), and every socket file under
     * {@link #SOCKET_FOLDERS}, which a server in a container may serve from a namespace Rehearsal cannot see. Searched
     * anew for each process: a socket made after it starts is not covered.
     *
     * @throws IOException where not even Rehearsal's own list can be read: the process is then not started contained
     */
    static List<String> find() throws IOException {
        Set<String> paths = new TreeSet<>(listedIn(Path.of("/proc/self/net/unix")));
        Set<String> namespaces = new HashSet<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (namespaces.add(Files.readSymbolicLink(process.resolve("ns/net")).toString())) {
                        paths.addAll(listedIn(process.resolve("net/unix")));
                    }
                } catch (IOException | SecurityException e) {
                    // a process that ended, or one of another user: its sockets are found by their files, if at all
                }
            }
        }
        Set<Path> searched = new HashSet<>();
        for (String folder : SOCKET_FOLDERS) {
            Path root = Path.of(folder);
            if (!Files.isDirectory(root) || !searched.add(root.toRealPath())) {
                continue; // /var/run is most often a link to /run
            }
            root = root.toRealPath();
            Files.walkFileTree(root, Set.of(), SOCKET_DEPTH, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    if (a.isOther() && !a.isSymbolicLink()) { // sockets, and devices and pipes the script passes over
                        paths.add(file.toString());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // a folder of another user: nothing it serves is ours
                }
            });
        }
        Set<String> real = new TreeSet<>();
        for (String path : paths) { // one cover for each file, whichever name led to it
            try {
                real.add(Path.of(path).toRealPath().toString());
            } catch (IOException | SecurityException e) {
                real.add(path); // gone, or out of reach: the script covers it only if it is a socket when it runs
            }
        }
        return List.copyOf(real);
    }

    private static Set<String> listedIn(Path unix) throws IOException {
        Set<String> paths = new TreeSet<>();
        try (Stream<String> lines = Files.lines(unix)) {
            lines.skip(1).map(l -> l.trim().split("\\s+", 8)).filter(f -> f.length == 8)
                    .filter(f -> f[3].equals("00010000") && f[7].startsWith("/")).forEach(f -> paths.add(f[7]));
        }
        return paths;
    }

}
