package dev.rehearsal.core.internal.helper;

import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.model.MigrationVersion;
import org.apiguardian.api.API;

/**
 * A migration tool that brings a database up faster where nothing watches the ups: no lock trace, no check, no
 * traffic (the base of {@code --only-new}, a parallel part's start, a catch-up, a rebuilt or scratch database).
 * Where a caller observes the ups ({@code migrateTo}, a step's up), {@link dev.rehearsal.core.MigrationTool#upTo} runs
 * them, each traced on its own.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface UnwatchedUps {

    /**
     * Applies the versioned migrations up to {@code target}, as {@link dev.rehearsal.core.MigrationTool#upTo} leaves
     * the database, with nothing traced.
     *
     * @throws dev.rehearsal.core.MigrationFailedException naming the migration that failed, as its own up names it
     */
    void upToUnwatched(MigrationVersion target);

    /** {@code tool}'s ups to {@code target}, unwatched where it has a way for that, else its {@code upTo}. */
    static void upTo(MigrationTool tool, MigrationVersion target) {
        if (tool instanceof UnwatchedUps unwatched) {
            unwatched.upToUnwatched(target);
        } else {
            tool.upTo(target);
        }
    }
}
