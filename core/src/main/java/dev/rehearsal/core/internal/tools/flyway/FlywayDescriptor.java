package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.tools.Claim;
import dev.rehearsal.core.internal.tools.MigrationLocation;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Flyway: {@code V}, {@code U} and {@code R} scripts by name; where no tool knows the names, the prefix and separator
 * of the team's own Flyway configuration (read only then: it may start Spring Boot's binder, which a history of
 * another tool should not wait for). The configuration's {@code locations} are where the migrations are when the
 * test does not say.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FlywayDescriptor implements ToolDescriptor {

    /** The tool, as the registry lists it. */
    public static final ToolDescriptor TOOL = new FlywayDescriptor();

    private FlywayDescriptor() {
    }

    @Override
    public String format() {
        return "flyway";
    }

    @Override
    public String layout() {
        return "V<version>__<name>.sql, U<version>__<name>.sql undo scripts, R__<name>.sql";
    }

    @Override
    public boolean claims(Claim level, MigrationLocation location) {
        return switch (level) {
            case FILE_NAMES -> FlywaySource.recognizes(location.files());
            case FALLBACK -> FlywaySource.recognizes(location.files(), teamConfig(location.settings(),
                    location.classLoader()));
            default -> false;
        };
    }

    @Override
    public MigrationSource source(MigrationLocation location) {
        return new FlywaySource(location.folder(), location.settings(), location.classLoader(),
                teamConfig(location.settings(), location.classLoader()));
    }

    /**
     * The {@code locations} of the team's Flyway configuration ({@code flyway.conf}, {@code flyway.toml},
     * {@code spring.flyway.locations}), Spring Boot's {@code {vendor}} resolved.
     */
    @Override
    public Optional<String> defaultLocation(ToolSettings tool, ClassLoader classLoader) {
        List<String> locations = FlywayConfigFiles.load(tool, classLoader, Path.of(""), List.of()).locations();
        return locations.isEmpty() ? Optional.empty()
                : Optional.of(String.join(",", locations.stream().map(l -> vendor(l, classLoader)).toList()));
    }

    /** The team's Flyway configuration files, found from the working directory (the project's under Maven). */
    private static FlywayConfigFiles.Loaded teamConfig(RehearsalSettings settings, ClassLoader classLoader) {
        return FlywayConfigFiles.load(settings.tool(), classLoader, Path.of(""), springFolders(settings.migrations()));
    }

    /**
     * A location with Spring Boot's {@code {vendor}} ({@code classpath:db/migration/{vendor}}): the vendor folder that
     * exists, of {@code postgresql}, {@code mariadb} and {@code mysql} (Spring Boot's names for the engines Rehearsal
     * runs); where several exist, which one Spring Boot would take depends on the application's database, so the
     * location must be named.
     */
    private static String vendor(String location, ClassLoader classLoader) {
        if (!location.contains("{vendor}")) {
            return location;
        }
        List<String> existing = Stream.of("postgresql", "mariadb", "mysql")
                .map(v -> location.replace("{vendor}", v))
                .filter(l -> ScriptLocation.parse(l.contains(":") ? l : "classpath:" + l, classLoader).exists()).toList();
        if (existing.size() > 1) {
            throw new RehearsalException("spring.flyway.locations is " + location + ", and several vendor folders"
                    + " exist (" + String.join(", ", existing) + "): Spring Boot takes the one of the application's"
                    + " database. Name the one to rehearse in rehearsal.migrations or @MigrationTest(migrations = ...).");
        }
        return existing.isEmpty() ? location.replace("{vendor}", "postgresql") : existing.get(0);
    }

    /**
     * Where the command line finds a project's {@code application.properties}: the {@code src/<set>/resources} folder
     * a {@code filesystem:} location lies in (under JUnit they are on the class path).
     */
    private static List<Path> springFolders(String migrations) {
        List<Path> folders = new ArrayList<>();
        for (String location : migrations.split(",")) {
            String spec = location.strip();
            if (!spec.startsWith("filesystem:")) {
                continue;
            }
            for (Path dir = Path.of(spec.substring("filesystem:".length())).toAbsolutePath().normalize();
                 dir != null && dir.getParent() != null && dir.getParent().getParent() != null; dir = dir.getParent()) {
                if (dir.getFileName().toString().equals("resources")
                        && dir.getParent().getParent().getFileName().toString().equals("src") && !folders.contains(dir)) {
                    folders.add(dir);
                    break;
                }
            }
        }
        return folders;
    }
}
