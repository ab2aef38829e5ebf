package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProviders;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Test helpers: the histories under src/test/resources/histories, rehearsed on the shared embedded server. */
final class Histories {

    private Histories() {
    }

    static RehearsalSettings settings(String name) {
        return RehearsalSettings.of("classpath:histories/" + name);
    }

    /** A history of data defects: the shared customers-and-orders V1 of histories/data-base, then the named one's scripts. */
    static RehearsalSettings dataHistory(String name) {
        return RehearsalSettings.of("classpath:histories/data-base,classpath:histories/" + name);
    }

    static MigrationRehearsal rehearse(String name) {
        return rehearse(settings(name));
    }

    static MigrationRehearsal rehearse(RehearsalSettings settings) {
        return MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(), Histories.class.getClassLoader());
    }

    /**
     * A history made in {@code dir} for one test from shared scripts: the {@code files} of the classpath history
     * {@code base} (paths relative to it) with each {@code replace} key replaced by its value, plus every file of the
     * classpath folder {@code own} (null for none). Variants of a history (a gap, a duplicate, a cycle) keep only
     * what makes them different in the repository. Returns the settings for {@code filesystem:dir}.
     */
    static RehearsalSettings derived(Path dir, String base, List<String> files, Map<String, String> replace, String own) {
        try {
            for (String file : files) {
                String text;
                try (InputStream in = Histories.class.getResourceAsStream("/" + base + "/" + file)) {
                    if (in == null) {
                        throw new IllegalArgumentException("no " + file + " in classpath:" + base);
                    }
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                for (Map.Entry<String, String> r : replace.entrySet()) {
                    text = text.replace(r.getKey(), r.getValue());
                }
                Path target = dir.resolve(file);
                Files.createDirectories(target.getParent());
                Files.writeString(target, text);
            }
            if (own != null) {
                Path folder = Path.of(Histories.class.getResource("/" + own).toURI());
                try (Stream<Path> ownFiles = Files.walk(folder)) {
                    for (Path f : ownFiles.filter(Files::isRegularFile).toList()) {
                        Path target = dir.resolve(folder.relativize(f).toString());
                        Files.createDirectories(target.getParent());
                        Files.copy(f, target);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return RehearsalSettings.of("filesystem:" + dir);
    }
}
