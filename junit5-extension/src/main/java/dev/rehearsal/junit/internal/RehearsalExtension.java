package dev.rehearsal.junit.internal;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.DatabaseProviders;
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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The extension behind {@link MigrationTest}: resolves {@link Rehearsal} and {@link DataSource} parameters with one
 * throwaway database per test (per class for {@code @BeforeAll} methods), kept in the extension context's store and
 * closed through {@link AutoCloseable} when that context ends. The shared embedded server is stopped when the
 * whole test run ends.
 */
public final class RehearsalExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RehearsalExtension.class);

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
            core = MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(), loader);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("Rehearsal could not start for " + context.getDisplayName()
                    + ":\n" + e.getMessage(), e);
        }
        String name = context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(m -> "." + m.getName()).orElse("");
        return new DefaultRehearsal(core, Path.of(SettingsResolver.reportDir(context)), name, System.out);
    }

    /** Stops the JVM's shared embedded server when the test run's root context closes. */
    private static final class SharedServer implements AutoCloseable {
        @Override
        public void close() {
            DatabaseProviders.stopSharedEmbeddedPostgres();
        }
    }
}
