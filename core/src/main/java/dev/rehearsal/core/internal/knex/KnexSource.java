package dev.rehearsal.core.internal.knex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.KnexSettings;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.helper.HelperStep;
import dev.rehearsal.core.internal.helper.Interpreter;
import dev.rehearsal.core.internal.helper.MissingTool;
import dev.rehearsal.core.internal.helper.ToolHelper;
import dev.rehearsal.core.internal.locks.ObservedDataSource;
import dev.rehearsal.core.internal.locks.ToolSessions;
import dev.rehearsal.core.internal.source.ScriptLocation;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Knex history, rehearsed by the project's own Knex: the migrations are the ones {@code knex.migrate.list()} gives
 * for the folder, in its order, and each step is {@code knex.migrate.up} or {@code down} for one named migration, run
 * by one Node helper process per rehearsal with the project's knexfile and its Knex from {@code node_modules}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class KnexSource implements MigrationSource, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KNEXFILES = List.of("knexfile.js", "knexfile.cjs");
    private static final int LEVELS = 5;

    private final ScriptLocation location;
    private final KnexSettings settings;
    private final Duration timeout;
    private Path folder;
    private Path knexfile;
    private Interpreter node;
    private ToolHelper helper;
    private MigrationHistory history;
    private String table = "knex_migrations";
    private String version = "";
    private final Map<String, String> files = new LinkedHashMap<>();

    /** @param timeout how long one step may run (the migration timeout) */
    public KnexSource(ScriptLocation location, KnexSettings settings, Duration timeout) {
        this.location = location;
        this.settings = settings;
        this.timeout = timeout;
    }

    /** Whether the files are Knex migrations ({@code <number>_<name>.js}) with a knexfile beside or above them. */
    public static boolean recognizes(ScriptLocation location, List<ScriptLocation.ScriptFile> files) {
        return files.stream().anyMatch(f -> f.filename().matches("\\d+_.+\\.(c|m)?js"))
                && location.directory().flatMap(KnexSource::knexfileAbove).isPresent();
    }

    private static Optional<Path> knexfileAbove(Path folder) {
        Path dir = folder;
        for (int i = 0; i <= LEVELS && dir != null; i++, dir = dir.getParent()) {
            for (String name : KNEXFILES) {
                if (Files.isRegularFile(dir.resolve(name))) {
                    return Optional.of(dir.resolve(name));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String describe() {
        return "Knex migrations at " + location + (helper == null ? "" : ", run by Knex "
                + version + " in " + node.describe() + " with " + knexfile);
    }

    @Override
    public MigrationTool open(DataSource dataSource, Dialect dialect) {
        throw new RehearsalException("Knex runs outside the JVM and needs the database's address and credentials,"
                + " which a plain data source does not give: rehearse on a database Rehearsal created.");
    }

    @Override
    public synchronized MigrationTool open(DataSource dataSource, Dialect dialect, Supplier<ConnectionDetails> database) {
        helper(dialect, database.get());
        ToolSessions sessions = dataSource instanceof ObservedDataSource observed ? observed.toolSessions()
                : ToolSessions.NONE;
        return new KnexTool(this, history, table, files, dataSource, dialect, database, sessions);
    }

    /** The helper, started on first use, or again after it was killed; the history read on its first start. */
    synchronized ToolHelper helper(Dialect dialect, ConnectionDetails database) {
        if (helper != null && helper.alive()) {
            return helper;
        }
        if (folder == null) {
            folder = location.directory().orElseThrow(() -> new RehearsalException("The Knex migrations at "
                    + location + " are not one folder on disk: Rehearsal runs the project's own Knex, which reads"
                    + " them from there. Point the location at the migrations folder."));
            knexfile = settings.config().isEmpty() ? knexfileAbove(folder).orElseThrow(() -> new RehearsalException(
                    "No knexfile.js beside or above the Knex migrations at " + folder + ": Rehearsal runs Knex with"
                    + " the project's own configuration. Name it in rehearsal.knex.config."))
                    : Path.of(settings.config()).toAbsolutePath().normalize();
            node = Interpreter.of(settings.node(), "rehearsal.knex.node", "node");
        }
        String environment = !settings.environment().isEmpty() ? settings.environment()
                : Optional.ofNullable(System.getenv("NODE_ENV")).filter(e -> !e.isBlank()).orElse("development");
        Path project = knexfile.getParent();
        helper = new ToolHelper("Knex", node.program(), List.of(), KnexSource.class, "rehearsal_knex.js",
                List.of(project.toString(), folder.toString(), knexfile.toString(), environment), project, Map.of(),
                new MissingTool(node, "Knex", "rehearsal.knex.node", "the Node the project uses",
                        "npm install knex and its driver (pg, mysql2) in " + project));
        if (history == null) {
            ObjectNode request = JSON.createObjectNode().put("op", "open");
            KnexTool.database(request, database);
            JsonNode opened;
            try {
                opened = helper.request(request, Duration.ofMinutes(2), ToolSessions.NONE, f -> f, "listing the migrations");
            } catch (ToolHelper.HelperFailure e) {
                helper.close();
                throw new RehearsalException("Knex could not list the migrations at " + folder + ": " + e.getMessage()
                        + "\n  knexfile: " + knexfile + " (environment " + environment + ")\n  Node: " + node.describe()
                        + "\n  stack (end):\n    " + HelperStep.tail(e.error().path("traceback").asText(""), 8), e);
            }
            table = opened.path("table").asText("knex_migrations");
            version = opened.path("knex").asText("");
            history = history(opened.path("migrations"));
        }
        return helper;
    }

    private MigrationHistory history(JsonNode migrations) {
        List<Migration> list = new ArrayList<>();
        int index = 0;
        for (JsonNode m : migrations) {
            String file = m.path("name").asText();
            Path path = Path.of(m.path("path").asText());
            String text;
            try {
                text = Files.readString(path);
            } catch (IOException e) {
                throw new RehearsalException("Could not read the migration file " + path + ": " + e.getMessage(), e);
            }
            String name = file.replaceFirst("\\.[^.]+$", "");
            files.put(name, file);
            String relative = folder.relativize(path).toString();
            list.add(new Migration(MigrationVersion.parse(String.valueOf(++index)),
                    name.replaceFirst("^\\d+_", "").replace('_', ' '), Migration.Type.VERSIONED,
                    new MigrationScript(relative + " up", path.toString(), text),
                    new MigrationScript(relative + " down", path.toString(), text), null, name));
        }
        if (list.isEmpty()) {
            throw new RehearsalException("Knex lists no migrations in " + folder + " (its loadExtensions and the"
                    + " knexfile's migrations settings decide which files count).");
        }
        return new MigrationHistory(location.toString(), list, List.of());
    }

    Duration timeout() {
        return timeout;
    }

    /** Ends the helper process; a later rehearsal with this source starts a new one. */
    @Override
    public synchronized void close() {
        if (helper != null) {
            helper.close();
            helper = null;
        }
    }
}
