package dev.rehearsal.junit.internal;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.RehearsalException;
import dev.rehearsal.junit.AtVersion;
import dev.rehearsal.junit.Engine;
import dev.rehearsal.junit.Provider;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The extension behind {@link MigrationTest}: resolves {@link Rehearsal} and {@link DataSource} parameters with one
 * throwaway database per test (per class for {@code @BeforeAll} methods), kept in the extension context's store and
 * closed through {@link AutoCloseable} when that context ends. The shared embedded server is stopped when the
 * whole test run ends.
 */
public final class RehearsalExtension implements ParameterResolver {

    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RehearsalExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == Rehearsal.class || type == DataSource.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        DefaultRehearsal rehearsal = rehearsal(context);
        return parameterContext.getParameter().getType() == DataSource.class ? rehearsal.dataSource() : rehearsal;
    }

    private DefaultRehearsal rehearsal(ExtensionContext context) {
        MigrationTest annotation = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), MigrationTest.class)
                .orElseThrow(() -> new ExtensionConfigurationException(
                        "Rehearsal parameters need @MigrationTest on " + context.getRequiredTestClass().getName()));
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedServer.class, k -> new SharedServer(), SharedServer.class);
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(DefaultRehearsal.class, k -> open(annotation, context),
                DefaultRehearsal.class);
    }

    private static DefaultRehearsal open(MigrationTest annotation, ExtensionContext context) {
        RehearsalSettings settings = SettingsResolver.resolve(annotation, context);
        Map<String, String> placeholders = new LinkedHashMap<>(SettingsResolver.placeholderProperties());
        placeholders.putAll(settings.placeholders());
        settings = settings.withPlaceholders(placeholders);
        ClassLoader loader = context.getRequiredTestClass().getClassLoader();
        MigrationRehearsal core;
        try {
            core = MigrationRehearsal.start(settings, provider(context), loader);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("Rehearsal could not start for " + context.getDisplayName()
                    + ":\n" + e.getMessage(), e);
        }
        String target = context.getStore(NAMESPACE).get(MatrixExtension.TARGET, String.class);
        // one report per matrix invocation: the target (an engine, a URL, an image) goes into the file name
        String name = context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(m -> "." + m.getName()).orElse("")
                + (target == null ? "" : "." + reportSuffix(target));
        DefaultRehearsal rehearsal = new DefaultRehearsal(core, Path.of(SettingsResolver.reportDir(context)), name, System.out);
        try {
            applyFixtures(core, context);
        } catch (RuntimeException | AssertionError e) {
            rehearsal.close();
            throw new ParameterResolutionException("@AtVersion on " + context.getDisplayName() + " failed:\n"
                    + e.getMessage(), e);
        }
        return rehearsal;
    }

    /**
     * A matrix target as part of a report's file name: without the URL's account and parameters (a password may be
     * among them), and only characters every file system takes.
     */
    static String reportSuffix(String target) {
        return target.replaceFirst("\\?.*$", "").replaceFirst("//[^/@]*@", "//").replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    /** Migrates to each {@link AtVersion} of the test method, in version order, and inserts its fixture there. */
    private static void applyFixtures(MigrationRehearsal core, ExtensionContext context) {
        List<AtVersion> fixtures = context.getTestMethod()
                .map(m -> AnnotationSupport.findRepeatableAnnotations(m, AtVersion.class)).orElse(List.of());
        List<AtVersion> ordered = fixtures.stream()
                .sorted(Comparator.comparing(a -> core.history().require(a.value()).version())).toList();
        for (AtVersion at : ordered) {
            core.migrateTo(at.value());
            if (!at.fixture().isBlank()) {
                core.loadFixture(at.fixture());
            }
        }
    }

    /**
     * The provider for a test: its matrix target when it is a {@link dev.rehearsal.junit.MigrationMatrix} invocation,
     * else the first of the class's {@link MigrationTest#engines()}, else what the settings name (an image, a server
     * URL of any engine, or the embedded PostgreSQL).
     */
    private static DatabaseProvider provider(ExtensionContext context) {
        String matrixTarget = context.getStore(NAMESPACE).get(MatrixExtension.TARGET, String.class);
        if (matrixTarget != null) {
            return provider(context, matrixTarget);
        }
        List<Engine> engines = engines(context);
        return forEngine(context, engines.isEmpty() ? null : engines.get(0));
    }

    /** The engines the test class declares, in order; empty when it declares none. */
    static List<Engine> engines(ExtensionContext context) {
        return context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, MigrationTest.class))
                .map(a -> List.of(a.engines())).orElse(List.of());
    }

    /** The provider for a matrix target: {@code embedded}, {@code postgres}, {@code mariadb}, a JDBC URL or {@code docker:<image>}. */
    static DatabaseProvider provider(ExtensionContext context, String target) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedServer.class, k -> new SharedServer(), SharedServer.class);
        if (MatrixExtension.EMBEDDED.equals(target)) {
            return DatabaseProviders.embeddedPostgres();
        }
        for (Engine engine : Engine.values()) {
            if (engine.name().equalsIgnoreCase(target)) {
                return forEngine(context, engine);
            }
        }
        if (target.startsWith("docker:")) {
            return DatabaseProviders.container(target.substring("docker:".length()));
        }
        if (!target.startsWith("jdbc:")) {
            throw MatrixExtension.badTarget(target);
        }
        return server(context, target, isMariaDb(target));
    }

    /**
     * The provider for one engine as the settings and {@link MigrationTest#provider()} say; {@code engine} null when
     * the class names none (then any engine a URL or image names will do).
     */
    private static DatabaseProvider forEngine(ExtensionContext context, Engine engine) {
        Provider kind = providerKind(context);
        Optional<String> jdbcUrl = parameter(context, SettingsResolver.JDBC_URL);
        Optional<String> image = context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, MigrationTest.class))
                .map(MigrationTest::image).map(String::trim).filter(i -> !i.isEmpty())
                .or(() -> parameter(context, SettingsResolver.IMAGE));
        if (engine == Engine.MARIADB) {
            Optional<String> url = parameter(context, SettingsResolver.MARIADB_URL).or(() -> jdbcUrl.filter(RehearsalExtension::isMariaDb));
            String mariaImage = parameter(context, SettingsResolver.MARIADB_IMAGE)
                    .or(() -> image.filter(i -> i.toLowerCase(java.util.Locale.ROOT).contains("mariadb")))
                    .orElse(DEFAULT_MARIADB_IMAGE);
            return switch (kind) {
                case EMBEDDED -> throw new RehearsalException("There is no embedded MariaDB: for Engine.MARIADB set"
                        + " rehearsal.provider to server (with rehearsal.mariadb.url) or testcontainers.");
                case SERVER -> server(context, url.orElseThrow(() -> missingUrl(SettingsResolver.MARIADB_URL,
                        "jdbc:mariadb://127.0.0.1:3306/test")), true);
                case TESTCONTAINERS -> DatabaseProviders.container(mariaImage);
                case AUTO -> url.isPresent() ? server(context, url.get(), true) : mariaDbContainer(mariaImage);
            };
        }
        Optional<String> url = engine == null ? jdbcUrl : jdbcUrl.filter(u -> !isMariaDb(u));
        return switch (kind) {
            case EMBEDDED -> DatabaseProviders.embeddedPostgres();
            case SERVER -> server(context, url.orElseThrow(() -> missingUrl(SettingsResolver.JDBC_URL,
                    "jdbc:postgresql://127.0.0.1:5432/postgres")), url.map(RehearsalExtension::isMariaDb).orElse(false));
            case TESTCONTAINERS -> DatabaseProviders.container(image.orElse(DEFAULT_POSTGRES_IMAGE));
            case AUTO -> image.isPresent() ? DatabaseProviders.container(image.get())
                    : url.isPresent() ? server(context, url.get(), isMariaDb(url.get())) : DatabaseProviders.embeddedPostgres();
        };
    }

    static final String DEFAULT_POSTGRES_IMAGE = "postgres:17";
    static final String DEFAULT_MARIADB_IMAGE = "mariadb:11.4";

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

    private static RehearsalException missingUrl(String parameter, String example) {
        return new RehearsalException("The server provider needs " + parameter + ", the JDBC URL of a server where"
                + " Rehearsal may create databases (" + example + ").");
    }

    private static Provider providerKind(ExtensionContext context) {
        Provider declared = context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, MigrationTest.class))
                .map(MigrationTest::provider).orElse(Provider.AUTO);
        if (declared != Provider.AUTO) {
            return declared;
        }
        return parameter(context, SettingsResolver.PROVIDER).map(p -> switch (p.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> Provider.AUTO;
            case "embedded" -> Provider.EMBEDDED;
            case "server", "jdbc" -> Provider.SERVER;
            case "testcontainers", "docker", "container" -> Provider.TESTCONTAINERS;
            default -> throw new RehearsalException(SettingsResolver.PROVIDER + "=" + p + " is not a provider: use auto,"
                    + " embedded, server or testcontainers.");
        }).orElse(Provider.AUTO);
    }

    private static Optional<String> parameter(ExtensionContext context, String key) {
        return context.getConfigurationParameter(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static boolean isMariaDb(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:mariadb:") || jdbcUrl.startsWith("jdbc:mysql:");
    }

    /**
     * Throwaway databases on a named server: one provider per URL and user for the whole run, closed (dropping what
     * is left) when the run ends. The account comes from {@code rehearsal.jdbc.user} / {@code rehearsal.jdbc.password}
     * (MariaDB: {@code rehearsal.mariadb.user} / {@code rehearsal.mariadb.password} first), else the environment
     * ({@code REHEARSAL_JDBC_USER}, {@code REHEARSAL_MARIADB_USER}, ...), else the URL's own.
     */
    private static DatabaseProvider server(ExtensionContext context, String url, boolean mariaDb) {
        String user = (mariaDb ? parameter(context, SettingsResolver.MARIADB_USER)
                .or(() -> Optional.ofNullable(System.getenv("REHEARSAL_MARIADB_USER"))) : Optional.<String>empty())
                .or(() -> parameter(context, SettingsResolver.JDBC_USER))
                .orElse(System.getenv("REHEARSAL_JDBC_USER"));
        String password = (mariaDb ? parameter(context, SettingsResolver.MARIADB_PASSWORD)
                .or(() -> Optional.ofNullable(System.getenv("REHEARSAL_MARIADB_PASSWORD"))) : Optional.<String>empty())
                .or(() -> context.getConfigurationParameter(SettingsResolver.JDBC_PASSWORD))
                .orElse(System.getenv("REHEARSAL_JDBC_PASSWORD"));
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedServer.class, k -> new SharedServer(), SharedServer.class);
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("server:" + url + "|" + user,
                k -> new ServerProvider(DatabaseProviders.server(url, user, password)), ServerProvider.class).provider;
    }

    /** A server provider held in the root store, so that it closes when the run ends. */
    private static final class ServerProvider implements AutoCloseable {
        final DatabaseProvider provider;

        ServerProvider(DatabaseProvider provider) {
            this.provider = provider;
        }

        @Override
        public void close() {
            provider.close();
        }
    }

    /** Stops the JVM's shared embedded server when the test run's root context closes. */
    private static final class SharedServer implements AutoCloseable {
        @Override
        public void close() {
            try {
                DatabaseProviders.stopContainers();
            } finally {
                DatabaseProviders.stopSharedEmbeddedPostgres();
            }
        }
    }
}
