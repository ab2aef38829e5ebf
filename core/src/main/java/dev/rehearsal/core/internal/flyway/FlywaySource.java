package dev.rehearsal.core.internal.flyway;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.RehearsalException;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.source.ScriptLocation;
import dev.rehearsal.core.internal.source.ScriptLocation.ScriptFile;
import org.apiguardian.api.API;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import javax.sql.DataSource;
import java.util.List;
import java.util.function.Consumer;

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
    private final Consumer<FluentConfiguration> customizer;
    private final ClassLoader classLoader;

    public FlywaySource(ScriptLocation location, RehearsalSettings settings, ClassLoader classLoader,
                        Consumer<FluentConfiguration> customizer) {
        this.location = location;
        this.settings = settings;
        this.classLoader = classLoader;
        this.customizer = customizer;
    }

    /** Whether the files look like a Flyway history (at least one {@code V<version>__} script). */
    public static boolean recognizes(List<ScriptFile> files) {
        return files.stream().anyMatch(f -> f.filename().matches("V[0-9][^_]*(_[0-9]+)*__.*\\.sql"));
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

    @Override
    public MigrationTool open(DataSource dataSource, Dialect dialect) {
        if (!flywayAvailable(classLoader)) {
            throw flywayMissing(location.toString());
        }
        return new FlywayTool(location, location.files(), settings, dataSource, dialect, classLoader, customizer);
    }
}
