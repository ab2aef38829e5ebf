package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.internal.lifecycle.EmbeddedServerReaper;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Clusters fresh from {@code initdb}, kept so that the next embedded server starts from a copy instead of running
 * {@code initdb} again (about 1.2 s of a 2 s start on a 2-core machine; copying the 40 MB takes a fraction of that).
 * There is one per set of binaries and environment that shapes {@code initdb}'s output: the key is the MD5 of the
 * binaries archive, which also names the directory zonky unpacks them into ({@code PG-<md5>}), plus the locale and
 * time zone variables. The first server of a key starts as before, with zonky's {@code initdb}; after it is up,
 * {@code initdb} runs once more with the same binaries and arguments, in the background, into a directory that is
 * renamed into place only when complete, with the list of its files, and is never started. A kept cluster whose
 * files no longer match that list, or whose copy does not start, is discarded, and that server runs its own
 * {@code initdb}. Where the file system has no POSIX permissions (PostgreSQL insists on
 * a private data directory), nothing is kept.
 */
final class InitializedClusters {

    private static final Logger LOG = LoggerFactory.getLogger(InitializedClusters.class);

    /** The arguments zonky's {@code initdb} runs with (EmbeddedPostgres.initdb, no locale settings given). */
    private static final List<String> INITDB_ARGUMENTS = List.of("-A", "trust", "-U", "postgres", "-E", "UTF-8");

    /** Variables {@code initdb} reads to choose the cluster's locale and time zone. */
    private static final List<String> ENVIRONMENT = List.of("LANG", "LANGUAGE", "LC_ALL", "LC_COLLATE", "LC_CTYPE",
            "LC_MESSAGES", "LC_MONETARY", "LC_NUMERIC", "LC_TIME", "TZ", "PGTZ");

    /** Clusters not used for this long are removed when a new one is kept (binaries of an older version). */
    private static final Duration UNUSED = Duration.ofDays(30);

    /** A directory being filled that is this old was left by a JVM or an initdb that died. */
    private static final Duration ABANDONED = Duration.ofHours(1);

    /** In a kept entry: the cluster, and the list of its files written once it was complete. */
    private static final String CLUSTER = "cluster";
    private static final String MANIFEST = "manifest";

    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private static volatile String binariesDigest;

    /** File locks belong to the JVM, not a thread: threads of one JVM take turns here first. */
    private static final Object KEEPING = new Object();

    /** Keeps nothing: every server runs {@code initdb}. */
    static final InitializedClusters NONE = new InitializedClusters(null);

    private final Path root;

    /** Clusters kept in {@code root}; null keeps none. */
    InitializedClusters(Path root) {
        this.root = root;
    }

    /** The clusters kept beside the embedded servers' data directories. */
    static InitializedClusters standard() {
        return new InitializedClusters(EmbeddedServerReaper.root().resolve("initdb"));
    }

    /**
     * The key of the clusters the embedded server would make now; empty where none can be kept (no POSIX
     * permissions, or the binaries cannot be read, in which case starting the server will say why).
     */
    Optional<String> key() {
        if (root == null) {
            return Optional.empty();
        }
        try {
            Files.createDirectories(root);
            if (!Files.getFileStore(root).supportsFileAttributeView("posix")) {
                return Optional.empty();
            }
            StringBuilder key = new StringBuilder(digest());
            for (String variable : ENVIRONMENT) {
                key.append('\n').append(variable).append('=').append(System.getenv().getOrDefault(variable, ""));
            }
            key.append('\n').append(String.join(" ", INITDB_ARGUMENTS));
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return Optional.of(HexFormat.of().formatHex(md5.digest(key.toString().getBytes(StandardCharsets.UTF_8))));
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            LOG.debug("No initialized cluster can be kept: {}", e.toString());
            return Optional.empty();
        }
    }

    /**
     * The MD5 of the binaries archive zonky unpacks, read through zonky's own resolver with the system and
     * architecture names it uses: the same digest names zonky's directory of the binaries. Read once per JVM.
     */
    private static String digest() throws IOException, NoSuchAlgorithmException {
        String known = binariesDigest;
        if (known != null) {
            return known;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String system = os.startsWith("windows") ? "Windows" : os.startsWith("mac") ? "Darwin" : "Linux";
        String arch = System.getProperty("os.arch", "");
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        try (InputStream in = new DigestInputStream(DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system,
                "amd64".equals(arch) ? "x86_64" : arch), md5)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        known = HexFormat.of().formatHex(md5.digest());
        binariesDigest = known;
        return known;
    }

    /** Where zonky unpacks the PostgreSQL binaries: its working directory, by default in the temporary directory. */
    static Path binariesFolder() {
        return Path.of(System.getProperty("ot.epg.working-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString()));
    }

    /**
     * The {@code postgres} executable zonky unpacked for this platform ({@code PG-<md5>/bin} under its working
     * directory), once it has been unpacked.
     */
    static Optional<Path> unpackedPostgres() {
        try {
            Path bin = binariesFolder().resolve("PG-" + digest()).resolve("bin");
            Path postgres = bin.resolve(bin.getFileSystem().getSeparator().equals("\\") ? "postgres.exe" : "postgres");
            return Files.isExecutable(postgres) ? Optional.of(postgres) : Optional.empty();
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            LOG.debug("The unpacked postgres binary could not be found: {}", e.toString());
            return Optional.empty();
        }
    }

    /** The kept cluster of {@code key}, if there is one: complete, with the list of its files beside it. */
    Optional<Path> cluster(String key) {
        Path entry = root.resolve(key);
        return Files.isRegularFile(entry.resolve(MANIFEST)) ? Optional.of(entry.resolve(CLUSTER)) : Optional.empty();
    }

    /**
     * Copies the kept cluster of {@code key} to {@code dataDirectory} (which must not exist yet); returns false, and
     * leaves no directory behind, when there is none or the copy failed. A kept cluster whose files are not those
     * listed when it was kept (a temporary-files cleaner removes files by age, one by one) is discarded: a server
     * might start on it and fail later, on a file of the template database it needs.
     */
    boolean copyInto(String key, Path dataDirectory) {
        Optional<Path> cluster = cluster(key);
        if (cluster.isEmpty()) {
            return false;
        }
        try {
            String listed = Files.readString(root.resolve(key).resolve(MANIFEST));
            copyTree(cluster.get(), dataDirectory);
            if (!manifest(dataDirectory).equals(listed)) {
                LOG.warn("The kept initialized cluster {} is not what was kept (files missing or changed); it is discarded,"
                        + " and this server runs initdb", cluster.get());
                delete(dataDirectory);
                discard(key);
                return false;
            }
            Files.setLastModifiedTime(root.resolve(key), FileTime.from(Instant.now())); // in use: not pruned
            prune();
            return true;
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not copy the initialized cluster {}: {}", cluster.get(), e.toString());
            delete(dataDirectory);
            return false;
        }
    }

    /** Removes the kept cluster of {@code key}: a copy of it did not start, or it is incomplete. */
    void discard(String key) {
        Path doomed = root.resolve(key + ".discarded-" + UUID.randomUUID());
        try {
            // renamed first, so no server copies it while it is being deleted
            Files.move(root.resolve(key), doomed, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            return; // another JVM discarded it first
        }
        delete(doomed);
    }

    /**
     * Runs {@code initdb} of the binaries that {@code postgres} (the running postmaster's executable) belongs to, in
     * the background, and keeps its cluster under {@code key}. Does nothing unless those binaries are the ones the
     * key was computed from (zonky's directory {@code PG-<md5>}), or when a cluster is already kept. The future
     * completes with whether a cluster is kept for the key afterwards.
     */
    CompletableFuture<Boolean> keepInBackground(String key, Path postgres) {
        Path binaries = postgres.getParent();
        Path unpacked = binaries == null ? null : binaries.getParent();
        String expected = "PG-" + binariesDigest;
        if (unpacked == null || unpacked.getFileName() == null || !unpacked.getFileName().toString().equals(expected)) {
            LOG.debug("Not keeping an initialized cluster: the server runs {}, not binaries in a {} directory", postgres, expected);
            return CompletableFuture.completedFuture(false);
        }
        if (cluster(key).isPresent()) {
            return CompletableFuture.completedFuture(true);
        }
        CompletableFuture<Boolean> kept = new CompletableFuture<>();
        Thread thread = new Thread(() -> kept.complete(keepOnce(key, binaries)), "rehearsal-initdb-cache");
        thread.setDaemon(true);
        // a short JVM (a command-line run, a sample's tests) would otherwise exit half way and leave only a partial
        // directory, and the next one would start over; waiting costs at most one initdb, once per machine
        Thread finishAtExit = new Thread(() -> {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "rehearsal-initdb-cache-exit");
        Runtime.getRuntime().addShutdownHook(finishAtExit);
        kept.whenComplete((result, failure) -> {
            try {
                Runtime.getRuntime().removeShutdownHook(finishAtExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to
            }
        });
        thread.start();
        return kept;
    }

    /**
     * Keeps a cluster unless one is kept already. One JVM at a time, and one thread of it, holds the lock file of
     * the key (the operating system releases it if that JVM dies); the others wait, then find the cluster kept.
     */
    private boolean keepOnce(String key, Path binaries) {
        synchronized (KEEPING) {
            try (FileChannel lockFile = FileChannel.open(root.resolve(key + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
                return cluster(key).isPresent() || keep(key, binaries);
            } catch (IOException | OverlappingFileLockException e) {
                LOG.debug("Not keeping an initialized cluster now: {}", e.toString());
                return cluster(key).isPresent();
            }
        }
    }

    private boolean keep(String key, Path binaries) {
        Path filling = root.resolve(key + ".filling-" + UUID.randomUUID());
        try {
            prune();
            Files.createDirectory(filling); // not its parent: a test may have removed the root meanwhile
            Path cluster = filling.resolve(CLUSTER);
            List<String> command = new ArrayList<>();
            if (LinuxUtils.isUnshareAvailable()) {
                // as zonky runs its commands when the JVM runs as root: PostgreSQL refuses root, not a user namespace
                command.addAll(List.of("unshare", "-U"));
            }
            command.add(binaries.resolve(binaries.getFileSystem().getSeparator().equals("\\") ? "initdb.exe" : "initdb").toString());
            command.addAll(INITDB_ARGUMENTS);
            command.add("-D");
            command.add(cluster.toString());
            Process initdb = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(initdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (initdb.waitFor() != 0) {
                LOG.debug("initdb for the kept cluster failed:\n{}", output);
                delete(filling);
                return false;
            }
            Files.writeString(filling.resolve(MANIFEST), manifest(cluster));
            if (Files.exists(root.resolve(key))) {
                discard(key); // there, but not complete: its list of files is gone (a tmp cleaner took it)
            }
            try {
                Files.move(filling, root.resolve(key), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                delete(filling); // another JVM kept one first, or this file system cannot rename atomically
                LOG.debug("Could not move the initialized cluster into place: {}", raced.toString());
            }
            return cluster(key).isPresent();
        } catch (IOException e) {
            LOG.debug("Could not keep an initialized cluster: {}", e.toString());
            delete(filling);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            delete(filling);
            return false;
        }
    }

    /**
     * Removes clusters nobody used for {@link #UNUSED}, and directories abandoned while being filled or discarded.
     * Never fails: what another JVM removes meanwhile, or what cannot be removed, stays for the next time.
     */
    private void prune() {
        Instant now = Instant.now();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                try {
                    Instant modified = Files.getLastModifiedTime(entry).toInstant();
                    boolean partial = name.contains(".filling-") || name.contains(".discarded-");
                    if (partial ? modified.isBefore(now.minus(ABANDONED)) : modified.isBefore(now.minus(UNUSED))) {
                        delete(entry);
                    }
                } catch (IOException gone) {
                    // removed by another JVM meanwhile
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not prune {}: {}", root, e.toString());
        }
    }

    /** Copies a data directory, keeping PostgreSQL's private permissions on every directory and file. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path source : all.sorted().toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectory(target);
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(source));
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.setPosixFilePermissions(to, PRIVATE);
    }

    /** Every file of a cluster with its size, one per line, in path order. */
    private static String manifest(Path cluster) throws IOException {
        StringBuilder manifest = new StringBuilder();
        try (Stream<Path> all = Files.walk(cluster)) {
            for (Path file : all.sorted().filter(Files::isRegularFile).toList()) {
                manifest.append(cluster.relativize(file)).append('\t').append(Files.size(file)).append('\n');
            }
        }
        return manifest.toString();
    }

    private static void delete(Path dir) {
        EmbeddedServerReaper.delete(dir);
    }
}
