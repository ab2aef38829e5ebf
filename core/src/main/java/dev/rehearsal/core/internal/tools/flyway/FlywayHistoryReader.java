package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flyway location's history as Flyway resolves it ({@code info()}), with each versioned migration's undo script
 * ({@code U<version>__<description>.sql}) beside it; refuses what Flyway refuses, and undo scripts without their
 * migration.
 */
final class FlywayHistoryReader {

    private static final Pattern UNDO_NAME = Pattern.compile("U([^_].*?)__(.*)\\.sql");

    /** The history, Flyway's own text of each version, and whether every versioned migration is a SQL script. */
    record Read(MigrationHistory history, Map<MigrationVersion, String> flywayVersions, boolean onlySqlMigrations) {
    }

    private final ScriptLocation location;
    private final List<ScriptFile> files;
    private final ClassLoader classLoader;
    /** The key Flyway's resolution is kept under for this JVM ({@link FlywayResolutions}), or null not to keep it. */
    private final String key;
    private final Supplier<FluentConfiguration> configuration;
    private final List<String> messages;
    private final Map<MigrationVersion, String> flywayVersions = new HashMap<>();
    private boolean onlySqlMigrations = true;
    /** Where the naming settings came from, for the message when no migration is found; empty when not configured. */
    private String configured = "";

    FlywayHistoryReader(ScriptLocation location, List<ScriptFile> files, ClassLoader classLoader, String key,
                        Supplier<FluentConfiguration> configuration, List<String> messages) {
        this.location = location;
        this.files = files;
        this.classLoader = classLoader;
        this.key = key;
        this.configuration = configuration;
        this.messages = messages;
    }

    /** Says where the prefix, separator and suffixes were set, for the message when no migration is found. */
    FlywayHistoryReader configuredIn(String where) {
        this.configured = where;
        return this;
    }

    /** Reads the history; the messages Flyway warned with go to the tool's messages. */
    Read read() {
        if (!location.exists()) {
            throw new RehearsalException("No migrations found: the location " + location + " does not exist."
                    + " Check @MigrationTest(migrations = ...): use classpath:db/migration for src/main/resources/db/migration,"
                    + " or filesystem:<path> for a directory.");
        }
        List<FlywayResolutions.Resolved> infos = resolve();
        Map<MigrationVersion, ScriptFile> undo = undoScripts();
        List<Migration> versioned = new ArrayList<>();
        List<Migration> repeatable = new ArrayList<>();
        for (FlywayResolutions.Resolved info : infos) {
            ScriptFile up = file(info.script());
            MigrationScript upScript = new MigrationScript(info.script(), describe(up, info.script()),
                    up == null ? "" : up.text());
            if (info.version() == null) {
                repeatable.add(new Migration(null, info.description(), Migration.Type.REPEATABLE, upScript, null,
                        info.checksum()));
                continue;
            }
            onlySqlMigrations &= info.sql() && up != null;
            MigrationVersion version = MigrationVersion.parse(info.version());
            flywayVersions.put(version, info.version());
            ScriptFile down = undo.remove(version);
            MigrationScript downScript = down == null ? null
                    : new MigrationScript(down.relativePath(), down.describe(), down.text());
            versioned.add(new Migration(version, info.description(), Migration.Type.VERSIONED, upScript, downScript,
                    info.checksum()));
        }
        if (!undo.isEmpty()) {
            ScriptFile orphan = undo.values().iterator().next();
            throw new RehearsalException("Undo script " + orphan.relativePath() + " at " + location
                    + " has no versioned migration: there is no V" + orphan.filename().substring(1).replaceFirst("__.*", "")
                    + "__*.sql. Rename it to match the migration it undoes, or remove it.");
        }
        if (versioned.isEmpty()) {
            throw new RehearsalException(noMigrations());
        }
        return new Read(new MigrationHistory(location.toString(), versioned, repeatable), flywayVersions,
                onlySqlMigrations);
    }

    /**
     * Flyway's own list of the migrations ({@code info()}), or the one it gave for the same scripts and configuration
     * earlier in this JVM ({@link FlywayResolutions}) where nothing else can change it: no customizer (it may add
     * migrations or callbacks) and no history table in the database yet (Flyway would list its rows too).
     */
    private List<FlywayResolutions.Resolved> resolve() {
        FlywayResolutions.Resolution kept = key == null ? null : FlywayResolutions.get(classLoader, key);
        if (kept != null) {
            messages.addAll(kept.messages());
            return kept.migrations();
        }
        List<String> warned = new ArrayList<>();
        MigrationInfo[] infos;
        try {
            infos = FlywayLog.capture(warned, () -> configuration.get().load().info().all());
        } catch (FlywayException e) {
            messages.addAll(warned);
            throw new RehearsalException("Flyway could not read the migrations at " + location + ": "
                    + e.getMessage().strip()
                    + "\nRename or remove the files named above: migrations are V<version>__<description>.sql, undo scripts"
                    + " U<version>__<description>.sql, repeatable migrations R__<description>.sql, and each version"
                    + " appears once.", e);
        }
        messages.addAll(warned);
        List<FlywayResolutions.Resolved> resolved = new ArrayList<>();
        for (MigrationInfo info : infos) {
            resolved.add(new FlywayResolutions.Resolved(info.getVersion() == null ? null : info.getVersion().getVersion(),
                    info.getDescription(), info.getScript(), info.getChecksum(),
                    info.getType() == CoreMigrationType.SQL));
        }
        if (key != null) {
            FlywayResolutions.put(classLoader, key, new FlywayResolutions.Resolution(resolved, warned));
        }
        return resolved;
    }

    /**
     * No versioned migration among the files: names the prefix, separator and suffixes Flyway looked for (as the
     * configuration set them) and the files nearest to that name.
     */
    private String noMigrations() {
        FluentConfiguration config = configuration.get();
        String prefix = config.getSqlMigrationPrefix();
        String separator = config.getSqlMigrationSeparator();
        List<String> suffixes = List.of(config.getSqlMigrationSuffixes());
        String wanted = prefix + "<version>" + separator + "<description>" + String.join(" or ", suffixes);
        List<String> nearest = files.stream().map(ScriptFile::filename)
                .sorted(Comparator.comparingInt(name -> -likeness(name, prefix, separator, suffixes)))
                .limit(3).toList();
        return "No migrations found at " + location + ": no file named " + wanted + " (Flyway's sqlMigrationPrefix "
                + prefix + ", sqlMigrationSeparator " + separator + ", sqlMigrationSuffixes " + String.join(",", suffixes)
                + ")." + (files.isEmpty() ? " The location holds no files." : " Nearest of the " + files.size()
                + " files there: " + String.join(", ", nearest) + ".")
                + " Check @MigrationTest(migrations = ...) and the team's Flyway configuration"
                + (configured.isEmpty() ? "" : " (" + configured + ")") + ".";
    }

    /** How much of a migration's name a file has: the prefix and a digit, the separator, a suffix. */
    private static int likeness(String name, String prefix, String separator, List<String> suffixes) {
        int score = 0;
        if (name.startsWith(prefix) && name.length() > prefix.length() && Character.isDigit(name.charAt(prefix.length()))) {
            score += 4;
        }
        if (name.contains(separator)) {
            score += 2;
        }
        if (suffixes.stream().anyMatch(name::endsWith)) {
            score += 1;
        }
        return score;
    }

    private ScriptFile file(String relativePath) {
        return files.stream().filter(f -> f.relativePath().equals(relativePath)).findFirst().orElse(null);
    }

    private String describe(ScriptFile file, String fallback) {
        return file == null ? location + "/" + fallback : file.describe();
    }

    private Map<MigrationVersion, ScriptFile> undoScripts() {
        Map<MigrationVersion, ScriptFile> undo = new LinkedHashMap<>();
        for (ScriptFile f : files) {
            if (!FlywayTool.isUndo(f)) {
                continue;
            }
            Matcher m = UNDO_NAME.matcher(f.filename());
            if (!m.matches()) {
                throw new RehearsalException("Undo script " + f.relativePath() + " at " + location
                        + " is not named U<version>__<description>.sql (two underscores after the version).");
            }
            MigrationVersion version;
            try {
                version = MigrationVersion.parse(m.group(1));
            } catch (IllegalArgumentException e) {
                throw new RehearsalException("Undo script " + f.relativePath() + " at " + location + ": " + e.getMessage(), e);
            }
            ScriptFile previous = undo.put(version, f);
            if (previous != null) {
                throw new RehearsalException("Found more than one undo script with version " + version + " at " + location
                        + ": " + previous.relativePath() + " and " + f.relativePath() + ". Keep one.");
            }
        }
        return undo;
    }
}
