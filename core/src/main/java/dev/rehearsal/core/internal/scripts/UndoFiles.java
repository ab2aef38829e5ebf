package dev.rehearsal.core.internal.scripts;

import dev.rehearsal.core.model.Migration;
import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a verified generated down script next to the up script it undoes, in the team's source folder (not in
 * {@code target/classes}), for the team to review and commit. It never overwrites a file, and writes nothing where
 * the {@code CI} environment variable is set: a build must not change the sources it builds.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class UndoFiles {

    private UndoFiles() {
    }

    /**
     * Writes {@code sql} under the name {@code downName} (relative to the migrations' location, as the tool expects
     * it) and returns what happened, as a sentence for the report.
     */
    public static String write(Migration migration, String downName, String header, String sql, String ci,
                               Path projectDir) {
        if (ci != null && !ci.isBlank()) {
            return "not written: the CI environment variable is set, and a build does not change its sources;"
                    + " run the test on a developer machine with rehearsal.undo.write=true";
        }
        if (downName.contains(" ")) {
            return "not written: its place is " + downName + ", which Rehearsal does not edit; paste it there";
        }
        Path folder = sourceFolder(migration.up().location(), migration.up().name(), projectDir);
        if (folder == null) {
            return "not written: the source of " + migration.up().location() + " was not found (a script in a jar,"
                    + " or a build folder without src/main/resources or src/test/resources beside it)";
        }
        Path target = folder.resolve(downName).normalize();
        if (Files.exists(target)) {
            return "not written: " + target + " exists";
        }
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(target, header + sql);
            return "written to " + target + ": review it and commit it";
        } catch (IOException e) {
            return "not written: " + target + ": " + e.getMessage();
        }
    }

    static Path sourceFolder(String location, String upName, Path projectDir) {
        return SourceFiles.folder(location, upName, projectDir);
    }
}
