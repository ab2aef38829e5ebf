package dev.rehearsal.core.internal.spring;

import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A project's Spring Boot configuration as Spring Boot itself reads it: the environment SpringApplication prepares
 * ({@code application.properties} and {@code .yml} on the class path and in {@code config/}, the profiles of
 * {@code spring.profiles.active} and their {@code application-{profile}} files, {@code spring.config.import},
 * placeholders, environment variables and system properties), bound with Spring Boot's {@link Binder} and its relaxed
 * names. Only loaded where {@link SpringBoot#available} says Spring Boot is on the class path: the application's own
 * in JUnit, the one the command line bundles.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SpringBootConfiguration {

    private final StandardEnvironment environment;
    private final Binder binder;

    private SpringBootConfiguration(StandardEnvironment environment) {
        this.environment = environment;
        this.binder = Binder.get(environment);
    }

    /**
     * The environment Spring Boot prepares with {@code loader}'s class path, plus the {@code folders} (the command
     * line's: where the project keeps {@code application.properties} when it is not on the class path).
     *
     * @throws RehearsalException naming the file when Spring Boot cannot read one
     */
    public static SpringBootConfiguration load(ClassLoader loader, Collection<Path> folders) {
        StandardEnvironment environment = new StandardEnvironment();
        if (!folders.isEmpty()) {
            List<String> locations = folders.stream().map(f -> "optional:file:" + f.toAbsolutePath() + "/").toList();
            environment.getPropertySources().addLast(new MapPropertySource("rehearsal-project-folders",
                    Map.of("spring.config.additional-location", String.join(",", locations))));
        }
        // applyTo(environment) is the one signature Spring Boot 3 and 4 share (4 moved the bootstrap context the longer
        // ones name); it reads resources through the thread's context class loader, set to the application's meanwhile
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            ConfigDataEnvironmentPostProcessor.applyTo(environment);
        } catch (RuntimeException e) {
            throw new RehearsalException("Spring Boot could not read the application's configuration: "
                    + e.getMessage() + ". Fix the file it names; Rehearsal reads spring.flyway.* as the application"
                    + " does, so the application would fail the same way.", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        return new SpringBootConfiguration(environment);
    }

    /** The active profiles, as Spring Boot decided them ({@code spring.profiles.active}, {@code .include}, groups). */
    public List<String> profiles() {
        return List.of(environment.getActiveProfiles());
    }

    /** The configuration files Spring Boot read, in the order they override each other (first wins). */
    public List<String> files() {
        List<String> files = new ArrayList<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            String name = source.getName();
            int start = name.indexOf('[');
            int end = name.indexOf(']', start + 1);
            if (name.startsWith("Config resource") && start >= 0 && end > start) {
                files.add(name.substring(start + 1, end));
            }
        }
        return files;
    }

    /**
     * The value of {@code name} as Spring Boot binds it (relaxed: {@code sql-migration-suffixes},
     * {@code sqlMigrationSuffixes}, {@code SPRING_FLYWAY_SQLMIGRATIONSUFFIXES}; placeholders resolved); a list, given
     * as one comma-separated value or indexed entries, joined with commas. Null when unset.
     */
    public String value(String name) {
        ConfigurationPropertyName key = ConfigurationPropertyName.of(name);
        String text = binder.bind(key, Bindable.of(String.class)).orElse(null);
        if (text != null) {
            return text;
        }
        List<String> list = binder.bind(key, Bindable.listOf(String.class)).orElse(null);
        return list == null ? null : String.join(",", list);
    }

    /** The entries below {@code name} ({@code spring.flyway.placeholders}), by the names they were written with. */
    public Map<String, String> map(String name) {
        return new LinkedHashMap<>(binder.bind(ConfigurationPropertyName.of(name),
                Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
    }

    /** Where {@code name} was set: {@code class path resource [application-prod.properties] - 3:27}; null if unset. */
    public String origin(String name) {
        ConfigurationPropertyName key = ConfigurationPropertyName.isValid(name) ? ConfigurationPropertyName.of(name)
                : ConfigurationPropertyName.adapt(name, '.');
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(key);
            if (property == null) {
                property = source.getConfigurationProperty(key.append("[0]"));
            }
            if (property != null) {
                return property.getOrigin() != null ? property.getOrigin().toString() : source.toString();
            }
        }
        return null;
    }
}
