package dev.rehearsal.core.internal.tools.liquibase;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Liquibase: the location names its changelog file, recognised before any folder is read; the application's
 * {@code spring.liquibase.change-log} is the location when the test names none.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LiquibaseDescriptor implements ToolDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = new LiquibaseDescriptor();

    private LiquibaseDescriptor() {
    }

    @Override
    public String format() {
        return "liquibase";
    }

    @Override
    public String layout() {
        return "a changelog file: db.changelog-master.xml, .yaml, .json or formatted .sql, through Liquibase's API";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return level == Claim.LOCATION && !location.spec().isEmpty() && LiquibaseSource.recognizes(location.spec());
    }

    @Override
    public boolean readsFolder() {
        return false;
    }

    /** The changelog file, which must exist where the location says. */
    @Override
    public MigrationSource source(MigrationLocation location) {
        String spec = location.spec();
        ClassLoader classLoader = location.classLoader();
        ToolSettings tool = location.settings().tool();
        if (!spec.toLowerCase(Locale.ROOT).matches(".*\\.(xml|ya?ml|json|sql)")) {
            throw new RehearsalException("Liquibase reads a changelog file, but " + spec + " names no changelog file:"
                    + " give the master changelog as the location, such as"
                    + " classpath:db/changelog/db.changelog-master.xml (.yaml, .json or a formatted .sql).");
        }
        boolean exists = spec.startsWith("filesystem:")
                ? Files.isRegularFile(Path.of(spec.substring("filesystem:".length())))
                : classLoader.getResource(spec.replaceFirst("^classpath:", "").replaceFirst("^/", "")) != null;
        if (!exists) {
            throw new RehearsalException("No migrations found: the Liquibase changelog " + spec + " does not exist."
                    + " Check @MigrationTest(migrations = ...) or rehearsal.migrations (classpath:db/changelog/"
                    + "db.changelog-master.xml for src/main/resources/db/changelog/db.changelog-master.xml).");
        }
        // the application's spring.liquibase.contexts and label-filter, where Rehearsal's own settings say nothing
        SpringLiquibase spring = tool.liquibaseContexts().isEmpty() || tool.liquibaseLabels().isEmpty()
                ? SpringLiquibase.read(classLoader) : SpringLiquibase.NONE;
        return new LiquibaseSource(spec, classLoader,
                tool.liquibaseContexts().isEmpty() ? spring.contexts() : tool.liquibaseContexts(),
                tool.liquibaseLabels().isEmpty() ? spring.labels() : tool.liquibaseLabels(), tool.liquibaseSearchPath());
    }

    /** The application's {@code spring.liquibase.change-log}. */
    @Override
    public Optional<String> defaultLocation(ToolSettings tool, ClassLoader classLoader) {
        return Optional.ofNullable(SpringLiquibase.read(classLoader).changeLog());
    }
}
