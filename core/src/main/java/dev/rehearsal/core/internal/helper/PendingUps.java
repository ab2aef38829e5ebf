package dev.rehearsal.core.internal.helper;

import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.Migration;
import org.apiguardian.api.API;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How a helper-driven tool brings a database to a version where nothing watches the ups ({@link UnwatchedUps}): the
 * pending migrations in one request, as the tool's own command applies several in one process
 * ({@code alembic upgrade <revision>}, {@code manage.py migrate <app> <migration>}, several {@code knex.migrate.up} on
 * one Knex), rather than one process run per migration. The helper tells when each migration of the request starts,
 * and each has the migration timeout to itself, as when it runs alone.
 *
 * <p>Only migrations a failure leaves whole go together: on an engine that rolls back DDL, those that run in the
 * tool's transaction ({@link UpTransaction#OUT_OF_REACH}); one that commits part of its work by itself (an autocommit
 * block, a migration outside the tool's transaction) runs alone. Where a request fails, the migrations still pending
 * run one at a time, each as its own step runs it: a history that only applies one migration per run (an enum value
 * used in the transaction that added it) still gets there, and a failure is told as that migration's own up tells it.
 * A migration that ran past the timeout fails at once, named: alone it would wait as long again, behind the locks the
 * killed run's session still holds. One that waits on a lock an earlier migration of the same run holds, through a
 * session of its own, times out as it would when the tool's command applies both in one process.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PendingUps {

    private PendingUps() {
    }

    /**
     * Applies what {@code pending} lists (read from the tool's own table each time it is asked): runs of two or more
     * migrations that a failure leaves whole {@code together}, every other one {@code alone}; after a failed request,
     * everything still pending alone.
     */
    public static void apply(MigrationTool tool, Dialect dialect, Supplier<List<Migration>> pending,
                             Consumer<List<Migration>> together, Consumer<Migration> alone) {
        List<Migration> todo = pending.get();
        int next = 0;
        while (dialect.rollsBackDdl() && next < todo.size()) {
            int end = next;
            while (end < todo.size() && tool.upTransaction(todo.get(end)) == UpTransaction.OUT_OF_REACH) {
                end++;
            }
            if (end - next < 2) {
                alone.accept(todo.get(next++));
                continue;
            }
            List<Migration> run = todo.subList(next, end);
            try {
                together.accept(run);
            } catch (MigrationFailedException failed) {
                aloneAfter(failed, run, pending.get(), alone);
                return;
            }
            next = end;
        }
        todo.subList(next, todo.size()).forEach(alone);
        pending.get().forEach(alone); // nothing, unless a request left a migration out
    }

    /**
     * After {@code run} failed together: {@code rest} alone; or, where a migration of it ran past the timeout, that
     * migration, named (run alone it would only wait as long again, behind what the killed run still holds).
     */
    private static void aloneAfter(MigrationFailedException failed, List<Migration> run, List<Migration> rest,
                                   Consumer<Migration> alone) {
        if (failed.getCause() instanceof ToolHelper.Timeout timeout) {
            int index = timeout.migration();
            Migration late = run.get(Math.max(0, Math.min(index, run.size() - 1)));
            String what = index < 0 ? "the run that applies " + run.get(0).displayName() + " to "
                    + run.get(run.size() - 1).displayName() + " together did not reach its first migration"
                    : late.displayName() + " ran past it, applied together with the migrations from "
                    + run.get(0).displayName() + " to " + run.get(run.size() - 1).displayName();
            throw new MigrationFailedException("up", late, late.up().name(), 0, null, null, "Within the migration"
                    + " timeout, " + what + ". " + timeout.getMessage(), timeout);
        }
        try {
            rest.forEach(alone);
        } catch (MigrationFailedException alsoAlone) {
            alsoAlone.addSuppressed(failed);
            throw alsoAlone;
        }
    }
}
