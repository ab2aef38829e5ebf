package dev.rehearsal.core.internal.tools;

import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import org.apiguardian.api.API;

import java.util.List;

/**
 * The location a rehearsal's settings name, as the tools see it while detection asks them: the settings' text of it,
 * and, read once on first use, the folder and its files.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class MigrationLocation {

    private final RehearsalSettings settings;
    private final ClassLoader classLoader;
    private ScriptLocation folder;
    private List<ScriptFile> files;

    public MigrationLocation(RehearsalSettings settings, ClassLoader classLoader) {
        this.settings = settings;
        this.classLoader = classLoader;
    }

    /** The location as the settings give it ({@code classpath:db/migration}), trimmed. */
    public String spec() {
        return settings.migrations() == null ? "" : settings.migrations().trim();
    }

    public RehearsalSettings settings() {
        return settings;
    }

    public ClassLoader classLoader() {
        return classLoader;
    }

    /** The location read as a folder of scripts. */
    public ScriptLocation folder() {
        if (folder == null) {
            folder = ScriptLocation.parse(settings.migrations(), classLoader);
        }
        return folder;
    }

    /** The folder's files; empty where it does not exist. */
    public List<ScriptFile> files() {
        if (files == null) {
            files = folder().exists() ? folder().files() : List.of();
        }
        return files;
    }
}
