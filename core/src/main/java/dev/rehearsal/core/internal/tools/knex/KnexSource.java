package dev.rehearsal.core.internal.tools.knex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.KnexSettings;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.helper.HelperSource;
import dev.rehearsal.core.internal.helper.HelperStep;
import dev.rehearsal.core.internal.helper.Interpreter;
import dev.rehearsal.core.internal.helper.MissingTool;
import dev.rehearsal.core.internal.helper.SessionGuard;
import dev.rehearsal.core.internal.helper.ToolHelper;
import dev.rehearsal.core.internal.helper.ToolProcessEnvironment;
import dev.rehearsal.core.internal.locks.ToolSessions;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A Knex history, rehearsed by the project's own Knex: the migrations are the ones {@code knex.migrate.list()} gives
 * for the folder, in its order, and each step is {@code knex.migrate.up} or {@code down} for one named migration, run
 * by one Node helper process per rehearsal (and per parallel part) with the project's knexfile and its Knex from
 * {@code node_modules}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class KnexSource extends HelperSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KNEXFILES = List.of("knexfile.js", "knexfile.cjs");
    private static final int LEVELS = 5;

    private final KnexSettings settings;
    private Path folder;
    private Path knexfile;
    private Interpreter node;
    private MigrationHistory history;
    private String table = "knex_migrations";
    private String version = "";
    private final Map<String, String> files = new LinkedHashMap<>();

    /** @param timeout how long one step may run (the migration timeout) */
    public KnexSource(ScriptLocation location, KnexSettings settings, Duration timeout) {
        super("Knex", location, timeout);
        this.settings = settings;
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

    /**
     * Yes: each part of a plan in parallel parts runs its migrations through a Node helper of its own
     * ({@link #forAnotherPart()}), with its own Knex, on its own database; nothing of one part's Knex is another's.
     */
    @Override
    public boolean runsOnSeveralDatabasesAtOnce() {
        return true;
    }

    @Override
    public HelperSource forAnotherPart() {
        return keptAsThis(new KnexSource(location, settings, timeout()));
    }

    @Override
    public String describe() {
        return "Knex migrations at " + location + (history == null ? "" : ", run by Knex "
                + version + " in " + node.describe() + " with " + knexfile);
    }

    @Override
    public synchronized MigrationTool open(DataSource dataSource, Dialect dialect, Supplier<ConnectionDetails> database) {
        SessionGuard guard = SessionGuard.throwaway("Knex", "the knexfile or a migration at " + location,
                "connect through the Knex each migration is given, which Rehearsal points at the throwaway database,"
                        + " not a Knex, pg or mysql2 client whose database the migration's own code names",
                dialect, dataSource, database);
        handing(database);
        helper(dialect, database.get(), guard);
        return new KnexTool(this, history, table, files, dataSource, dialect, database, sessions(dataSource), guard);
    }

    /**
     * The helper, started on first use, or again after it was killed; the history read on its first start, every
     * session Knex opens for it checked by {@code guard}.
     */
    synchronized ToolHelper helper(Dialect dialect, ConnectionDetails database, SessionGuard guard) {
        ToolHelper helper = running();
        if (helper != null) {
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
        helper = started(new ToolHelper("Knex", node.program(), List.of(), KnexSource.class, "rehearsal_knex.js",
                List.of(project.toString(), folder.toString(), knexfile.toString(), environment), project,
                environment(ToolProcessEnvironment.of("Knex", dialect, database)),
                new MissingTool(node, "Knex", "rehearsal.knex.node", "the Node the project uses",
                        "npm install knex and its driver (pg, mysql2) in " + project)));
        if (history == null) {
            ObjectNode request = JSON.createObjectNode().put("op", "open")
                    .put("session_query", dialect.sessionIdentityQuery());
            HelperStep.database(request, database, dialect, this);
            JsonNode opened;
            try {
                opened = helper.request(request, Duration.ofMinutes(2), ToolSessions.NONE, f -> f,
                        "listing the migrations", guard);
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
        for (JsonNode m : migrations) {
            String file = m.path("name").asText();
            Path path = Path.of(m.path("path").asText());
            String name = file.replaceFirst("\\.[^.]+$", "");
            files.put(name, file);
            String relative = folder.relativize(path).toString();
            list.add(migration(list.size() + 1, name, name.replaceFirst("^\\d+_", "").replace('_', ' '), path,
                    relative + " up", relative + " down"));
        }
        return history(list, "Knex lists no migrations in " + folder + " (its loadExtensions and the knexfile's"
                + " migrations settings decide which files count).");
    }

    /** Whether the knexfile runs every migration without a transaction ({@code disableTransactions: true}). */
    synchronized boolean withoutTransactions() {
        return shows(knexfile, WITHOUT_TRANSACTIONS);
    }

    private static final Pattern WITHOUT_TRANSACTIONS = Pattern.compile(
            "disableTransactions\\s*:\\s*true");
}
