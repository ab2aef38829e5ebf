package dev.rehearsal.core.internal.helper;

import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.Migration;
import org.apiguardian.api.API;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How a helper-driven tool brings a database to a version without checks (a parallel part's start, a catch-up, the
 * base of {@code --only-new}): every pending migration in one request, as the tool's own command applies several in one
 * process ({@code alembic upgrade <revision>}, {@code manage.py migrate <app> <migration>}, several
 * {@code knex.migrate.up} on one Knex), rather than one process run per migration.
 *
 * <p>Where that request fails, the migrations still pending are run one at a time, each as its own step runs it: a
 * failure is then one migration's, told as before, and a history that only applies one migration per run (an enum
 * value used in the transaction that added it) still reaches the version. Only on an engine that rolls back DDL: there
 * a failed run leaves every migration whole, applied or not; elsewhere a migration can be left half applied, and its
 * own error would be lost under the one its second run meets, so each runs alone from the start.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PendingUps {

    private PendingUps() {
    }

    /**
     * Applies what {@code pending} lists (read from the tool's own table each time it is asked): {@code together} in
     * one request where there are several and {@code dialect} rolls back DDL; then, and elsewhere, each migration still
     * pending {@code alone}.
     */
    public static void apply(Dialect dialect, Supplier<List<Migration>> pending, Consumer<List<Migration>> together,
                             Consumer<Migration> alone) {
        List<Migration> todo = pending.get();
        if (todo.size() > 1 && dialect.rollsBackDdl()) {
            try {
                together.accept(todo);
            } catch (MigrationFailedException failed) {
                // what the run committed stays; the rest runs alone below, where a failure is told as the step's
            }
            todo = pending.get(); // empty, unless the run failed or left a migration out
        }
        todo.forEach(alone);
    }
}
