package dev.rehearsal.core.internal.tools.liquibase;

import dev.rehearsal.core.model.RehearsalException;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.CompositeResourceAccessor;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where Liquibase finds the changelog and every file it includes, as Liquibase's own search path resolves them: with
 * {@code rehearsal.liquibase.search-path} set, exactly those folders (as {@code --search-path}), and the class path
 * for a {@code classpath:} changelog, the changelog named by its path inside the first folder that holds it; without
 * it, a {@code classpath:} changelog on the class path, and a file's own folder, then the resources folder it lies in
 * ({@code src/main/resources}, the class path's root in the application, where includes such as
 * {@code META-INF/jpa-changelog-1.0.xml} are written against), then the working directory (Liquibase's own default).
 *
 * @param accessor  what Liquibase reads through
 * @param changelog the changelog's path as Liquibase is given it (and records it in DATABASECHANGELOG)
 * @param roots     the folders searched, for messages
 */
record LiquibaseSearchPath(ResourceAccessor accessor, String changelog, List<String> roots) {

    static LiquibaseSearchPath of(String location, ClassLoader classLoader, List<String> searchPath) {
        boolean onClassPath = !location.startsWith("filesystem:");
        List<Path> roots = new ArrayList<>();
        String changelog;
        if (!searchPath.isEmpty()) {
            for (String entry : searchPath) {
                Path root = Path.of(entry.strip()).toAbsolutePath().normalize();
                if (!Files.isDirectory(root)) {
                    throw new RehearsalException("rehearsal.liquibase.search-path names " + root + ", which is not a"
                            + " folder. Name the folders Liquibase resolves the changelog and its includes against"
                            + " (relative to " + Path.of("").toAbsolutePath() + "), separated by commas.");
                }
                roots.add(root);
            }
            changelog = onClassPath ? classPathName(location) : insideARoot(location, roots);
        } else if (onClassPath) {
            return new LiquibaseSearchPath(new ClassLoaderResourceAccessor(classLoader), classPathName(location),
                    List.of("the class path"));
        } else {
            Path file = file(location);
            Set<Path> defaults = new LinkedHashSet<>();
            defaults.add(file.getParent());
            resourcesRoot(file).ifPresent(defaults::add);
            defaults.add(Path.of("").toAbsolutePath().normalize());
            roots.addAll(defaults);
            changelog = file.getFileName().toString();
        }
        List<ResourceAccessor> accessors = new ArrayList<>();
        for (Path root : roots) {
            try {
                accessors.add(new DirectoryResourceAccessor(root));
            } catch (FileNotFoundException e) {
                throw new RehearsalException("Liquibase cannot read the folder " + root + ": " + e.getMessage(), e);
            }
        }
        List<String> names = new ArrayList<>(roots.stream().map(Path::toString).toList());
        if (onClassPath) {
            accessors.add(new ClassLoaderResourceAccessor(classLoader));
            names.add("the class path");
        }
        return new LiquibaseSearchPath(new CompositeResourceAccessor(accessors), changelog, names);
    }

    private static String classPathName(String location) {
        return location.startsWith("classpath:") ? location.substring("classpath:".length()).replaceFirst("^/", "")
                : location;
    }

    private static Path file(String location) {
        return Path.of(location.substring("filesystem:".length())).toAbsolutePath().normalize();
    }

    /** The changelog's path inside the first search-path folder that holds it, as Liquibase's CLI is given it. */
    private static String insideARoot(String location, List<Path> roots) {
        Path file = file(location);
        for (Path root : roots) {
            if (file.startsWith(root)) {
                return root.relativize(file).toString().replace('\\', '/');
            }
        }
        throw new RehearsalException("The changelog " + file + " lies in none of the folders of"
                + " rehearsal.liquibase.search-path (" + String.join(", ", roots.stream().map(Path::toString).toList())
                + "): add the folder it is found in, as Liquibase's --search-path would need it too.");
    }

    /** The {@code src/<set>/resources} folder a file lies in, the class path's root of the application. */
    private static Optional<Path> resourcesRoot(Path file) {
        for (Path dir = file.getParent(); dir != null && dir.getParent() != null; dir = dir.getParent()) {
            Path set = dir.getParent();
            if (dir.getFileName().toString().equals("resources") && set.getParent() != null
                    && set.getParent().getFileName().toString().equals("src")) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** What to add to a message about a file Liquibase did not find. */
    String advice() {
        return " Rehearsal's Liquibase searched " + String.join(", ", roots) + ". Set rehearsal.liquibase.search-path"
                + " to the folders the changelog's paths are written against (Liquibase's searchPath), such as"
                + " src/main/resources for includes relative to the class path's root.";
    }
}
