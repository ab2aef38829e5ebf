package dev.rehearsal.core.config;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.Engine;
import org.apiguardian.api.API;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where throwaway databases come from, as {@code rehearsal.provider}, {@code rehearsal.jdbc.url},
 * {@code rehearsal.image} and their MariaDB counterparts say, with what a test's annotation or the command line's
 * flags declare on top: an image named means a container, a URL means that server, else the embedded PostgreSQL.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ProviderChoice {

    /** The kinds of provider, as {@code rehearsal.provider} names them. */
    public enum Kind {
        AUTO, EMBEDDED, SERVER, TESTCONTAINERS;

        /** {@code embedded}, {@code server} (or {@code jdbc}), {@code testcontainers} (or {@code docker}), else auto. */
        public static Kind parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "embedded" -> EMBEDDED;
                case "server", "jdbc" -> SERVER;
                case "testcontainers", "docker", "container" -> TESTCONTAINERS;
                default -> AUTO;
            };
        }
    }

    /** The PostgreSQL image of a container when none is named. */
    public static final String DEFAULT_POSTGRES_IMAGE = "postgres:17";

    private ProviderChoice() {
    }

    /**
     * The provider for {@code engine} (null: any engine a URL or image names).
     *
     * @param declared      the kind a test's annotation or a flag declares; {@link Kind#AUTO} defers to the settings
     * @param declaredImage an image a test's annotation or a flag names, else empty
     * @param server        makes the provider of throwaway databases on a server URL (the extension shares one per run)
     */
    public static DatabaseProvider select(Configuration configuration, Kind declared, String declaredImage, Engine engine,
                                          Function<String, DatabaseProvider> server) {
        Kind kind = declared != Kind.AUTO ? declared
                : configuration.text(Setting.PROVIDER).map(Kind::parse).orElse(Kind.AUTO);
        Optional<String> jdbcUrl = configuration.text(Setting.JDBC_URL);
        Optional<String> image = configuration.text(declaredImage, Setting.IMAGE);
        if (engine == Engine.MARIADB) {
            Optional<String> url = configuration.text(Setting.MARIADB_URL).or(() -> jdbcUrl.filter(Engine.MARIADB::accepts));
            String mariaImage = configuration.text(Setting.MARIADB_IMAGE)
                    .or(() -> image.filter(i -> Engine.ofImage(i) == Engine.MARIADB))
                    .orElse(Setting.MARIADB_IMAGE.documentedDefault());
            return switch (kind) {
                case EMBEDDED -> throw new RehearsalException("There is no embedded MariaDB: for Engine.MARIADB set"
                        + " rehearsal.provider to server (with rehearsal.mariadb.url) or testcontainers.");
                case SERVER -> server.apply(url.orElseThrow(() -> missingUrl(Setting.MARIADB_URL,
                        "jdbc:mariadb://127.0.0.1:3306/test")));
                case TESTCONTAINERS -> DatabaseProviders.container(mariaImage);
                case AUTO -> url.isPresent() ? server.apply(url.get()) : mariaDbContainer(mariaImage);
            };
        }
        Optional<String> url = engine == null ? jdbcUrl : jdbcUrl.filter(u -> !Engine.MARIADB.accepts(u));
        DatabaseProvider provider = switch (kind) {
            case EMBEDDED -> DatabaseProviders.embeddedPostgres();
            case SERVER -> server.apply(url.orElseThrow(() -> missingUrl(Setting.JDBC_URL,
                    "jdbc:postgresql://127.0.0.1:5432/postgres")));
            case TESTCONTAINERS -> DatabaseProviders.container(image.orElse(DEFAULT_POSTGRES_IMAGE));
            case AUTO -> image.isPresent() ? DatabaseProviders.container(image.get())
                    : url.isPresent() ? server.apply(url.get()) : DatabaseProviders.embeddedPostgres();
        };
        PostgresMajor.require(configuration, provider);
        return provider;
    }

    /**
     * Throwaway databases on the server at {@code url}, with the account {@code rehearsal.jdbc.user} /
     * {@code rehearsal.jdbc.password} name (MariaDB: {@code rehearsal.mariadb.user} / {@code .password} first), else
     * the environment ({@code REHEARSAL_JDBC_USER}, ...), else the URL's own.
     */
    public static DatabaseProvider server(Configuration configuration, String url) {
        String[] account = account(configuration, url);
        return DatabaseProviders.server(url, account[0], account[1]);
    }

    /** The user and password (each null when unset) for the server at {@code url}. */
    public static String[] account(Configuration configuration, String url) {
        boolean mariaDb = Engine.MARIADB.accepts(url);
        String user = (mariaDb ? configuration.text(Setting.MARIADB_USER) : Optional.<String>empty())
                .or(() -> configuration.text(Setting.JDBC_USER)).orElse(null);
        String password = (mariaDb ? configuration.text(Setting.MARIADB_PASSWORD) : Optional.<String>empty())
                .or(() -> configuration.text(Setting.JDBC_PASSWORD)).orElse(null);
        return new String[]{user, password};
    }

    private static DatabaseProvider mariaDbContainer(String image) {
        try {
            return DatabaseProviders.container(image);
        } catch (RehearsalException e) {
            throw new RehearsalException("Engine.MARIADB needs a MariaDB: set rehearsal.mariadb.url to a server where"
                    + " Rehearsal may create databases (jdbc:mariadb://127.0.0.1:3306/test), or run Docker with"
                    + " org.testcontainers:testcontainers-mariadb for a container of " + image + " (rehearsal.mariadb.image)."
                    + " Without them: " + e.getMessage(), e);
        }
    }

    private static RehearsalException missingUrl(Setting parameter, String example) {
        return new RehearsalException("The server provider needs " + parameter.key() + ", the JDBC URL of a server where"
                + " Rehearsal may create databases (" + example + ").");
    }
}
