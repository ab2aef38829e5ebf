package dev.rehearsal.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launcher's class-data sharing archive ({@code src/main/sh/rehearsal}): a check that writes one says, once its
 * report is written, that the archive is worth keeping, by creating the file the launcher named in
 * {@value #DONE_PROPERTY}. The launcher keeps the archive of such a run only: one written by a run that ended
 * earlier (a usage error, a server not reachable, Ctrl-C before the report) lacks most of the classes a check loads,
 * and every later check mapping it would load those from the jar. A check with nothing new to rehearse marks its own:
 * it lacks only the round trips' classes, and marking it spares each such run the archive's writing at exit.
 */
final class ClassArchive {

    /** The system property the launcher sets on a run that writes an archive: the file to create when it is done. */
    static final String DONE_PROPERTY = "dev.rehearsal.cli.class-archive.done";

    private ClassArchive() {
    }

    /** Marks this run's archive as worth keeping, where the launcher asked; nothing otherwise. */
    static void reportWritten() {
        String done = System.getProperty(DONE_PROPERTY);
        if (done == null || done.isBlank()) {
            return;
        }
        try {
            Files.createFile(Path.of(done));
        } catch (FileAlreadyExistsException e) {
            // marked already: a run has one process id
        } catch (IOException e) {
            // the launcher then discards the archive and a later check writes one: only that run's start is slower,
            // and the cache folder was writable when the launcher chose it, so nothing the user can act on is lost
        }
    }
}
