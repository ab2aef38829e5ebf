package dev.rehearsal.core.internal.tools.django;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.DjangoSettings;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.helper.HelperSource;
import dev.rehearsal.core.internal.helper.HelperStep;
import dev.rehearsal.core.internal.helper.Interpreter;
import dev.rehearsal.core.internal.helper.MissingTool;
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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A Django app's migrations, rehearsed by the project's own Django: the history is what Django's migration graph
 * applies for the app whose migrations folder the location is, in its order; each step is Django's own
 * {@code migrate <app> <target>}, run by one helper process per rehearsal (and per parallel part) that starts the
 * project's {@code manage.py} as {@code python manage.py} does. Nothing of the migrations' Python is read by
 * Rehearsal itself.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DjangoSource extends HelperSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How far above the migrations folder manage.py is looked for. */
    private static final int LEVELS = 5;

    private final DjangoSettings settings;
    private Path folder;
    private Path project;
    private Interpreter python;
    private MigrationHistory history;
    private String app;
    /** The migrations that depend on another app's migration themselves. */
    private Set<String> outside = Set.of();
    private String version = "";

    /** @param timeout how long one step may run (the migration timeout) */
    public DjangoSource(ScriptLocation location, DjangoSettings settings, Duration timeout) {
        super("Django", location, timeout);
        this.settings = settings;
    }

    /** Whether the files are a Django migrations folder of a project with {@code manage.py} above it. */
    public static boolean recognizes(ScriptLocation location, List<ScriptLocation.ScriptFile> files) {
        return files.stream().anyMatch(f -> f.filename().matches("\\d{4}_\\w+\\.py"))
                && location.directory().flatMap(DjangoSource::manageDirectory).isPresent();
    }

    private static Optional<Path> manageDirectory(Path folder) {
        Path dir = folder;
        for (int i = 0; i <= LEVELS && dir != null; i++, dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("manage.py"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /**
     * Yes: each part of a plan in parallel parts runs its migrations through a helper of its own
     * ({@link #forAnotherPart()}), with its own Django, on its own database; nothing of one part's Django is another's.
     */
    @Override
    public boolean runsOnSeveralDatabasesAtOnce() {
        return true;
    }

    @Override
    public HelperSource forAnotherPart() {
        return keptAsThis(new DjangoSource(location, settings, timeout()));
    }

    @Override
    public String describe() {
        return "Django migrations at " + location + (app == null ? "" : " (app " + app + "), run by Django "
                + version + " in " + python.describe());
    }

    @Override
    public synchronized MigrationTool open(DataSource dataSource, Dialect dialect, Supplier<ConnectionDetails> database) {
        handing(database);
        helper(dialect, database.get());
        return new DjangoTool(this, history, app, outside, dataSource, dialect, database, sessions(dataSource));
    }

    /** The helper, started on first use, or again after it was killed; the history read on its first start. */
    synchronized ToolHelper helper(Dialect dialect, ConnectionDetails first) {
        ToolHelper helper = running();
        if (helper != null) {
            return helper;
        }
        if (project == null) {
            folder = location.directory().orElseThrow(() -> new RehearsalException("The Django migrations at "
                    + location + " are not one folder on disk: Rehearsal runs the project's own Django, which imports"
                    + " them from the project. Point the location at the app's migrations folder."));
            project = manageDirectory(folder).orElseThrow(() -> new RehearsalException("No manage.py above the"
                    + " Django migrations at " + folder + ": Rehearsal starts the project as `python manage.py`"
                    + " does. Point the location at the migrations folder of an app inside the project."));
            python = Interpreter.python(settings.python(), "rehearsal.django.python", System.getenv(), project);
        }
        ToolProcessEnvironment environment = environment(ToolProcessEnvironment.of("Django", dialect, first));
        environment.put("PYTHONDONTWRITEBYTECODE", "1");
        if (!settings.settings().isEmpty()) {
            environment.put("DJANGO_SETTINGS_MODULE", settings.settings());
        }
        helper = started(new ToolHelper("Django", python.program(), List.of("-u"), DjangoSource.class, "rehearsal_django.py",
                List.of(project.toString(), folder.toString()), project, environment, new MissingTool(python,
                "Django", "rehearsal.django.python", "the interpreter of the project's virtualenv (such as"
                + " .venv/bin/python), or activate that virtualenv", "pip install django psycopg2; on Debian:"
                + " apt-get install python3-django python3-psycopg2, then rehearsal.django.python=/usr/bin/python3")));
        ObjectNode request = JSON.createObjectNode().put("op", "open")
                .put("session_query", dialect.sessionIdentityQuery());
        if (dialect.locks() != null && dialect.locks().lockTimeoutQuery() != null) {
            request.put("lock_timeout_query", dialect.locks().lockTimeoutQuery());
        }
        JsonNode opened;
        try {
            opened = helper.request(request, Duration.ofMinutes(2), ToolSessions.NONE, f -> f, "loading the migrations");
        } catch (ToolHelper.HelperFailure e) {
            helper.close();
            throw new RehearsalException("Django could not load the migrations at " + folder + ": " + e.getMessage()
                    + "\n  Python: " + python.describe() + "\n  project: " + project + "\n  Python traceback (end):\n    "
                    + HelperStep.tail(e.error().path("traceback").asText(""), 12), e);
        }
        app = opened.path("app").asText();
        version = opened.path("django").asText("");
        if (history == null) {
            history = history(opened.path("migrations"));
            Set<String> depending = new HashSet<>();
            opened.path("migrations").forEach(m -> {
                if (m.path("outside").asBoolean(false)) {
                    depending.add(m.path("name").asText());
                }
            });
            outside = Set.copyOf(depending);
        }
        return helper;
    }

    private MigrationHistory history(JsonNode migrations) {
        List<Migration> list = new ArrayList<>();
        for (JsonNode m : migrations) {
            String name = m.path("name").asText();
            Path file = Path.of(m.path("path").asText());
            String relative = folder.relativize(file).toString();
            list.add(migration(list.size() + 1, name, name.replaceFirst("^\\d+_", "").replace('_', ' '), file,
                    relative + " (forwards)", m.path("reversible").asBoolean(true) ? relative + " (backwards)" : null));
        }
        return history(list, "Django lists no migrations for the app " + app + " at " + folder + ".");
    }
}
