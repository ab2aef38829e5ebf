package dev.rehearsal.core.internal.scripts;

import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A place migration scripts live: {@code classpath:db/migration} (directories and jars on the class path),
 * {@code filesystem:/abs/or/relative/path}, or a bare path (a directory if one exists there, else the class path).
 * Several places separated by commas form one location, as Flyway's {@code locations}
 * ({@code classpath:db/migration,classpath:db/test-data}). Lists the files below it, recursively, with paths
 * relative to the place each was found in.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ScriptLocation {

    /** One file found at a location. */
    public record ScriptFile(String relativePath, String filename, String describe, byte[] content) {
        /** The content as UTF-8 text, a leading byte-order mark dropped. */
        public String text() {
            String s = new String(content, StandardCharsets.UTF_8);
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        }
    }

    private record Root(String spec, boolean classpath, String path) {
    }

    private final String spec;
    private final List<Root> roots;
    private final ClassLoader classLoader;

    private ScriptLocation(String spec, List<Root> roots, ClassLoader classLoader) {
        this.spec = spec;
        this.roots = roots;
        this.classLoader = classLoader;
    }

    /** Parses a location as users write it. */
    public static ScriptLocation parse(String spec, ClassLoader classLoader) {
        if (spec == null || spec.isBlank()) {
            throw new RehearsalException("No migration location given: set @MigrationTest(migrations = \"classpath:db/migration\")"
                    + " or the property rehearsal.migrations");
        }
        List<Root> roots = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (!part.isBlank()) {
                roots.add(root(part.trim()));
            }
        }
        String normalized = String.join(",", roots.stream().map(Root::spec).toList());
        return new ScriptLocation(normalized, List.copyOf(roots), classLoader);
    }

    private static Root root(String s) {
        if (s.startsWith("classpath:")) {
            return new Root(s, true, trimSlashes(s.substring("classpath:".length())));
        }
        if (s.startsWith("filesystem:")) {
            return new Root(s, false, s.substring("filesystem:".length()));
        }
        if (Files.isDirectory(Path.of(s))) {
            return new Root("filesystem:" + s, false, s);
        }
        return new Root("classpath:" + trimSlashes(s), true, trimSlashes(s));
    }

    private static String trimSlashes(String s) {
        String r = s;
        while (r.startsWith("/")) {
            r = r.substring(1);
        }
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    /** The location as given, with its scheme ({@code classpath:db/migration}). */
    @Override
    public String toString() {
        return spec;
    }

    /** Whether every place of the location exists. */
    public boolean exists() {
        return roots.stream().allMatch(this::exists);
    }

    private boolean exists(Root root) {
        if (!root.classpath()) {
            return Files.isDirectory(Path.of(root.path()));
        }
        try {
            return classLoader.getResources(root.path()).hasMoreElements();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The folder on disk the location is, where it is exactly one folder there ({@code filesystem:} or a
     * {@code classpath:} folder not inside a jar): what a tool run through its own command can be pointed at.
     */
    public Optional<Path> directory() {
        if (roots.size() != 1) {
            return Optional.empty();
        }
        Root root = roots.get(0);
        try {
            if (!root.classpath()) {
                return Optional.of(Path.of(root.path()).toAbsolutePath().normalize());
            }
            URL url = classLoader.getResource(root.path());
            return url != null && "file".equals(url.getProtocol())
                    ? Optional.of(Path.of(url.toURI())) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /**
     * Every file below the location, sorted by relative path. A file of the same relative path in two places is
     * listed twice, so that duplicate versions are reported rather than hidden.
     *
     * @throws RehearsalException when the location cannot be read
     */
    public List<ScriptFile> files() {
        TreeMap<String, ScriptFile> files = new TreeMap<>();
        for (int i = 0; i < roots.size(); i++) {
            TreeMap<String, ScriptFile> found = new TreeMap<>();
            Root root = roots.get(i);
            try {
                if (root.classpath()) {
                    Enumeration<URL> urls = classLoader.getResources(root.path());
                    while (urls.hasMoreElements()) {
                        URL url = urls.nextElement();
                        if ("file".equals(url.getProtocol())) {
                            walk(Path.of(url.toURI()), found);
                        } else if ("jar".equals(url.getProtocol())) {
                            readJar(url, root.path(), found);
                        }
                    }
                } else if (Files.isDirectory(Path.of(root.path()))) {
                    walk(Path.of(root.path()), found);
                }
            } catch (IOException | URISyntaxException e) {
                throw new RehearsalException("Could not read migration location " + root.spec() + ": " + e.getMessage(), e);
            }
            for (ScriptFile f : found.values()) {
                files.put(f.relativePath() + "\u0000" + i, f);
            }
        }
        return new ArrayList<>(files.values());
    }

    private static void walk(Path root, TreeMap<String, ScriptFile> files) throws IOException {
        try (Stream<Path> stream = Files.walk(root)) {
            for (Path p : stream.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                files.putIfAbsent(rel, new ScriptFile(rel, p.getFileName().toString(), p.toString(), Files.readAllBytes(p)));
            }
        }
    }

    private static void readJar(URL root, String path, TreeMap<String, ScriptFile> files) throws IOException {
        JarURLConnection connection = (JarURLConnection) root.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            String prefix = path.isEmpty() ? "" : path + "/";
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory() || !entry.getName().startsWith(prefix)) {
                    continue;
                }
                String rel = entry.getName().substring(prefix.length());
                String filename = rel.substring(rel.lastIndexOf('/') + 1);
                try (InputStream in = jar.getInputStream(entry)) {
                    files.putIfAbsent(rel, new ScriptFile(rel, filename, jar.getName() + "!/" + entry.getName(),
                            in.readAllBytes()));
                }
            }
        }
    }
}
