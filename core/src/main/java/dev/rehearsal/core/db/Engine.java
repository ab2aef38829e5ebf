package dev.rehearsal.core.db;

import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A database engine Rehearsal rehearses on. The one place that tells an engine from a JDBC URL or a container image
 * name, so that providers, the JUnit extension and reports never compare strings of their own. Each engine has one
 * {@link Dialect} ({@link Dialect#engine()}).
 */
@API(status = API.Status.STABLE, since = "0.1")
public enum Engine {

    /** PostgreSQL: the embedded server, a named server ({@code jdbc:postgresql:}) or a {@code postgres} image. */
    POSTGRES("PostgreSQL", "postgres", List.of("jdbc:postgresql:")),

    /**
     * MariaDB, and MySQL servers through the MariaDB driver ({@code jdbc:mariadb:}, {@code jdbc:mysql:}); a
     * {@code mariadb} image. There is no embedded MariaDB.
     */
    MARIADB("MariaDB", "mariadb", List.of("jdbc:mariadb:", "jdbc:mysql:"));

    private final String displayName;
    private final String officialImage;
    private final List<String> urlPrefixes;

    Engine(String displayName, String officialImage, List<String> urlPrefixes) {
        this.displayName = displayName;
        this.officialImage = officialImage;
        this.urlPrefixes = urlPrefixes;
    }

    /** {@code PostgreSQL}, {@code MariaDB}. */
    public String displayName() {
        return displayName;
    }

    /** The repository of the engine's official image ({@code postgres}, {@code mariadb}). */
    public String officialImage() {
        return officialImage;
    }

    /** The lower-case name used in matrix targets and settings ({@code postgres}, {@code mariadb}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a JDBC URL points at this engine. */
    public boolean accepts(String jdbcUrl) {
        return urlPrefixes.stream().anyMatch(jdbcUrl::startsWith);
    }

    /** The engine a JDBC URL points at; empty for a URL of another engine. */
    public static Optional<Engine> ofJdbcUrl(String jdbcUrl) {
        for (Engine engine : values()) {
            if (engine.accepts(jdbcUrl)) {
                return Optional.of(engine);
            }
        }
        return Optional.empty();
    }

    /** The engine named {@code postgres} or {@code mariadb} (any case); empty for other text. */
    public static Optional<Engine> ofId(String id) {
        for (Engine engine : values()) {
            if (engine.id().equalsIgnoreCase(id.trim())) {
                return Optional.of(engine);
            }
        }
        return Optional.empty();
    }

    /**
     * The engine a container image runs, from the last part of its repository name: {@code mariadb} in it means
     * MariaDB ({@code mariadb:11.4}, {@code rehearsal/mariadb:10.11-debian}), anything else PostgreSQL.
     *
     * @throws RehearsalException for a MySQL image, which Rehearsal does not run in containers
     */
    public static Engine ofImage(String image) {
        String repository = image.trim();
        int digest = repository.indexOf('@');
        if (digest >= 0) {
            repository = repository.substring(0, digest);
        }
        int slash = repository.lastIndexOf('/');
        int tag = repository.lastIndexOf(':');
        if (tag > slash) {
            repository = repository.substring(0, tag);
        }
        String last = repository.substring(repository.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (last.contains("mysql")) {
            throw new RehearsalException("Image " + image + " looks like MySQL, which Rehearsal does not run in"
                    + " containers yet; use a mariadb image, or a MySQL server through rehearsal.jdbc.url.");
        }
        return last.contains(MARIADB.officialImage) ? MARIADB : POSTGRES;
    }
}
