package dev.rehearsal.core.internal.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.RehearsalException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The session guard of a tool bound to a throwaway database ({@code SessionGuard.throwaway}): a session must be one
 * of that database's sessions on Rehearsal's server, checked from Rehearsal's own side; a session a driver is about to
 * open must name that database, and is checked again once open.
 */
final class ThrowawayGuard implements SessionGuard {

    private final String tool;
    private final String code;
    private final Function<JsonNode, String> fix;
    private final Dialect dialect;
    private final DataSource observer;
    private final Supplier<ConnectionDetails> database;

    ThrowawayGuard(String tool, String code, Function<JsonNode, String> fix, Dialect dialect, DataSource observer,
                   Supplier<ConnectionDetails> database) {
        this.tool = tool;
        this.code = code;
        this.fix = fix;
        this.dialect = dialect;
        this.observer = observer;
        this.database = database;
    }

    @Override
    public String refusal(int backend, String reached, String server) {
        return refusal(backend, reached, server, null);
    }

    @Override
    public String refusal(JsonNode session) {
        String reached = session.path("database").asText("");
        String server = session.path("server").asText("?");
        if (!session.path("connecting").asBoolean(false)) {
            return refusal(session.path("backend").asInt(), reached, server, session);
        }
        ConnectionDetails expected = database.get();
        if (expected.database().equals(reached)) {
            return null; // the session is proved once open: the database name alone does not say which server
        }
        return tool + " was about to connect to database \"" + reached + "\" on " + server + ", not to the throwaway"
                + " database \"" + expected.database() + "\" on " + expected.host() + ":" + expected.port() + " that"
                + " Rehearsal made: " + code + " opens its own connection instead of the one Rehearsal hands it."
                + " Rehearsal stopped " + tool + " before it connected there, so nothing ran there. Point that code at"
                + " the throwaway database: " + fix.apply(session) + openedBy(session);
    }

    private String refusal(int backend, String reached, String server, JsonNode session) {
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
                + " Point that code at the throwaway database: "
                + fix.apply(session == null ? MissingNode.getInstance() : session)
                + (session == null ? "" : openedBy(session));
    }

    /** The driver call and the project's code that opened the session, where the helper reported them. */
    private static String openedBy(JsonNode session) {
        String driver = session.path("driver").asText("");
        String from = session.path("opened_from").asText("");
        if (driver.isEmpty() && from.isEmpty()) {
            return "";
        }
        String called = driver.isEmpty() || from.isEmpty() ? "" : ", called at ";
        return "\n  opened by: " + driver + called + from;
    }
}
