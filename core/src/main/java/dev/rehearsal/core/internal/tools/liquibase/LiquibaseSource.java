package dev.rehearsal.core.internal.tools.liquibase;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A Liquibase changelog ({@code classpath:db/changelog/db.changelog-master.xml}, or YAML, JSON, formatted SQL), read
 * and applied through Liquibase's own API: each changeset is one migration, its up Liquibase's update of that
 * changeset, its down Liquibase's rollback (the changeset's {@code <rollback>} or Liquibase's automatic one).
 * Liquibase is the user's dependency ({@code org.liquibase:liquibase-core}); this class only names it.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LiquibaseSource implements MigrationSource {

    private final String location;
    private final ClassLoader classLoader;
    private final String contexts;
    private final String labels;
    private final List<String> searchPath;

    /**
     * @param contexts Liquibase's context expression, empty for every changeset
     * @param labels   Liquibase's label expression, empty for every changeset
     * @param searchPath the folders Liquibase resolves paths against (its searchPath); empty for the defaults
     */
    public LiquibaseSource(String location, ClassLoader classLoader, String contexts, String labels,
                           List<String> searchPath) {
        this.location = location;
        this.classLoader = classLoader;
        this.contexts = contexts;
        this.labels = labels;
        this.searchPath = List.copyOf(searchPath);
    }

    /** Whether a location names a Liquibase changelog file rather than a folder of migrations. */
    public static boolean recognizes(String location) {
        String spec = location.trim();
        if (spec.contains(",")) {
            return false;
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        boolean changelogFile = lower.endsWith(".xml") || lower.endsWith(".yaml") || lower.endsWith(".yml")
                || lower.endsWith(".json");
        if (changelogFile) {
            return true;
        }
        if (lower.endsWith(".sql") && spec.startsWith("filesystem:")) {
            Path file = Path.of(spec.substring("filesystem:".length()));
            try {
                return Files.isRegularFile(file) && Files.readString(file).stripLeading().toLowerCase(Locale.ROOT)
                        .startsWith("--liquibase formatted sql");
            } catch (IOException e) {
                return false;
            }
        }
        return lower.endsWith(".sql") && lower.contains("changelog");
    }

    @Override
    public String describe() {
        return "Liquibase changelog at " + location + (contexts.isEmpty() ? "" : ", contexts " + contexts)
                + (labels.isEmpty() ? "" : ", labels " + labels);
    }

    @Override
    public MigrationTool open(DataSource dataSource, Dialect dialect) {
        try {
            Class.forName("liquibase.Liquibase", false, classLoader);
        } catch (ClassNotFoundException e) {
            throw new RehearsalException(location + " is a Liquibase changelog, but Liquibase is not on the test class"
                    + " path: add org.liquibase:liquibase-core (4.33 or later) as a test dependency.");
        }
        return new LiquibaseTool(location, classLoader, dataSource, contexts, labels, searchPath);
    }
}
