package dev.rehearsal.core.internal.helper;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * Proves that each session a helper-driven tool opens is on the throwaway database Rehearsal made, before the tool
 * runs anything on it: the helper reports every new session's id, database and server (the dialect's
 * {@link Dialect#sessionIdentityQuery()}, run on the tool's own connection), and the session must be one of that
 * database's sessions on Rehearsal's server. A project whose code builds its own URL (an {@code env.py} reading
 * {@code DATABASE_URL}) reaches another database; the helper is then killed before any migration runs there.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface SessionGuard {

    /**
     * Why the session may not be used, or null where it is on the throwaway database.
     *
     * @param backend  the session's id on its server (PostgreSQL's backend pid)
     * @param database the database the session is connected to
     * @param server   where the session says it is ({@code host:port}), for the message
     */
    String refusal(int backend, String database, String server);

    /** A guard for a helper not yet given a database: every session is refused. */
    SessionGuard NO_DATABASE_YET = (backend, database, server) -> "the tool connected to database \"" + database
            + "\" on " + server + " before Rehearsal had handed it a throwaway database.";

    /**
     * The guard of a tool bound to {@code database} (asked again for each session: it follows restored copies),
     * checked through {@code observer} on Rehearsal's own side.
     *
     * @param tool the tool, for messages ({@code Alembic})
     * @param code what of the project's code opens the connection ({@code env.py of /app/alembic})
     * @param fix  the setting that points that code at the throwaway database
     */
    static SessionGuard throwaway(String tool, String code, String fix, Dialect dialect, DataSource observer,
                                  Supplier<ConnectionDetails> database) {
        return (backend, reached, server) -> {
            ConnectionDetails expected = database.get();
            boolean ours;
            if (!expected.database().equals(reached)) {
                ours = false;
            } else {
                try (Connection c = observer.getConnection()) {
                    ours = dialect.hasSession(c, backend, expected.database());
                } catch (SQLException e) {
                    throw new RehearsalException("Could not check that " + tool + "'s session " + backend + " is on the"
                            + " throwaway database " + expected.database() + " (SQLState " + e.getSQLState() + "): "
                            + e.getMessage() + ". Nothing was run.", e);
                }
            }
            if (ours) {
                return null;
            }
            return tool + " connected to database \"" + reached + "\" on " + server + " (session " + backend
                    + "), not to the throwaway database \"" + expected.database() + "\" on " + expected.host() + ":"
                    + expected.port() + " that Rehearsal made: " + code + " builds its own connection instead of"
                    + " the one Rehearsal hands it. Rehearsal stopped " + tool + " before it ran anything there."
                    + " Point that code at the throwaway database: " + fix;
        };
    }

    /** The refusal of a session, as the exception that ends the step; the helper was killed. */
    final class ForeignDatabase extends RehearsalException {
        public ForeignDatabase(String message) {
            super(message);
        }
    }
}
