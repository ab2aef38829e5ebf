package dev.rehearsal.core.internal.tools.flyway;

import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${...}} in {@code spring.flyway.*} values, for a project without Spring Boot on its test class path: resolved
 * from every key of the Spring files read, then system properties, then environment variables in Spring's form
 * ({@code spring.jpa.database} as {@code SPRING_JPA_DATABASE}); {@code ${name:default}} takes its default where none
 * sets it. What nothing sets stays as written, so the message that follows (no migrations found with that suffix)
 * shows it. Where Spring Boot is on the class path, Spring Boot resolves them itself ({@link SpringFlyway}).
 */
final class SpringPlaceholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");
    private static final int MAX_DEPTH = 10;

    private SpringPlaceholders() {
    }

    /** Every key of one {@code application.properties} or {@code .yml} (its documents without a profile condition). */
    @SuppressWarnings("unchecked")
    static Map<String, String> keys(String name, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (name.endsWith(".properties")) {
            Properties p = new Properties();
            try {
                p.load(new StringReader(text));
            } catch (IOException | IllegalArgumentException e) {
                return out; // parse() reports the malformed file
            }
            p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).strip()));
            return out;
        }
        try {
            for (Object doc : new Yaml().loadAll(text)) {
                if (doc instanceof Map<?, ?> map && !(map.get("spring") instanceof Map<?, ?> spring
                        && spring.get("config") instanceof Map<?, ?> config && config.get("activate") != null)) {
                    flatten("", (Map<String, Object>) map, out);
                }
            }
        } catch (YAMLException e) {
            return out;
        }
        return out;
    }

    /** The keys of a YAML map as dotted names, lists joined with commas. */
    @SuppressWarnings("unchecked")
    static void flatten(String prefix, Map<String, Object> map, Map<String, String> out) {
        map.forEach((k, v) -> {
            String key = prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k;
            if (v instanceof Map<?, ?> m) {
                flatten(key, (Map<String, Object>) m, out);
            } else if (v instanceof List<?> list) {
                out.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
            } else {
                out.put(key, v == null ? "" : String.valueOf(v));
            }
        });
    }

    /** {@code value} with its placeholders resolved where something sets them. */
    static String resolve(String value, Map<String, String> keys) {
        String current = value;
        for (int depth = 0; depth < MAX_DEPTH && current.contains("${"); depth++) {
            Matcher m = PLACEHOLDER.matcher(current);
            StringBuilder sb = new StringBuilder();
            boolean changed = false;
            while (m.find()) {
                String found = lookup(m.group(1).strip(), keys);
                String replacement = found != null ? found : m.group(2) != null ? m.group(2) : m.group();
                changed |= !replacement.equals(m.group());
                m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(sb);
            current = sb.toString();
            if (!changed) {
                break;
            }
        }
        return current;
    }

    private static String lookup(String name, Map<String, String> keys) {
        if (keys.containsKey(name)) {
            return keys.get(name);
        }
        String property = System.getProperty(name);
        if (property != null) {
            return property;
        }
        return System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_').replace("-", ""));
    }
}
