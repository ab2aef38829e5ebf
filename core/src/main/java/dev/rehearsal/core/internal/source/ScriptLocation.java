package dev.rehearsal.core.internal.source;

import dev.rehearsal.core.RehearsalException;

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
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A place migration scripts live: {@code classpath:db/migration} (directories and jars on the class path),
 * {@code filesystem:/abs/or/relative/path}, or a bare path (a directory if one exists there, else the class path).
 * Lists the files below it, recursively, with paths relative to the location.
 */
public final class ScriptLocation {

    /** One file found at a location. */
    public record ScriptFile(String relativePath, String filename, String describe, byte[] content) {
        /** The content as UTF-8 text, a leading byte-order mark dropped. */
        public String text() {
            String s = new String(content, StandardCharsets.UTF_8);
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        }
    }

    private final String spec;
    private final boolean classpath;
    private final String path;
    private final ClassLoader classLoader;

    private ScriptLocation(String spec, boolean classpath, String path, ClassLoader classLoader) {
        this.spec = spec;
        this.classpath = classpath;
        this.path = path;
        this.classLoader = classLoader;
    }

    /** Parses a location as users write it. */
    public static ScriptLocation parse(String spec, ClassLoader classLoader) {
        if (spec == null || spec.isBlank()) {
            throw new RehearsalException("No migration location given: set @MigrationTest(migrations = \"classpath:db/migration\")"
                    + " or the property rehearsal.migrations");
        }
        String s = spec.trim();
        if (s.startsWith("classpath:")) {
            return new ScriptLocation(s, true, trimSlashes(s.substring("classpath:".length())), classLoader);
        }
        if (s.startsWith("filesystem:")) {
            return new ScriptLocation(s, false, s.substring("filesystem:".length()), classLoader);
        }
        if (Files.isDirectory(Path.of(s))) {
            return new ScriptLocation("filesystem:" + s, false, s, classLoader);
        }
        return new ScriptLocation("classpath:" + trimSlashes(s), true, trimSlashes(s), classLoader);
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

    /** Whether anything exists at the location. */
    public boolean exists() {
        if (!classpath) {
            return Files.isDirectory(Path.of(path));
        }
        try {
            return classLoader.getResources(path).hasMoreElements();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Every file below the location, sorted by relative path.
     *
     * @throws RehearsalException when the location cannot be read
     */
    public List<ScriptFile> files() {
        TreeMap<String, ScriptFile> files = new TreeMap<>();
        try {
            if (classpath) {
                Enumeration<URL> roots = classLoader.getResources(path);
                while (roots.hasMoreElements()) {
                    URL root = roots.nextElement();
                    if ("file".equals(root.getProtocol())) {
                        walk(Path.of(root.toURI()), files);
                    } else if ("jar".equals(root.getProtocol())) {
                        readJar(root, files);
                    }
                }
            } else if (Files.isDirectory(Path.of(path))) {
                walk(Path.of(path), files);
            }
        } catch (IOException | URISyntaxException e) {
            throw new RehearsalException("Could not read migration location " + spec + ": " + e.getMessage(), e);
        }
        return new ArrayList<>(files.values());
    }

    private void walk(Path root, TreeMap<String, ScriptFile> files) throws IOException {
        try (Stream<Path> stream = Files.walk(root)) {
            for (Path p : stream.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                files.putIfAbsent(rel, new ScriptFile(rel, p.getFileName().toString(), p.toString(), Files.readAllBytes(p)));
            }
        }
    }

    private void readJar(URL root, TreeMap<String, ScriptFile> files) throws IOException {
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
