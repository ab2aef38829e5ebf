package dev.rehearsal.core.internal.tools.alembic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.internal.helper.HelperStep;
import dev.rehearsal.core.internal.helper.PendingUps;
import dev.rehearsal.core.internal.helper.SessionGuard;
import dev.rehearsal.core.internal.helper.ToolHelper;
import dev.rehearsal.core.internal.helper.ToolProcessEnvironment;
import dev.rehearsal.core.internal.helper.UnwatchedUps;
import dev.rehearsal.core.internal.locks.ToolSessions;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.internal.checks.RoundTripMessages;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Alembic bound to one database: each up and down is one request to the helper, which runs the project's env.py
 * with Alembic's own step for exactly that revision (its {@code upgrade()} or {@code downgrade()}, and the update of
 * the version table Alembic makes for it, merges and branch points included). The version table is read here, over
 * JDBC; its name is the one env.py configured, as the helper reports it.
 */
final class AlembicTool implements MigrationTool, UnwatchedUps {

    /** A revision that leaves Alembic's transaction: an autocommit block, or a COMMIT of its own. */
    private static final Pattern COMMITS = Pattern.compile("autocommit_block|\\bcommit\\b", Pattern.CASE_INSENSITIVE);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AlembicSource source;
    private final MigrationHistory history;
    private final Map<String, Integer> order = new HashMap<>();
    private final DataSource dataSource;
    private final Dialect dialect;
    private final Supplier<ConnectionDetails> database;
    private final ToolSessions sessions;
    private final AlembicProject project;
    private final SessionGuard guard;
    private String versionTable;

    AlembicTool(AlembicSource source, MigrationHistory history, DataSource dataSource, Dialect dialect,
                Supplier<ConnectionDetails> database, ToolSessions sessions, AlembicProject project) {
        this.source = source;
        this.history = history;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.database = database;
        this.guard = SessionGuard.throwaway("Alembic", "env.py of " + project.scriptLocation() + ", or a revision it"
                + " runs,", session -> project.databaseSettingHint(session, ToolProcessEnvironment.variables(dialect,
                database.get()).keySet(), source.settings().environment().keySet()), dialect, dataSource, database);
        this.sessions = sessions;
        this.project = project;
        for (Migration m : history.versioned()) {
            order.put(m.id(), Integer.parseInt(m.version().toString()));
        }
        this.versionTable = source.versionTable(() -> request("configure", null, false));
    }

    @Override
    public MigrationHistory history() {
        return history;
    }

    /** A revision id, or a unique prefix of one (as Alembic takes them), or a position in the history. */
    @Override
    public Migration migration(String target) {
        return HelperStep.named(history, target, 4);
    }

    @Override
    public Optional<MigrationVersion> currentVersion() {
        List<String> heads = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select version_num from " + versionTable)) {
                while (rs.next()) {
                    heads.add(rs.getString(1));
                }
            } catch (SQLException missing) {
                return Optional.empty(); // no revision applied yet: Alembic makes its table with the first one
            }
        } catch (SQLException e) {
            throw new RehearsalException("Could not read " + versionTable + " on " + database.get().database() + ": "
                    + e.getMessage(), e);
        }
        return AlembicRevisions.highest(heads, order, "is not a revision in " + project.versions());
    }

    @Override
    public void upTo(MigrationVersion target) {
        MigrationVersion from = currentVersion().orElse(null);
        for (Migration m : history.between(from, target)) {
            run("upgrade", m, false);
        }
    }

    /** Several revisions in one run of env.py, as {@code alembic upgrade <revision>} applies them. */
    @Override
    public void upToUnwatched(MigrationVersion target) {
        PendingUps.apply(this, dialect, () -> history.between(currentVersion().orElse(null), target), this::upgradeAll,
                m -> run("upgrade", m, false));
    }

    /** The revisions in one request, untraced; a failure is told as the last one's up (the caller runs each again). */
    private void upgradeAll(List<Migration> revisions) {
        Migration last = revisions.get(revisions.size() - 1);
        ObjectNode request = request("upgrade_all", last, false, database.get()).put("trace", false);
        ArrayNode ids = request.putArray("revisions");
        revisions.forEach(m -> ids.add(m.id()));
        run(request, "up", last, "upgrade to " + last.displayName());
    }

    @Override
    public void down(Migration migration) {
        run("downgrade", migration, false);
    }

    /**
     * The helper closes what is left open of the project's sessions: each revision and direction runs on sessions of
     * its own, closed when it ends, so this is what a pool of the project's kept idle, if anything.
     */
    @Override
    public void releaseSessions() {
        HelperStep.release(source.helper(dialect), source.timeout(), "Alembic", database.get().database());
    }

    @Override
    public boolean applyFailingAtEnd(Migration migration) {
        JsonNode result = run("upgrade", migration, true);
        if (result.path("swallowed").asBoolean()) {
            boolean recorded = currentVersion().map(v -> v.compareTo(migration.version()) >= 0).orElse(false);
            throw new RehearsalException(RoundTripMessages.swallowedFailure(migration, "Alembic",
                    project.scriptLocation() + "/env.py, or what it calls", recorded));
        }
        return result.path("forced").asBoolean();
    }

    /** The version table env.py configures, which the helper learns by running it once without a step. */
    private String request(String operation, Migration migration, boolean failAtEnd) {
        ObjectNode request = request(operation, migration, failAtEnd, database.get());
        try {
            JsonNode result = source.helper(dialect).request(request, source.timeout(), ToolSessions.NONE, f -> f,
                    "reading env.py's configuration", guard);
            source.envConnection(result.path("env_connection").asText(""));
            return result.path("version_table").asText("alembic_version");
        } catch (ToolHelper.HelperFailure e) {
            JsonNode error = e.error();
            throw new RehearsalException("env.py of " + project.scriptLocation() + " failed: " + e.getMessage()
                    + "\n  at " + error.path("file").asText("?") + ", line " + error.path("line").asInt() + ": "
                    + error.path("code").asText() + "\n  Python traceback (end):\n    "
                    + HelperStep.tail(error.path("traceback").asText(""), 12), e);
        }
    }

    private ObjectNode request(String operation, Migration migration, boolean failAtEnd, ConnectionDetails details) {
        ObjectNode request = JSON.createObjectNode().put("op", operation).put("fail_at_end", failAtEnd)
                .put("trace", migration != null);
        if (migration != null) {
            request.put("revision", migration.id());
        }
        ObjectNode db = request.putObject("database").put("url", url(details));
        ObjectNode environment = db.putObject("environment");
        ToolProcessEnvironment.variables(dialect, details).forEach(environment::put);
        environment.put("DATABASE_URL", url(details).replaceFirst("\\?.*$", "")); // as create_engine takes it
        source.mappedVariables(details, url(details).replaceFirst("\\?.*$", "")).forEach(environment::put);
        source.settings().environment().forEach((name, template) -> environment.put(name,
                ToolProcessEnvironment.fill(template, details, url(details))));
        return request;
    }

    /** One revision up or down through the helper; a failure names the revision, file, line, statement, SQLSTATE. */
    private JsonNode run(String operation, Migration migration, boolean failAtEnd) {
        return run(request(operation, migration, failAtEnd, database.get()), operation.equals("upgrade") ? "up" : "down",
                migration, operation + " of " + migration.displayName());
    }

    private JsonNode run(ObjectNode request, String phase, Migration migration, String what) {
        JsonNode result = HelperStep.run(source.helper(dialect), request, source.timeout(), sessions, guard, phase,
                migration, what);
        source.envConnection(result.path("env_connection").asText(""));
        return result;
    }

    /**
     * The SQLAlchemy URL of the database, its sessions named {@code rehearsal-alembic} so that they are told apart
     * from the application's and the probes'.
     */
    private String url(ConnectionDetails details) {
        if (dialect.engine() == Engine.POSTGRES) {
            return details.url("postgresql") + "?application_name=rehearsal-alembic";
        }
        return details.url("mysql") + "?charset=utf8mb4";
    }

    @Override
    public void applyRepeatables() {
        // Alembic has no repeatable migrations
    }

    /** Found from the up as the helper reports it, where the migration can leave the tool's transaction. */
    @Override
    public UpTransaction upTransaction(Migration migration) {
        return HelperStep.upTransaction(dialect, migration, COMMITS);
    }

    @Override
    public String expectedDownScript(Migration migration) {
        return "a downgrade() in " + migration.up().name().replace(" upgrade()", "");
    }

    @Override
    public Set<String> ownTables() {
        return Set.of(versionTable);
    }
}
