package dev.rehearsal.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of a child JVM that runs a test's {@code main} as a separate run would: this JVM's Java and class
 * path, and its temporary directory and PostgreSQL binaries' folder (the build may choose both), so that the child's
 * embedded servers go where this JVM's reaper looks.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    public static List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
        Optional.ofNullable(System.getProperty("ot.epg.working-dir")).ifPresent(dir -> command.add("-Dot.epg.working-dir=" + dir));
        command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                main.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
