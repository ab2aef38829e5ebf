package dev.rehearsal.core.internal.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.locks.ToolSessions;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One step of a migration through a {@link ToolHelper}: the request, its statements traced and named by the
 * migration's script where they came from its file, and a failure told as Rehearsal tells one: the migration, the
 * file and line from the tool's traceback, the exception, the statement and SQLSTATE, the end of the traceback.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class HelperStep {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HelperStep() {
    }

    /**
     * How the tool runs {@code migration}'s statements, for its retry phase: {@link UpTransaction#AS_REPORTED} where
     * something can commit before a later statement fails (the engine's DDL commits by itself, or the migration's
     * file shows {@code marker}: its code leaving the tool's transaction), else {@link UpTransaction#OUT_OF_REACH}.
     */
    public static UpTransaction upTransaction(Dialect dialect, Migration migration, Pattern marker) {
        return !dialect.rollsBackDdl() || marker.matcher(migration.up().sql()).find() ? UpTransaction.AS_REPORTED
                : UpTransaction.OUT_OF_REACH;
    }

    /**
     * Runs {@code request} for {@code phase} ({@code up} or {@code down}) of {@code migration}, each session the
     * tool opens proved by {@code guard} to be on the throwaway database before the tool uses it.
     *
     * @throws MigrationFailedException when the tool raised, or ran past {@code timeout} (the helper is killed)
     */
    public static JsonNode run(ToolHelper helper, ObjectNode request, Duration timeout, ToolSessions sessions,
                               SessionGuard guard, String phase, Migration migration, String what) {
        MigrationScript script = script(migration, phase);
        helper.clearErrors();
        try {
            return helper.request(request, timeout, sessions,
                    file -> file.equals(script.location()) ? script.name() : file, what, guard);
        } catch (ToolHelper.HelperFailure e) {
            String said = e.getMessage() + "\n" + e.error().path("traceback").asText("") + "\n" + helper.errors();
            throw failure(phase, migration, e.error(), helper.contained() ? ContainedRefusal.note(said) : "");
        } catch (ToolHelper.Timeout e) {
            throw new MigrationFailedException(phase, migration, script.name(), 0, null, null, e.getMessage(), e);
        }
    }

    /**
     * Asks {@code helper} to close the sessions its tool keeps between migrations ({@code release}), before Rehearsal
     * copies the database {@code database}: PostgreSQL copies only a database nobody is connected to.
     */
    public static void release(ToolHelper helper, Duration timeout, String tool, String database) {
        try {
            helper.request(JSON.createObjectNode().put("op", "release"), timeout, ToolSessions.NONE, f -> f,
                    "closing " + tool + "'s connection to " + database);
        } catch (ToolHelper.HelperFailure e) {
            throw new RehearsalException(tool + "'s helper could not close its connection to "
                    + database + " before Rehearsal copies it: " + e.getMessage(), e);
        }
    }

    /** What the helper reported, as a failure of {@code phase} of {@code migration}. */
    public static MigrationFailedException failure(String phase, Migration migration, JsonNode error) {
        return failure(phase, migration, error, "");
    }

    /** As {@link #failure(String, Migration, JsonNode)}, with {@code note} after the traceback. */
    public static MigrationFailedException failure(String phase, Migration migration, JsonNode error, String note) {
        MigrationScript script = script(migration, phase);
        String file = error.path("file").asText("");
        boolean inScript = file.equals(script.location());
        int line = error.path("line").asInt();
        String where = inScript || file.isEmpty() ? script.name() : script.name() + ", raised in " + file
                + (line > 0 ? " line " + line + ": " + error.path("code").asText() : ""); // 0: an operation, no line
        String message = error.path("type").asText() + ": " + error.path("message").asText()
                + (inScript && error.path("code").isTextual() ? "\n  code:      " + error.path("code").asText() : "")
                + "\n  traceback (end):\n    " + tail(error.path("traceback").asText(""), 12) + note;
        return new MigrationFailedException(phase, migration, where, inScript ? error.path("line").asInt() : 0,
                error.path("statement").asText(null), error.path("sqlstate").asText(null), message, null);
    }

    /** The last {@code lines} lines of {@code text}, indented for a message. */
    public static String tail(String text, int lines) {
        List<String> all = text.strip().lines().toList();
        return String.join("\n    ", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /**
     * The migration {@code target} names, as the tools take names: its id ({@code 0002_product_sku}), or a unique
     * prefix of it of at least {@code minimumPrefix} characters; else a position or version of the history.
     */
    public static Migration named(MigrationHistory history, String target, int minimumPrefix) {
        String t = target.strip();
        List<Migration> matching = new ArrayList<>();
        for (Migration m : history.versioned()) {
            if (m.id().equals(t)) {
                return m;
            }
            if (t.length() >= minimumPrefix && m.id().startsWith(t)) {
                matching.add(m);
            }
        }
        return matching.size() == 1 ? matching.get(0) : history.require(target);
    }

    /** The last migration of {@code history}, in its order, that {@code applied} says the tool's table records. */
    public static Optional<MigrationVersion> latestApplied(
            MigrationHistory history, Predicate<Migration> applied) {
        MigrationVersion current = null;
        for (Migration m : history.versioned()) {
            if (applied.test(m)) {
                current = m.version();
            }
        }
        return Optional.ofNullable(current);
    }

    /**
     * Names the database a request runs on, as the helpers take it: name, host, port, user, password, and the
     * {@code environment} that names it ({@code DATABASE_URL}, {@code PGDATABASE}...), which the helper sets before the
     * request runs, so that a migration reading it after a restore reaches the copy of the moment.
     */
    public static void database(ObjectNode request, ConnectionDetails details, Dialect dialect, HelperSource source) {
        ObjectNode database = request.putObject("database").put("name", details.database())
                .put("host", details.host()).put("port", details.port()).put("user", details.user())
                .put("password", details.password());
        ObjectNode environment = database.putObject("environment");
        Map<String, String> variables = ToolProcessEnvironment.variables(dialect, details);
        variables.forEach(environment::put);
        source.mappedVariables(details, variables.get("DATABASE_URL")).forEach(environment::put);
    }

    /**
     * The names a tool's own table records ({@code select name from knex_migrations}), read over JDBC; empty where
     * the table is not there yet (the tool makes it with its first migration).
     */
    public static Set<String> recordedNames(DataSource dataSource, String table) {
        Set<String> names = new HashSet<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select name from " + table)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (SQLException missing) {
            return Set.of();
        }
        return names;
    }

    /** The script of {@code phase}: the down script where there is one, else the up script. */
    public static MigrationScript script(Migration migration, String phase) {
        return phase.equals("up") || migration.down() == null ? migration.up() : migration.down();
    }
}
