package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;

/**
 * What Flyway resolved from a location, kept for the rest of this JVM: each test of a class starts a rehearsal of the
 * same scripts, and Flyway's {@code info()} (its configuration built, its plugins looked up, its database checks) costs
 * tens of milliseconds each time for an answer that depends only on the scripts, the configuration and the class path
 * while the database has no history table. Keyed by a digest of the location, every script's path and bytes, the
 * team's Flyway properties and the placeholders, per class loader (held weakly, so a discarded class path is dropped
 * with its entries); at most {@link #PER_CLASS_LOADER} locations each.
 */
final class FlywayResolutions {

    /** One migration as Flyway's {@code info()} listed it. */
    record Resolved(String version, String description, String script, Integer checksum, boolean sql) {
    }

    /** Flyway's list, in its order, and what it warned about while making it. */
    record Resolution(List<Resolved> migrations, List<String> messages) {
        Resolution {
            migrations = List.copyOf(migrations);
            messages = List.copyOf(messages);
        }
    }

    static final int PER_CLASS_LOADER = 8;

    private static final Map<ClassLoader, Map<String, Resolution>> KEPT = new WeakHashMap<>();

    private FlywayResolutions() {
    }

    static synchronized Resolution get(ClassLoader loader, String key) {
        Map<String, Resolution> kept = KEPT.get(loader);
        return kept == null ? null : kept.get(key);
    }

    static synchronized void put(ClassLoader loader, String key, Resolution resolution) {
        KEPT.computeIfAbsent(loader, l -> new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Resolution> eldest) {
                return size() > PER_CLASS_LOADER;
            }
        }).put(key, resolution);
    }

    /** The digest of everything Flyway's answer depends on, besides the class path and the database. */
    static String key(String location, List<ScriptFile> files, Map<String, String> properties,
                      Map<String, String> placeholders) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, location);
            for (ScriptFile f : files) {
                update(digest, f.relativePath());
                digest.update(f.content());
                digest.update((byte) 0);
            }
            for (Map<String, String> map : List.of(properties, placeholders)) {
                update(digest, "--");
                new TreeMap<>(map).forEach((k, v) -> {
                    update(digest, k);
                    update(digest, String.valueOf(v));
                });
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
