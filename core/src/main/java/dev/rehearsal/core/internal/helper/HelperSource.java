package dev.rehearsal.core.internal.helper;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.locks.ObservedDataSource;
import dev.rehearsal.core.internal.locks.ToolSessions;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A history applied by the project's own tool through a {@link ToolHelper} (Alembic, Django, Knex): one helper per
 * rehearsal (and one per parallel part, each from {@link #forAnotherPart()}), started on first use and again after it
 * was killed, ended with the rehearsal. The tool needs the
 * database's address, which a plain data source does not give, so it opens only on databases Rehearsal created.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public abstract class HelperSource implements MigrationSource, AutoCloseable {

    protected final ScriptLocation location;
    private final String tool;
    private final Duration timeout;
    private ToolProcesses processes = ToolProcesses.DEFAULTS;
    /** The databases the tool is handed, each asked again for each session: one per opening (scratch ones too). */
    private final List<Supplier<ConnectionDetails>> handed = new CopyOnWriteArrayList<>();
    private ToolHelper helper;

    protected HelperSource(String tool, ScriptLocation location, Duration timeout) {
        this.tool = tool;
        this.location = location;
        this.timeout = timeout;
    }

    @Override
    public final MigrationTool open(DataSource dataSource, Dialect dialect) {
        throw new RehearsalException(tool + " runs outside the JVM and needs the database's address and credentials,"
                + " which a plain data source does not give: rehearse on a database Rehearsal created.");
    }

    /**
     * How the helper's process is kept to the throwaway database and which variables the user maps to it
     * ({@code rehearsal.containment}, {@code rehearsal.env.<NAME>}); set before the source is opened.
     */
    public final HelperSource processes(ToolSettings settings) {
        processes = ToolProcesses.of(settings);
        return this;
    }

    /** Records a database the tool is handed on opening, which the helper's sessions may then reach. */
    protected final void handing(Supplier<ConnectionDetails> database) {
        handed.add(database);
    }

    /**
     * The environment of the helper's process, contained as {@link #processes} says to the databases the tool was
     * handed, the mapped variables named as the throwaway database's.
     */
    protected final ToolProcessEnvironment environment(ToolProcessEnvironment environment) {
        return processes.apply(environment, () -> handed.stream().map(Supplier::get).toList());
    }

    /**
     * The variables the user maps ({@code rehearsal.env.<NAME>}) filled in for {@code details}, {@code url} being
     * how the tool takes its database's URL; set with each request, so they follow the database of the moment.
     */
    public final Map<String, String> mappedVariables(ConnectionDetails details, String url) {
        return processes.variables(details, url);
    }

    /**
     * A source of the same history whose helper is a process of its own, kept as this one is, for one part of a plan
     * run in parallel parts: the parts then share no process, session or handed database. Null (the default) where
     * the tool is not known to give one run's outcomes in parts; such a tool runs in one part.
     */
    public HelperSource forAnotherPart() {
        return null;
    }

    /** {@code other}, a new source of this one's history, kept to the databases it is handed as this one is. */
    protected final HelperSource keptAsThis(HelperSource other) {
        other.processes = processes;
        return other;
    }

    /** How long one step may run: the migration timeout. */
    public final Duration timeout() {
        return timeout;
    }

    /** The helper while it runs; null before it started and after it was killed or ended. */
    protected final synchronized ToolHelper running() {
        return helper != null && helper.alive() ? helper : null;
    }

    /** Keeps {@code started} as this rehearsal's helper. */
    protected final synchronized ToolHelper started(ToolHelper started) {
        this.helper = started;
        return started;
    }

    /** Where the tool reports its statements: to the trace of {@code dataSource}'s database while one runs. */
    protected static ToolSessions sessions(DataSource dataSource) {
        return dataSource instanceof ObservedDataSource observed ? observed.toolSessions() : ToolSessions.NONE;
    }

    /**
     * The migration at {@code position} of a history the tool listed: {@code id} its name, read from {@code file};
     * its up and down scripts are the file, named {@code upName} and {@code downName} ({@code downName} null where
     * the tool cannot revert it).
     */
    protected static Migration migration(int position, String id, String description, Path file, String upName,
                                         String downName) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new RehearsalException("Could not read the migration file " + file + ": " + e.getMessage(), e);
        }
        return new Migration(MigrationVersion.parse(String.valueOf(position)), description, Migration.Type.VERSIONED,
                new MigrationScript(upName, file.toString(), text),
                downName == null ? null : new MigrationScript(downName, file.toString(), text), null, id);
    }

    /** Whether the project's configuration file {@code file} shows {@code marker}; false where it cannot be read. */
    protected static boolean shows(Path file, Pattern marker) {
        try {
            return file != null && marker.matcher(Files.readString(file)).find();
        } catch (IOException | RuntimeException e) {
            return false; // unreadable here: the tool read it when it started, and each migration's file still tells
        }
    }

    /** The history of {@code migrations}, which must not be empty ({@code none} says why it is). */
    protected final MigrationHistory history(List<Migration> migrations, String none) {
        if (migrations.isEmpty()) {
            throw new RehearsalException(none);
        }
        return new MigrationHistory(location.toString(), new ArrayList<>(migrations), List.of());
    }

    /** Ends the helper process; a later rehearsal with this source starts a new one. */
    @Override
    public final synchronized void close() {
        if (helper != null) {
            helper.close();
            helper = null;
        }
    }
}
