package dev.rehearsal.core.internal.helper;

import dev.rehearsal.core.model.Migration;
import org.apiguardian.api.API;

import java.util.List;

/**
 * A migration tool whose own up of a migration also applies the migrations it depends on from outside the rehearsed
 * history: another Django app's, such as {@code auth}'s for a foreign key to the user model. A step applies those
 * first, unwatched, before it reads the schema and data it starts from: in production an earlier deploy applied them,
 * and the step's down, which reverts the step's own migration only, does not revert them either.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface OutsideDependencies {

    /**
     * Applies, as the tool's own command does and with nothing traced, what the tool's plan for {@code migration}
     * applies ahead of it from outside the history, the database being at the version before it.
     *
     * @return what was applied, in order, as the tool names it, runs of it grouped as suits the tool
     * ({@code contenttypes 0001_initial}, {@code auth 0001_initial ... 0012_alter_user_first_name_max_length
     * (12 migrations)}); empty where nothing was
     * @throws dev.rehearsal.core.MigrationFailedException naming the migration that failed
     */
    List<String> applyOutsideDependencies(Migration migration);
}
