package dev.rehearsal.cli;

import dev.rehearsal.core.model.RehearsalException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The classes a history needs beyond Rehearsal's (Liquibase custom changes and what they use), from
 * {@code --classpath}: jars and class folders, each checked before anything starts, loaded after the command line's
 * own classes so that Rehearsal's Liquibase and drivers stay the ones it was built with.
 */
final class UserClassPath implements AutoCloseable {

    private final URLClassLoader loader;

    private UserClassPath(URLClassLoader loader) {
        this.loader = loader;
    }

    /** The classes: the command line's own, then those of {@code --classpath}. */
    ClassLoader loader() {
        return loader;
    }

    /** Closes the jars. */
    @Override
    public void close() {
        try {
            loader.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not close the jars of --classpath: " + e.getMessage(), e);
        }
    }

    /** @param values the flag's values, each a list separated by commas or the platform's path separator */
    static UserClassPath of(List<String> values, ClassLoader parent) {
        List<URL> urls = new ArrayList<>();
        List<String> entries = values.stream()
                .flatMap(v -> Arrays.stream(v.split(",|" + Pattern.quote(File.pathSeparator))))
                .map(String::strip).filter(e -> !e.isEmpty()).toList();
        for (String entry : entries) {
            Path path = Path.of(entry).toAbsolutePath().normalize();
            boolean jar = Files.isRegularFile(path) && path.getFileName().toString().endsWith(".jar");
            if (!jar && !Files.isDirectory(path)) {
                throw new RehearsalException("--classpath names " + entry + ", which is neither a jar nor a folder of"
                        + " classes (" + (Files.exists(path) ? "a file that is not a .jar" : "it does not exist") + ")");
            }
            try {
                urls.add(path.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new RehearsalException("--classpath names " + entry + ", which is not a usable path: "
                        + e.getMessage(), e);
            }
        }
        return new UserClassPath(new URLClassLoader("rehearsal-user-classpath", urls.toArray(URL[]::new), parent));
    }
}
