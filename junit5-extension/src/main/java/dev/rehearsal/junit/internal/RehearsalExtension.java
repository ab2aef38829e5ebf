package dev.rehearsal.junit.internal;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.junit.AtVersion;
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
        String name = context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(m -> "." + m.getName()).orElse("");
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
     * The embedded server, or, when {@code rehearsal.jdbc.url} names a server, throwaway databases there: one
     * provider per URL for the whole run, closed (dropping what is left) when the run ends. User and password come
     * from {@code rehearsal.jdbc.user} / {@code rehearsal.jdbc.password}, else {@code REHEARSAL_JDBC_USER} /
     * {@code REHEARSAL_JDBC_PASSWORD}.
     */
    private static DatabaseProvider provider(ExtensionContext context) {
        String matrixTarget = context.getStore(NAMESPACE).get(MatrixExtension.TARGET, String.class);
        if (matrixTarget != null) {
            return provider(context, matrixTarget);
        }
        return provider(context, context.getConfigurationParameter(SettingsResolver.JDBC_URL).map(String::trim)
                .filter(u -> !u.isEmpty()).orElse(MatrixExtension.EMBEDDED));
    }

    /** The provider for {@code embedded} or a server's JDBC URL. */
    static DatabaseProvider provider(ExtensionContext context, String target) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedServer.class, k -> new SharedServer(), SharedServer.class);
        if (MatrixExtension.EMBEDDED.equals(target)) {
            Optional<String> image = context.getTestClass()
                    .flatMap(c -> AnnotationSupport.findAnnotation(c, MigrationTest.class))
                    .map(MigrationTest::image).map(String::trim).filter(i -> !i.isEmpty())
                    .or(() -> context.getConfigurationParameter(SettingsResolver.IMAGE).map(String::trim)
                            .filter(i -> !i.isEmpty()));
            return image.isPresent() ? DatabaseProviders.container(image.get()) : DatabaseProviders.embeddedPostgres();
        }
        if (target.startsWith("docker:")) {
            return DatabaseProviders.container(target.substring("docker:".length()));
        }
        if (!target.startsWith("jdbc:")) {
            throw MatrixExtension.badTarget(target);
        }
        Optional<String> url = Optional.of(target);
        String user = context.getConfigurationParameter(SettingsResolver.JDBC_USER).orElse(System.getenv("REHEARSAL_JDBC_USER"));
        String password = context.getConfigurationParameter(SettingsResolver.JDBC_PASSWORD)
                .orElse(System.getenv("REHEARSAL_JDBC_PASSWORD"));
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("server:" + url.get() + "|" + user,
                k -> new ServerProvider(DatabaseProviders.server(url.get(), user, password)), ServerProvider.class).provider;
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
