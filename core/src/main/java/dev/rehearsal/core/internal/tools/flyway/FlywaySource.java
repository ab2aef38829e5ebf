package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.flyway.FlywayCustomizer;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.util.List;

/**
 * Flyway histories: {@code V<version>__<description>.sql} run through Flyway's own API, {@code R__*.sql} applied
 * as Flyway applies them, and {@code U<version>__<description>.sql} undo scripts, which Flyway community cannot
 * run, run by Rehearsal statement by statement with Flyway placeholders replaced.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FlywaySource implements MigrationSource {

    static final String DEFAULT_TABLE = "flyway_schema_history";

    private final ScriptLocation location;
    private final RehearsalSettings settings;
    private final ClassLoader classLoader;
    private final FlywayConfigFiles.Loaded teamConfig;

    /** {@code teamConfig}: the team's Flyway configuration files, read already (their locations chose {@code location}). */
    public FlywaySource(ScriptLocation location, RehearsalSettings settings, ClassLoader classLoader,
                        FlywayConfigFiles.Loaded teamConfig) {
        this.location = location;
        this.settings = settings;
        this.classLoader = classLoader;
        this.teamConfig = teamConfig;
    }

    /** Whether the files look like a Flyway history (at least one {@code V<version>__} script). */
    public static boolean recognizes(List<ScriptFile> files) {
        return files.stream().anyMatch(f -> f.filename().matches("V[0-9][^_]*(_[0-9]+)*__.*\\.sql"));
    }

    /** Whether the files fit the prefix and separator the team's configuration gives ({@code M1.2--name.sql}). */
    public static boolean recognizes(List<ScriptFile> files, FlywayConfigFiles.Loaded config) {
        String prefix = config.properties().get("flyway.sqlMigrationPrefix");
        String separator = config.properties().getOrDefault("flyway.sqlMigrationSeparator", "__");
        if (prefix == null && !config.properties().containsKey("flyway.sqlMigrationSeparator")) {
            return false;
        }
        String p = prefix == null ? "V" : prefix;
        return files.stream().anyMatch(f -> f.filename().startsWith(p) && f.filename().contains(separator)
                && f.filename().length() > p.length() && Character.isDigit(f.filename().charAt(p.length())));
    }

    /** Whether Flyway's classes are on the class path. */
    public static boolean flywayAvailable(ClassLoader classLoader) {
        try {
            Class.forName("org.flywaydb.core.Flyway", false, classLoader);
            Class.forName("org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension", false, classLoader);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static RehearsalException flywayMissing(String location) {
        return new RehearsalException("The migrations at " + location + " are a Flyway history, but Flyway is not on the"
                + " test class path. Add org.flywaydb:flyway-core and org.flywaydb:flyway-database-postgresql"
                + " (test scope) to your build.");
    }

    @Override
    public String describe() {
        return "Flyway migrations at " + location;
    }

    /**
     * Yes unless a customizer is named: each tool holds its own Flyway configuration and database. Flyway's log
     * factory is global, but every part sets the same logger ({@link FlywayLog}, or Flyway's own with
     * {@code rehearsal.log.tool=info}), and what Flyway logs while a part drives it is kept by that part's thread
     * ({@link FlywayLog#capture}). A team's customizer is the team's code, which may not expect to run on several
     * threads at once.
     */
    @Override
    public boolean runsOnSeveralDatabasesAtOnce() {
        return customizerName() == null;
    }

    /** The class name of the customizer the settings name; null when none is named. */
    private String customizerName() {
        String name = settings.tool().flywayCustomizer();
        return name == null || name.isBlank() || name.equals(FlywayCustomizer.None.class.getName()) ? null : name;
    }

    @Override
    public MigrationTool open(DataSource dataSource, Dialect dialect) {
        if (!flywayAvailable(classLoader)) {
            throw flywayMissing(location.toString());
        }
        FlywayApi api = FlywayApi.of(classLoader); // an unsupported Flyway fails here, in one line
        return new FlywayTool(location, location.files(), settings, dataSource, dialect, classLoader, teamConfig,
                customizer(), api);
    }

    /** The customizer the settings name, built; null when none is named. */
    private FlywayCustomizer customizer() {
        String name = customizerName();
        if (name == null) {
            return null;
        }
        Class<?> type;
        try {
            type = Class.forName(name.trim(), true, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new RehearsalException("The Flyway customizer class " + name + " cannot be loaded (" + e + ")."
                    + " Name a class on the test class path that implements " + FlywayCustomizer.class.getName()
                    + ", in @MigrationTest(flywayCustomizer = ...) or rehearsal.flyway.customizer.", e);
        }
        if (!FlywayCustomizer.class.isAssignableFrom(type)) {
            throw new RehearsalException("The Flyway customizer " + name + " does not implement "
                    + FlywayCustomizer.class.getName() + ": implement its customize(FluentConfiguration) method.");
        }
        try {
            return (FlywayCustomizer) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            throw new RehearsalException("The Flyway customizer " + name + " cannot be built: " + cause
                    + ". It needs a public no-argument constructor that does not throw.", cause);
        }
    }
}
