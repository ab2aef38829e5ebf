package dev.rehearsal.core.internal.tools.liquibase;

import liquibase.exception.CustomChangeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@code customChange} whose class is not on the class path, told with where it is declared: Liquibase fails while
 * it parses the changelog, naming only the class, so the changelog files in the search path's folders are read for
 * the declaration (file, line, and the changeset around it) and the message says how to put the class on the path.
 */
final class MissingCustomChange {

    private static final Pattern CHANGESET = Pattern.compile(
            "<changeSet\\b[^>]*?\\bid=\"([^\"]+)\"[^>]*?\\bauthor=\"([^\"]+)\"|<changeSet\\b[^>]*?\\bauthor=\"([^\"]+)\""
                    + "[^>]*?\\bid=\"([^\"]+)\"|^\\s*-?\\s*id:\\s*(\\S+)");

    private MissingCustomChange() {
    }

    /** The message for a missing custom-change class, or null when {@code failure} is not one. */
    static String describe(Throwable failure, String location, List<String> roots) {
        ClassNotFoundException missing = null;
        boolean customChange = false;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            customChange |= t instanceof CustomChangeException;
            if (t instanceof ClassNotFoundException c) {
                missing = c;
            }
        }
        if (missing == null || !customChange) {
            return null;
        }
        String className = missing.getMessage();
        String where = declaration(className, roots).orElse("(the changelog files under " + String.join(", ", roots)
                + " do not name it literally)");
        return "Liquibase could not load the custom change " + className + ", which " + where + " declares"
                + " (customChange class=\"" + className + "\"), while it read the changelog " + location + ": the class"
                + " is not on the class path. Put the jar or class folder that holds it, and its dependencies, on the"
                + " class path: rehearsal check --classpath app.jar,lib/ on the command line, a test dependency under"
                + " @MigrationTest (the module that builds it).";
    }

    /** {@code changeset 12-fill by app in META-INF/changelog-1.0.xml, line 14}, for the first file declaring it. */
    private static Optional<String> declaration(String className, List<String> roots) {
        for (String root : roots) {
            Path dir = Path.of(root);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir, 8)) {
                for (Path file : files.filter(f -> f.toString().matches(".*\\.(xml|ya?ml|json|sql)")).toList()) {
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).contains(className)) {
                            return Optional.of(changeSetAbove(lines, i) + "in " + shown(file) + ", line " + (i + 1));
                        }
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                return Optional.empty(); // the message then says the class alone; Liquibase named no more either
            }
        }
        return Optional.empty();
    }

    /** The file relative to the working directory where it lies below it, else in full. */
    private static Path shown(Path file) {
        Path cwd = Path.of("").toAbsolutePath();
        return file.toAbsolutePath().startsWith(cwd) ? cwd.relativize(file.toAbsolutePath()) : file.toAbsolutePath();
    }

    private static String changeSetAbove(List<String> lines, int line) {
        for (int i = line; i >= 0; i--) {
            Matcher m = CHANGESET.matcher(lines.get(i));
            if (m.find()) {
                if (m.group(1) != null) {
                    return "changeset " + m.group(1) + " by " + m.group(2) + " ";
                }
                if (m.group(3) != null) {
                    return "changeset " + m.group(4) + " by " + m.group(3) + " ";
                }
                return "changeset " + m.group(5) + " ";
            }
        }
        return "";
    }
}
