package dev.rehearsal.core.internal.lifecycle;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Embedded servers whose JVM died without stopping them (kill -9, the OOM killer, a cancelled CI job, an IDE's stop
 * button). Each server Rehearsal starts gets a data directory under {@link #root()} and, beside it, an owner file
 * ({@code <id>.owner}: the JVM's {@link ProcessOwner}, the postmaster's pid, the data directory). Before a server
 * starts, every owner file whose JVM is gone is reaped: its postmaster is stopped (checked to be a postgres process
 * first) and its data directory deleted. Servers of live JVMs are never touched.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class EmbeddedServerReaper {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServerReaper.class);

    /** Appended to an owner file's name, with the pid, by the JVM that reaps it. */
    private static final String REAPING = ".reaping-";

    private EmbeddedServerReaper() {
    }

    /** Where Rehearsal keeps its embedded servers' data directories and owner files. */
    public static Path root() {
        return Path.of(System.getProperty("java.io.tmpdir"), "rehearsal-embedded-postgres");
    }

    /** A new data directory path under the root (not created: initdb creates it). */
    public static Path newDataDirectory() {
        try {
            Files.createDirectories(root());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create " + root(), e);
        }
        return root().resolve(UUID.randomUUID().toString());
    }

    /** Records that this JVM owns the server with {@code postmasterPid} on {@code dataDirectory}. */
    public static void claim(Path dataDirectory, long postmasterPid) {
        Properties p = new Properties();
        ProcessOwner owner = ProcessOwner.current();
        p.setProperty("owner", owner.mark());
        p.setProperty("postmaster", String.valueOf(postmasterPid));
        p.setProperty("data", dataDirectory.toString());
        try (OutputStream out = Files.newOutputStream(ownerFile(dataDirectory))) {
            p.store(out, "Rehearsal's embedded PostgreSQL; removed when the server stops, reaped when its JVM is gone");
        } catch (IOException e) {
            LOG.warn("Could not write {}: a server left by a killed JVM will not be reaped: {}", ownerFile(dataDirectory),
                    e.getMessage());
        }
    }

    /** Deletes the data directory of a server that has stopped, and forgets the claim on it. */
    public static void release(Path dataDirectory) {
        delete(dataDirectory);
        try {
            Files.deleteIfExists(ownerFile(dataDirectory));
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", ownerFile(dataDirectory), e.getMessage());
        }
    }

    /** Stops and deletes every server whose owner is gone; returns the data directories removed. */
    public static List<Path> reap() {
        List<Path> reaped = new ArrayList<>();
        if (!Files.isDirectory(root())) {
            return reaped;
        }
        List<Path> owners;
        try (Stream<Path> files = Files.list(root())) {
            owners = files.filter(EmbeddedServerReaper::toReap).toList();
        } catch (IOException e) {
            LOG.warn("Could not list {}: {}", root(), e.getMessage());
            return reaped;
        }
        for (Path file : owners) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                continue; // being written by a server starting right now
            }
            Optional<ProcessOwner> owner = ProcessOwner.parse(p.getProperty("owner"));
            if (owner.isEmpty() || !owner.get().isGone()) {
                continue;
            }
            // claimed by renaming the owner file: of two JVMs starting at once, one reaps, the other goes on
            String name = file.getFileName().toString();
            Path claimed = file.resolveSibling(name.substring(0, name.indexOf(".owner") + ".owner".length())
                    + REAPING + ProcessHandle.current().pid());
            try {
                Files.move(file, claimed, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                continue;
            }
            Path data = Path.of(p.getProperty("data", ""));
            stopPostmaster(Long.parseLong(p.getProperty("postmaster", "-1")), data);
            delete(data);
            try {
                Files.deleteIfExists(claimed);
            } catch (IOException e) {
                LOG.warn("Could not delete {}: {}", claimed, e.getMessage());
            }
            LOG.info("Removed an embedded PostgreSQL left by a JVM that is gone ({}): {}", owner.get().mark(), data);
            reaped.add(data);
        }
        return reaped;
    }

    private static void stopPostmaster(long pid, Path data) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(Processes::running)
                .filter(h -> h.info().command().map(c -> c.endsWith("postgres") || c.endsWith("postgres.exe")).orElse(false));
        if (process.isEmpty()) {
            return;
        }
        process.get().destroy(); // SIGTERM: PostgreSQL's smart shutdown; its clients died with their JVM
        if (!Processes.awaitExit(pid, 10_000)) {
            process.get().destroyForcibly();
        }
    }

    /**
     * Deletes {@code dir} and everything in it, if it lies under {@link #root()}; logs what it could not delete.
     * Files that disappear meanwhile (deleted by someone else) are no failure.
     */
    public static void delete(Path dir) {
        if (!Files.isDirectory(dir) || !dir.startsWith(root())) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // deleted by someone else meanwhile
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.toString());
        }
    }

    /** An owner file, or one a JVM that died while reaping it had claimed. */
    private static boolean toReap(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".owner")) {
            return true;
        }
        int at = name.indexOf(".owner" + REAPING);
        if (at < 0) {
            return false;
        }
        try {
            return !Processes.running(Long.parseLong(name.substring(at + ".owner".length() + REAPING.length())));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Path ownerFile(Path dataDirectory) {
        return dataDirectory.resolveSibling(dataDirectory.getFileName() + ".owner");
    }
}
