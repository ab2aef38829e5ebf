package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

import java.io.Reader;
import java.io.StringReader;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * Serves the scripts Rehearsal read from the migration location to Flyway, leaving out undo scripts (which
 * Flyway community rejects) and, while single versioned steps are rehearsed, repeatable ones.
 */
final class InMemoryResources implements ResourceProvider {

    private final List<ScriptFile> files;

    InMemoryResources(List<ScriptFile> files, Predicate<ScriptFile> include) {
        this.files = files.stream().filter(include).toList();
    }

    @Override
    public LoadableResource getResource(String name) {
        return files.stream().filter(f -> f.relativePath().equals(name)).findFirst().map(Resource::new).orElse(null);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return files.stream()
                .filter(f -> f.filename().startsWith(prefix))
                .filter(f -> Arrays.stream(suffixes).anyMatch(s -> f.filename().endsWith(s)))
                .<LoadableResource>map(Resource::new)
                .toList();
    }

    private static final class Resource extends LoadableResource {
        private final ScriptFile file;

        Resource(ScriptFile file) {
            this.file = file;
        }

        @Override
        public Reader read() {
            return new StringReader(file.text());
        }

        @Override
        public String getAbsolutePath() {
            return file.describe();
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return file.describe();
        }

        @Override
        public String getFilename() {
            return file.filename();
        }

        @Override
        public String getRelativePath() {
            return file.relativePath();
        }
    }
}
