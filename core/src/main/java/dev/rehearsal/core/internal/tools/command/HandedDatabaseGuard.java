package dev.rehearsal.core.internal.tools.command;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;

import java.util.UUID;
import java.util.function.Function;

/**
 * The guard, before a tool run through its own command applies anything, that the command uses the database
 * Rehearsal hands it, as Rehearsal cannot watch such a tool connect: on the empty throwaway database the current
 * command must report nothing applied, and handed a database that does not exist it must fail. A command whose tool
 * reads a database of its own configuration (a knexfile's URL, a settings file's {@code DATABASES}) reports that
 * database's version either way; the rehearsal stops before any up runs there. One guard per configuration of the
 * commands: the run with a database that does not exist is made once, whatever databases they are then run on, and
 * once a command was found not to use the database it was handed, none of them runs again.
 */
final class HandedDatabaseGuard {

    private static final int OUTPUT_LINES = 10;
    /** What fixes a command that does not use the database it was handed. */
    private static final String FIX = "Make the tool connect with the DATABASE_URL (or the engine's client"
            + " variables, such as PGHOST and PGDATABASE) that Rehearsal sets for rehearsal.command.up, .down and"
            + " .current: a knexfile's connection: process.env.DATABASE_URL, a settings file that reads them, or a"
            + " command that names a configuration doing so.";

    private boolean proved;
    /** Why the commands may not run any more; null while they may. */
    private volatile String stopped;

    /** Keeps {@code failure} as the reason no command runs any more, and returns it to be thrown. */
    RehearsalException stop(RehearsalException failure) {
        if (stopped == null) {
            stopped = failure.getMessage().lines().findFirst().orElse("");
        }
        return failure;
    }

    /** Refuses to run {@code command} once a command was found not to use the database it was handed. */
    void requireNotStopped(String command) {
        String why = stopped;
        if (why != null) {
            throw new RehearsalException("Rehearsal runs no more migration commands (\"" + command + "\" not run),"
                    + " as one did not use the database it was handed: " + why);
        }
    }

    /**
     * The failure of a current command that reports {@code reported} applied on the empty throwaway database
     * {@code throwaway}: it read another database.
     */
    RehearsalException appliedOnEmpty(String current, MigrationVersion reported, ConnectionDetails throwaway,
                                      String handed) {
        return stop(new RehearsalException("\"" + current + "\" reports version " + reported + " applied, but the"
                + " throwaway database \"" + throwaway.database() + "\" on " + throwaway.host() + ":" + throwaway.port()
                + " that Rehearsal made and handed it is empty: the command is not using the database it was handed ("
                + handed + "); it read a database at version " + reported + " that its own configuration names."
                + " Rehearsal stopped before running any migration. " + FIX));
    }

    /**
     * Runs the current command once with a database that does not exist on the throwaway database's server, and
     * stops the rehearsal when it succeeds all the same.
     *
     * @param current runs the current command with the environment naming the database given
     * @param handed  the variables naming the database given, for the message
     */
    synchronized void requireHandedDatabaseUsed(String command, ConnectionDetails throwaway,
                                                Function<ConnectionDetails, ShellCommand.Result> current,
                                                Function<ConnectionDetails, String> handed) {
        if (proved) {
            return;
        }
        String name = "rehearsal_absent_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ConnectionDetails absent = new ConnectionDetails(throwaway.host(), throwaway.port(), name, throwaway.user(),
                throwaway.password());
        ShellCommand.Result result = current.apply(absent);
        if (result.succeeded()) {
            throw stop(new RehearsalException("Before running any migration, Rehearsal handed \"" + command + "\" a"
                    + " database that does not exist (\"" + absent.database() + "\" on " + absent.host() + ":"
                    + absent.port() + ": " + handed.apply(absent) + "), and it succeeded all the same: the command is"
                    + " not using the database it was handed, and would apply the migrations to a database its own"
                    + " configuration names instead of the throwaway database \"" + throwaway.database() + "\" ("
                    + handed.apply(throwaway) + "). Rehearsal stopped before running any migration. " + FIX
                    + " A current command that prints a version without connecting, or hides a failed connection"
                    + " (such as `|| echo none`), must fail when it cannot reach the database.\n  output:\n"
                    + result.tail(OUTPUT_LINES)));
        }
        proved = true;
    }
}
