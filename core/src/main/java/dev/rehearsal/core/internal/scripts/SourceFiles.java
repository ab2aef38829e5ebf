package dev.rehearsal.core.internal.scripts;

import dev.rehearsal.core.model.MigrationScript;
import org.apiguardian.api.API;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a migration script lives in the team's sources, for messages and reports that point at a file and line
 * (SARIF, GitHub annotations) and for files written next to it (generated down scripts). A script read from a copy
 * under {@code target/classes} or {@code target/test-classes} maps back to {@code src/main/resources} or
 * {@code src/test/resources}; a script inside a jar has no source.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SourceFiles {

    private SourceFiles() {
    }

    /**
     * The script's source file, if it can be found: {@code script.location()} is where it was read, its name the path
     * inside the migrations' location, perhaps followed by what part of the file it is ({@code x.py upgrade()}).
     */
    public static Optional<Path> of(MigrationScript script, Path projectDir) {
        if (script == null || script.location() == null || script.name() == null) {
            return Optional.empty();
        }
        String name = script.name();
        int space = name.indexOf(' ');
        String file = space > 0 && !script.location().replace('\\', '/').endsWith(name) ? name.substring(0, space) : name;
        Path folder = folder(script.location(), file, projectDir);
        return folder == null ? Optional.empty() : Optional.of(folder.resolve(file).normalize());
    }

    /**
     * The folder of the migrations in the team's sources: {@code location} is where the script {@code name} (its path
     * inside the location) was read. Null when it came from a jar or its source cannot be found.
     */
    static Path folder(String location, String name, Path projectDir) {
        if (location.contains("!/") || !location.replace('\\', '/').endsWith(name)) {
            return null;
        }
        String root = location.substring(0, location.length() - name.length());
        String unix = root.replace('\\', '/');
        List<String> candidates = unix.contains("/target/test-classes/")
                ? List.of(unix.replace("/target/test-classes/", "/src/test/resources/"))
                : unix.contains("/target/classes/")
                ? List.of(unix.replace("/target/classes/", "/src/main/resources/"))
                : List.of(unix);
        for (String candidate : candidates) {
            Path dir = projectDir.resolve(candidate);
            if (Files.exists(dir.resolve(name))) {
                return dir;
            }
        }
        return null;
    }

    /**
     * The folder paths in reports are relative to: the repository's root (the nearest folder above {@code start}
     * holding {@code .git}), where GitHub and code-scanning tools resolve them, else {@code start} itself.
     */
    public static Path repositoryRoot(Path start) {
        Path absolute = start.toAbsolutePath().normalize();
        for (Path p = absolute; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return p;
            }
        }
        return absolute;
    }
}
