package dev.rehearsal.core.internal.helper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Proves that each session a helper-driven tool opens is on the throwaway database Rehearsal made, before the tool
 * runs anything on it: the helper reports every new session's id, database and server (the dialect's
 * {@link Dialect#sessionIdentityQuery()}, run on the tool's own connection), and the session must be one of that
 * database's sessions on Rehearsal's server. A project whose code builds its own URL (an {@code env.py} reading
 * {@code DATABASE_URL}) reaches another database; the helper is then killed before any migration runs there.
 * Helpers that guard the database drivers themselves also report a session a driver is about to open, with the
 * database its arguments name, so that one for another database is stopped before it connects.
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

    /**
     * Why the session a helper reported may not be used, or null: its {@code backend}, {@code database} and
     * {@code server} as above; or, where {@code "connecting": true}, a session a driver is about to open (no id yet),
     * with the database and server its arguments and the environment name. A driver's report also names the call
     * that opened the session ({@code driver}: {@code psycopg.connect}) and the project's code that made it
     * ({@code opened_from}: file, line and text).
     */
    default String refusal(JsonNode session) {
        return refusal(session.path("backend").asInt(), session.path("database").asText(""),
                session.path("server").asText("?"));
    }

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
        return throwaway(tool, code, session -> fix, dialect, observer, database);
    }

    /**
     * As {@link #throwaway(String, String, String, Dialect, DataSource, Supplier)}, with the setting that fixes it
     * chosen for each refused session from what the helper reported of it (its {@code opened_from}: env.py, or a
     * revision's own connection).
     */
    static SessionGuard throwaway(String tool, String code, Function<JsonNode, String> fix, Dialect dialect,
                                  DataSource observer, Supplier<ConnectionDetails> database) {
        return new ThrowawayGuard(tool, code, fix, dialect, observer, database);
    }

    /** The refusal of a session, as the exception that ends the step; the helper was killed. */
    final class ForeignDatabase extends RehearsalException {
        public ForeignDatabase(String message) {
            super(message);
        }
    }
}
