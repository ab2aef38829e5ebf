package dev.rehearsal.core.internal.tools.alembic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.AlembicSettings;
import dev.rehearsal.core.HistoryDefectException;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.helper.HelperSource;
import dev.rehearsal.core.internal.helper.MissingTool;
import dev.rehearsal.core.internal.helper.ToolHelper;
import dev.rehearsal.core.internal.helper.ToolProcessEnvironment;
import dev.rehearsal.core.internal.locks.ToolSessions;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Alembic revision files, rehearsed by the project's own Alembic: the history is what Alembic's script directory
 * lists (branches and merges in the order {@code alembic upgrade} applies them), and each revision is applied and
 * reverted by Alembic running the project's env.py, in one helper process for the whole rehearsal
 * ({@link ToolHelper}). Nothing of the revisions' Python is read by Rehearsal itself.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AlembicSource extends HelperSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AlembicSettings settings;
    private AlembicProject project;
    private MigrationHistory history;
    private String versionTable;
    private String version = "";
    private volatile String envConnection = "";

    /** @param timeout how long one revision may run (the migration timeout) */
    public AlembicSource(ScriptLocation location, AlembicSettings settings, Duration timeout) {
        super("Alembic", location, timeout);
        this.settings = settings;
    }

    /**
     * Yes: each part of a plan in parallel parts runs its revisions through a helper of its own
     * ({@link #forAnotherPart()}), on its own database; nothing of one part's Alembic is another's.
     */
    @Override
    public boolean runsOnSeveralDatabasesAtOnce() {
        return true;
    }

    @Override
    public HelperSource forAnotherPart() {
        return keptAsThis(new AlembicSource(location, settings, timeout()));
    }

    @Override
    public String describe() {
        return "Alembic revisions at " + location + (project == null ? "" : ", run by Alembic " + version + " in "
                + project.describePython()) + envConnectionNote();
    }

    /**
     * Records how env.py took what Rehearsal hands it in {@code config.attributes["connection"]}, as the helper
     * reports it after each run of env.py: {@code connection}, {@code connect()}, {@code AsyncEngine}, or empty where
     * env.py did not read it.
     */
    void envConnection(String how) {
        if (how != null && !how.isEmpty()) {
            envConnection = how;
        }
    }

    /**
     * Which branch of env.py ran, where env.py takes its connection from {@code config.attributes}: the one for a
     * connection handed over (pytest-alembic's, Alembic's cookbook's), not the one {@code alembic upgrade} runs.
     */
    private String envConnectionNote() {
        String how = switch (envConnection) {
            case "connect()" -> "took the connection Rehearsal hands in config.attributes[\"connection\"] and called"
                    + " its connect(), as it does with the Engine pytest-alembic hands there";
            case "connection" -> "took the connection Rehearsal hands in config.attributes[\"connection\"], as"
                    + " Alembic's cookbook shares one";
            case "AsyncEngine" -> "took the AsyncEngine Rehearsal hands in config.attributes[\"connection\"], as"
                    + " pytest-alembic hands one to an async env.py";
            default -> null;
        };
        return how == null ? "" : "; env.py " + how + ": a new one for every revision and direction. Where env.py"
                + " builds its own engine from sqlalchemy.url when it gets none, as under `alembic upgrade`, that"
                + " branch was not run";
    }

    @Override
    public synchronized MigrationTool open(DataSource dataSource, Dialect dialect, Supplier<ConnectionDetails> database) {
        handing(database);
        helper(dialect);
        return new AlembicTool(this, history, dataSource, dialect, database, sessions(dataSource), project);
    }

    /** The helper, started and given the script directory on first use, or again after it was killed. */
    synchronized ToolHelper helper(Dialect dialect) {
        ToolHelper helper = running();
        if (helper != null) {
            return helper;
        }
        if (project == null) {
            Path versions = location.directory().orElseThrow(() -> new RehearsalException("The Alembic revisions at "
                    + location + " are not one folder on disk (inside a jar, or several locations): Rehearsal runs"
                    + " the project's own Alembic, which reads its script directory from disk. Point the location at"
                    + " the versions folder of the project."));
            project = AlembicProject.find(versions, settings, System.getenv());
        }
        MissingTool missing = new MissingTool(project.interpreter(), "Alembic", "rehearsal.alembic.python",
                "the interpreter of the project's virtualenv (such as .venv/bin/python), or activate that virtualenv",
                "pip install alembic; on Debian: apt-get install python3-alembic python3-psycopg2, then"
                        + " rehearsal.alembic.python=/usr/bin/python3");
        helper = started(new ToolHelper("Alembic", project.python(), List.of("-u"), AlembicSource.class,
                "rehearsal_alembic.py", List.of(), project.workingDirectory(), environment(ToolProcessEnvironment
                        .beforeItsDatabase("Alembic", dialect).mapped(settings.environment().keySet(),
                                "rehearsal.alembic.env.<NAME>=${url}").put("PYTHONDONTWRITEBYTECODE", "1")),
                missing));
        ObjectNode request = JSON.createObjectNode().put("op", "open")
                .put("script_location", project.scriptLocation().toString());
        if (project.config() != null) {
            request.put("config", project.config().toString());
        }
        if (!settings.name().isEmpty()) {
            request.put("name", settings.name());
        }
        settings.x().forEach(request.withArray("x")::add);
        if (dialect.locks() != null && dialect.locks().lockTimeoutQuery() != null) {
            request.put("lock_timeout_query", dialect.locks().lockTimeoutQuery());
        }
        request.put("session_query", dialect.sessionIdentityQuery());
        JsonNode opened;
        try {
            opened = helper.request(request, Duration.ofMinutes(2), ToolSessions.NONE, file -> file,
                    "loading the revisions");
        } catch (ToolHelper.HelperFailure e) {
            helper.close();
            JsonNode error = e.error();
            String message = "Alembic could not load the revisions at " + location + ": " + e.getMessage()
                    + (error.path("file").isTextual() ? "\n  at " + error.path("file").asText() + ", line "
                    + error.path("line").asInt() + ": " + error.path("code").asText() : "")
                    + "\n  Python: " + project.describePython()
                    + (project.config() == null ? "" : "\n  alembic.ini: " + project.config())
                    + "\n  `alembic history` in " + project.workingDirectory() + " shows the same error, as Alembic"
                    + " reads the revisions the same way.";
            // a module the interpreter lacks says which Python runs, not what the history holds
            // (or a variable the environment lacks: Rehearsal removes those that name another database)
            boolean missingModule = error.path("type").asText("").matches("ModuleNotFoundError|ImportError|KeyError");
            throw missingModule ? new RehearsalException(message, e) : new HistoryDefectException(message, e);
        }
        if (history == null) {
            history = history(opened.path("revisions"));
        }
        version = opened.path("alembic").asText("");
        return helper;
    }

    private MigrationHistory history(JsonNode revisions) {
        List<Migration> migrations = new ArrayList<>();
        for (JsonNode r : revisions) {
            String id = r.path("id").asText();
            Path file = Path.of(r.path("path").asText());
            String name = project.versions().relativize(file).toString();
            String doc = r.path("doc").asText("").lines().findFirst().orElse("").strip();
            String description = doc.isEmpty() ? name.replaceFirst("^" + id + "_?", "").replaceFirst("\\.py$", "")
                    .replace('_', ' ') : doc;
            migrations.add(migration(migrations.size() + 1, id, description, file, name + " upgrade()",
                    name + " downgrade()"));
        }
        requireOneHead(revisions);
        return history(migrations, "Alembic lists no revisions in " + project.scriptLocation() + ": the versions"
                + " folder holds no revision file Alembic reads (revision = '...' at the top).");
    }

    /**
     * Fails on a history with several heads none of which is a labelled branch: {@code alembic upgrade head} refuses
     * it, so the deploy would too. Branches meant to stay apart carry {@code branch_labels} and are rehearsed.
     */
    private void requireOneHead(JsonNode revisions) {
        Set<String> referenced = new HashSet<>();
        revisions.forEach(r -> r.path("down").forEach(d -> referenced.add(d.asText())));
        List<JsonNode> heads = new ArrayList<>();
        revisions.forEach(r -> {
            if (!referenced.contains(r.path("id").asText())) {
                heads.add(r);
            }
        });
        // by id, not in the order the helper listed the files, which is the file system's
        heads.sort(Comparator.comparing(h -> h.path("id").asText()));
        boolean labelled = heads.stream().allMatch(h -> !h.path("branch_labels").isEmpty());
        if (heads.size() > 1 && !labelled) {
            List<String> ids = heads.stream().map(h -> h.path("id").asText()).toList();
            throw new HistoryDefectException("The Alembic history at " + location + " has " + heads.size() + " heads: "
                    + String.join(", ", ids) + " (" + String.join(", ", heads.stream().map(h -> project.versions()
                    .relativize(Path.of(h.path("path").asText())).toString()).toList()) + "). `alembic upgrade head`"
                    + " refuses such a history. Merge them, as Alembic suggests: alembic merge -m \"merge\" "
                    + String.join(" ", ids) + "; or give each branch its branch_labels if they are meant to stay apart.");
        }
    }

    /** The version table env.py configures, learned once per rehearsal through {@code learn}. */
    synchronized String versionTable(Supplier<String> learn) {
        if (versionTable == null) {
            String table = learn.get();
            versionTable = table.matches("[A-Za-z_][A-Za-z0-9_.]*") ? table : "alembic_version";
        }
        return versionTable;
    }

    AlembicSettings settings() {
        return settings;
    }
}
