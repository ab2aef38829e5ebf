package dev.rehearsal.junit;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.snapshots.GoldenSchemas;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public surface is marked: every public top-level type of rehearsal-core, rehearsal-snapshots and rehearsal-junit5 carries
 * apiguardian's {@link API}, and every public type in an {@code internal} package says {@code INTERNAL}. A type
 * added without a marker fails here, naming it.
 */
class ApiMarkingTest {

    @Test
    void everyPublicTypeOfCoreAndTheExtensionIsMarked() throws Exception {
        List<Class<?>> types = new ArrayList<>();
        types.addAll(publicTopLevelTypes(MigrationRehearsal.class));
        types.addAll(publicTopLevelTypes(MigrationTest.class));
        types.addAll(publicTopLevelTypes(GoldenSchemas.class));

        assertThat(types).as("public types found").hasSizeGreaterThan(60);
        assertThat(types).filteredOn(t -> !t.isAnnotationPresent(API.class)).as("public types without @API")
                .isEmpty();
        assertThat(types).filteredOn(t -> t.getPackageName().contains(".internal")
                        && t.getAnnotation(API.class).status() != API.Status.INTERNAL)
                .as("public types of internal packages not marked INTERNAL").isEmpty();
    }

    @Test
    void theUserFacingEntryPointsAreStable() {
        for (Class<?> type : List.of(MigrationTest.class, Rehearsal.class, RehearsalAssertions.class, Seed.class,
                LockBudget.class, Engine.class, MigrationVersion.class)) {
            assertThat(type.getAnnotation(API.class).status()).as(type.getName()).isEqualTo(API.Status.STABLE);
        }
    }

    /** The public top-level types in the class directory or jar that holds {@code anchor}. */
    private static List<Class<?>> publicTopLevelTypes(Class<?> anchor) throws IOException, URISyntaxException {
        Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> types = new ArrayList<>();
        if (Files.isDirectory(location)) {
            collect(location, anchor.getClassLoader(), types);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(location, Map.of())) {
                collect(jar.getPath("/"), anchor.getClassLoader(), types);
            }
        }
        return types;
    }

    private static void collect(Path root, ClassLoader loader, List<Class<?>> types) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String relative = root.relativize(file).toString();
                if (relative.contains("$") || relative.endsWith("module-info.class")
                        || relative.endsWith("package-info.class")) {
                    continue;
                }
                String name = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
                try {
                    Class<?> type = Class.forName(name, false, loader);
                    if (Modifier.isPublic(type.getModifiers())) {
                        types.add(type);
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new AssertionError("Could not load " + name + " from " + root + ": " + e, e);
                }
            }
        }
    }
}
