package dev.rehearsal.junit.internal;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.config.Configuration;
import dev.rehearsal.junit.ProductionVolume;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The {@link Configuration} a test sees, read from JUnit's configuration parameters and the environment. */
final class JUnitConfiguration {

    static final String PROPERTIES_FILE = "junit-platform.properties";

    private JUnitConfiguration() {
    }

    /**
     * JUnit's configuration parameters and the environment, after checking every {@code rehearsal.*} key of the system
     * properties and of the {@code junit-platform.properties} files on the test class path.
     *
     * @throws RehearsalException naming an unknown key (with the closest known one) or a malformed value
     */
    static Configuration of(ExtensionContext context) {
        ClassLoader loader = context.getTestClass().map(Class::getClassLoader)
                .orElse(Thread.currentThread().getContextClassLoader());
        Map<String, String> keys = new TreeMap<>();
        System.getProperties().forEach((k, v) -> keys.put(String.valueOf(k), "system property"));
        Configuration.propertiesFileKeys(loader, PROPERTIES_FILE).forEach(keys::putIfAbsent);
        return Configuration.of(keys, context::getConfigurationParameter, System::getenv);
    }

    /** The {@code @ProductionVolume} annotations of the test class, by table. */
    static Map<String, Long> annotatedVolumes(ExtensionContext context) {
        Map<String, Long> volumes = new LinkedHashMap<>();
        AnnotationSupport.findRepeatableAnnotations(context.getRequiredTestClass(), ProductionVolume.class)
                .forEach(v -> volumes.put(v.table(), v.rows()));
        return volumes;
    }
}
