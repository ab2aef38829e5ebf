package dev.rehearsal.core.internal.helper;

import dev.rehearsal.core.model.RehearsalException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One of Rehearsal's helper scripts and, beside it, the protocol module its language's helpers share
 * ({@code rehearsal_protocol.py}, {@code .js}), copied from the jar into a temporary folder of their own for the
 * interpreter to run, and deleted once it has read them.
 */
final class HelperScript {

    private final Path file;

    private HelperScript(Path file) {
        this.file = file;
    }

    /** Writes the script {@code name}, a resource next to {@code owner}, and its language's protocol module. */
    static HelperScript write(Class<?> owner, String name) {
        try {
            Path dir = Files.createTempDirectory("rehearsal-helper");
            Path script = copy(owner, name, dir);
            copy(HelperScript.class, protocol(script), dir);
            return new HelperScript(script);
        } catch (IOException e) {
            throw new RehearsalException("Could not write Rehearsal's helper script " + name + " to a temporary folder: "
                    + e.getMessage(), e);
        }
    }

    /** The script's path, for the interpreter's command line. */
    Path file() {
        return file;
    }

    /**
     * Deletes the script's folder with all in it: the script, its protocol module, and what the interpreter wrote
     * beside them (Python's {@code __pycache__} of the protocol module).
     */
    void delete() {
        try (Stream<Path> paths = Files.walk(file.getParent())) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            // a temporary file left in the temporary folder (the interpreter may still be writing into it after a
            // failed start); nothing depends on it, and the failure being reported is the start's
        }
    }

    private static String protocol(Path script) {
        String name = script.getFileName().toString();
        return "rehearsal_protocol" + name.substring(name.lastIndexOf('.'));
    }

    private static Path copy(Class<?> owner, String name, Path dir) throws IOException {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new RehearsalException("Rehearsal's jar lacks " + name + ": rebuild or reinstall it.");
            }
            Path file = dir.resolve(name);
            Files.write(file, in.readAllBytes());
            return file;
        }
    }
}
