package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.internal.spring.SpringBootConfiguration;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code spring.flyway.*} as Spring Boot binds it ({@link SpringBootConfiguration}), in Flyway's own property names:
 * each of Flyway's properties (the names Flyway's {@code ConfigUtils} declares) is asked for under
 * {@code spring.flyway.} in its kebab-case form, which Spring's relaxed binding matches however the file spells it;
 * {@code spring.flyway.placeholders.*} are kept by name. Connection settings are left out.
 */
final class SpringFlyway {

    /** Spring Boot's names that differ from Flyway's. */
    private static final Map<String, String> SPRING_NAMES = Map.of("initSql", "init-sqls");

    private SpringFlyway() {
    }

    /** What Spring Boot makes of {@code spring.flyway.*}: {@link FlywayConfigFiles.Loaded#NONE} when nothing is set. */
    static FlywayConfigFiles.Loaded read(ClassLoader loader, Collection<Path> folders) {
        SpringBootConfiguration spring = SpringBootConfiguration.load(loader, folders);
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        for (String name : flywayNames(loader)) {
            if (FlywayConfigFiles.CONNECTION.contains(name)) {
                continue;
            }
            String key = "spring.flyway." + SPRING_NAMES.getOrDefault(name, kebab(name));
            String value = spring.value(key);
            if (value != null) {
                properties.put("flyway." + name, value);
                origins.put("flyway." + name, key + " from " + spring.origin(key));
            }
        }
        spring.map("spring.flyway.placeholders").forEach((name, value) -> {
            properties.put("flyway.placeholders." + name, value);
            origins.put("flyway.placeholders." + name, "spring.flyway.placeholders." + name + " from "
                    + spring.origin("spring.flyway.placeholders[" + name + "]"));
        });
        if (properties.isEmpty()) {
            return FlywayConfigFiles.Loaded.NONE;
        }
        Set<String> files = new LinkedHashSet<>();
        for (String file : spring.files()) {
            if (origins.values().stream().anyMatch(o -> o.contains(file))) {
                files.add(shown(file));
            }
        }
        List<String> profiles = spring.profiles();
        String described = (files.isEmpty() ? "the environment" : String.join(", ", files)) + " (Spring Boot"
                + (profiles.isEmpty() ? ", no profile" : ", profile" + (profiles.size() > 1 ? "s " : " ")
                + String.join(", ", profiles)) + ")";
        String locations = properties.remove("flyway.locations");
        return new FlywayConfigFiles.Loaded(properties, List.of(described),
                locations == null ? List.of() : List.of(locations.split("\\s*,\\s*")), origins);
    }

    /** Flyway's property names ({@code table}, {@code sqlMigrationSuffixes}), from Flyway's own declarations. */
    private static List<String> flywayNames(ClassLoader loader) {
        List<String> names = new ArrayList<>();
        try {
            Class<?> declarations = Class.forName("org.flywaydb.core.internal.configuration.ConfigUtils", false, loader);
            for (Field field : declarations.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                        && field.get(null) instanceof String value && value.startsWith("flyway.")
                        && !value.endsWith(".") && !value.equals("flyway.conf")) {
                    names.add(value.substring("flyway.".length()));
                }
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            return List.of("locations"); // without Flyway only the locations matter: which folder the migrations are in
        }
        return names;
    }

    /** A file Spring Boot read, relative to the working directory where it lies below it. */
    private static String shown(String file) {
        Path cwd = Path.of("").toAbsolutePath();
        if (!file.startsWith("/") && !file.matches("[A-Za-z]:\\\\.*")) {
            return file; // a class path resource: application.properties
        }
        Path path = Path.of(file);
        return path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
    }

    private static String kebab(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('-').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
