package dev.rehearsal.core.internal.tools.typeorm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A TypeORM history, rehearsed by the project's own TypeORM: the migrations are the ones the project's
 * {@code DataSource} loads, in TypeORM's order, and each step is TypeORM's {@code runMigrations} with exactly that
 * migration pending, or its {@code undoLastMigration}, run by one Node helper process per rehearsal with the
 * project's TypeORM from {@code node_modules}. JavaScript migrations and data source (compiled output, or a project
 * written in JavaScript); TypeScript sources are not loaded.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class TypeormSource extends HelperSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DATA_SOURCES = List.of("data-source.js", "data-source.cjs", "datasource.js");
    private static final int LEVELS = 4;

    private Path folder;
    private Path dataSourceFile;
    private Interpreter node;
    private MigrationHistory history;
    private String table = "migrations";
    private String version = "";
    private final Map<String, String> names = new LinkedHashMap<>();

    /** @param timeout how long one step may run (the migration timeout) */
    public TypeormSource(ScriptLocation location, Duration timeout) {
        super("TypeORM", location, timeout);
    }

    /** Whether the files are TypeORM migrations ({@code <13-digit timestamp>-<Name>.js}) with a data source above. */
    public static boolean recognizes(ScriptLocation location, List<ScriptLocation.ScriptFile> files) {
        return files.stream().anyMatch(f -> f.filename().matches("\\d{13}-\\w+\\.c?js"))
                && location.directory().flatMap(TypeormSource::dataSourceAbove).isPresent();
    }

    private static Optional<Path> dataSourceAbove(Path folder) {
        Path dir = folder;
        for (int i = 0; i <= LEVELS && dir != null; i++, dir = dir.getParent()) {
            for (String name : DATA_SOURCES) {
                if (Files.isRegularFile(dir.resolve(name))) {
                    return Optional.of(dir.resolve(name));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String describe() {
        return "TypeORM migrations at " + location + (history == null ? "" : ", run by TypeORM " + version + " in "
                + node.describe() + " with " + dataSourceFile);
    }

    @Override
    public synchronized MigrationTool open(DataSource dataSource, Dialect dialect, Supplier<ConnectionDetails> database) {
        SessionGuard guard = SessionGuard.throwaway("TypeORM", "a migration at " + location, "build no DataSource of"
                + " your own in a migration: use the queryRunner TypeORM hands it, which Rehearsal points at the"
                + " throwaway database", dialect, dataSource, database);
        handing(database);
        helper(dialect, database.get(), guard);
        return new TypeormTool(this, history, table, names, dataSource, dialect, database, sessions(dataSource), guard);
    }

    /** The helper, started on first use, or again after it was killed; the history read on its first start. */
    synchronized ToolHelper helper(Dialect dialect, ConnectionDetails database, SessionGuard guard) {
        ToolHelper helper = running();
        if (helper != null) {
            return helper;
        }
        if (folder == null) {
            folder = location.directory().orElseThrow(() -> new RehearsalException("The TypeORM migrations at "
                    + location + " are not one folder on disk: Rehearsal runs the project's own TypeORM, which loads"
                    + " them from there. Point the location at the migrations folder."));
            dataSourceFile = dataSourceAbove(folder).orElseThrow(() -> new RehearsalException("No data-source.js"
                    + " beside or above the TypeORM migrations at " + folder + ": Rehearsal runs TypeORM with the"
                    + " project's own DataSource."));
            node = Interpreter.of("", "PATH", "node"); // no setting names another Node yet
        }
        Path project = dataSourceFile.getParent();
        helper = started(new ToolHelper("TypeORM", node.program(), List.of(), TypeormSource.class,
                "rehearsal_typeorm.js", List.of(project.toString(), folder.toString(), dataSourceFile.toString()),
                project, environment(ToolProcessEnvironment.of("TypeORM", dialect, database)),
                new MissingTool(node, "TypeORM", "PATH",
                "a PATH whose first node is the one the project uses",
                "npm install typeorm and its driver (pg, mysql2) in " + project)));
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
                throw new RehearsalException("TypeORM could not list the migrations at " + folder + ": "
                        + e.getMessage() + "\n  data source: " + dataSourceFile + "\n  Node: " + node.describe()
                        + "\n  stack (end):\n    " + HelperStep.tail(e.error().path("traceback").asText(""), 8), e);
            }
            table = opened.path("table").asText("migrations");
            version = opened.path("typeorm").asText("");
            history = history(opened.path("migrations"));
        }
        return helper;
    }

    private MigrationHistory history(JsonNode migrations) {
        List<Migration> list = new ArrayList<>();
        for (JsonNode m : migrations) {
            String name = m.path("name").asText();
            if (m.path("path").isNull() || m.path("path").isMissingNode()) {
                throw new RehearsalException("TypeORM's DataSource (" + dataSourceFile + ") loads the migration "
                        + name + ", which is not in " + folder + ": point the location at the folder the"
                        + " DataSource's migrations option names.");
            }
            Path path = Path.of(m.path("path").asText());
            names.put(name, path.getFileName().toString());
            String relative = folder.relativize(path).toString();
            String description = name.replaceFirst("\\d{13}$", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                    .toLowerCase(Locale.ROOT);
            list.add(migration(list.size() + 1, name, description, path, relative + " up", relative + " down"));
        }
        return history(list, "TypeORM's DataSource (" + dataSourceFile + ") loads no migrations.");
    }

    /** Whether the data source runs migrations without a transaction ({@code migrationsTransactionMode: 'none'}). */
    synchronized boolean withoutTransactions() {
        return shows(dataSourceFile, WITHOUT_TRANSACTIONS);
    }

    private static final Pattern WITHOUT_TRANSACTIONS = Pattern.compile(
            "migrationsTransactionMode\\s*:\\s*['\"`]none");
}
