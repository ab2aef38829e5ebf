package dev.rehearsal.core.internal.flyway;

import dev.rehearsal.core.Migration;
import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationScript;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.MigrationVersion;
import dev.rehearsal.core.RehearsalException;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.source.ScriptLocation;
import dev.rehearsal.core.internal.source.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.sql.ScriptRunner;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Flyway bound to one database; see {@link FlywaySource}. */
final class FlywayTool implements MigrationTool {

    private static final Pattern UNDO_NAME = Pattern.compile("U([^_].*?)__(.*)\\.sql");

    private final ScriptLocation location;
    private final List<ScriptFile> files;
    private final RehearsalSettings settings;
    private final DataSource dataSource;
    private final Dialect dialect;
    private final ClassLoader classLoader;
    private final Consumer<FluentConfiguration> customizer;
    private final MigrationHistory history;
    private final Map<MigrationVersion, String> flywayVersions = new HashMap<>();
    private final String table;

    FlywayTool(ScriptLocation location, List<ScriptFile> files, RehearsalSettings settings, DataSource dataSource,
               Dialect dialect, ClassLoader classLoader, Consumer<FluentConfiguration> customizer) {
        this.location = location;
        this.files = files;
        this.settings = settings;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.classLoader = classLoader;
        this.customizer = customizer;
        this.table = configure(true, null).getTable();
        this.history = readHistory();
    }

    private static boolean isUndo(ScriptFile f) {
        return f.filename().startsWith("U") && f.filename().endsWith(".sql");
    }

    private static boolean isRepeatable(ScriptFile f) {
        return f.filename().startsWith("R__");
    }

    private FluentConfiguration configure(boolean withRepeatables, MigrationVersion target) {
        FluentConfiguration config = Flyway.configure(classLoader)
                .dataSource(dataSource)
                .resourceProvider(new InMemoryResources(files, f -> !isUndo(f) && (withRepeatables || !isRepeatable(f))))
                .validateMigrationNaming(true)
                .cleanDisabled(true)
                .placeholders(settings.placeholders())
                .table(FlywaySource.DEFAULT_TABLE);
        sessionLevelLock(config);
        if (customizer != null) {
            customizer.accept(config);
        }
        if (target != null) {
            config.target(flywayVersions.getOrDefault(target, target.toString()));
        }
        return config;
    }

    /**
     * Flyway's default transactional advisory lock keeps a transaction open that {@code CREATE INDEX CONCURRENTLY}
     * waits for forever (flyway/flyway#3508, #3682); session-level locks avoid it, as Flyway's docs advise.
     */
    private static void sessionLevelLock(FluentConfiguration config) {
        try {
            config.getConfigurationExtension(org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension.class)
                    .setTransactionalLock(false);
        } catch (NoClassDefFoundError | RuntimeException e) {
            // flyway-database-postgresql is not there: Flyway cannot run PostgreSQL migrations anyway and says so
        }
    }

    private MigrationHistory readHistory() {
        if (!location.exists()) {
            throw new RehearsalException("No migrations found: the location " + location + " does not exist."
                    + " Check @MigrationTest(migrations = ...): use classpath:db/migration for src/main/resources/db/migration,"
                    + " or filesystem:<path> for a directory.");
        }
        MigrationInfo[] infos;
        try {
            infos = configure(true, null).load().info().all();
        } catch (FlywayException e) {
            throw new RehearsalException("Flyway could not read the migrations at " + location + ": "
                    + e.getMessage().strip()
                    + "\nRename or remove the files named above: migrations are V<version>__<description>.sql, undo scripts"
                    + " U<version>__<description>.sql, repeatable migrations R__<description>.sql, and each version"
                    + " appears once.", e);
        }
        Map<MigrationVersion, ScriptFile> undo = undoScripts();
        List<Migration> versioned = new ArrayList<>();
        List<Migration> repeatable = new ArrayList<>();
        for (MigrationInfo info : infos) {
            ScriptFile up = file(info.getScript());
            MigrationScript upScript = new MigrationScript(info.getScript(), describe(up, info.getScript()),
                    up == null ? "" : up.text());
            if (info.getVersion() == null) {
                repeatable.add(new Migration(null, info.getDescription(), Migration.Type.REPEATABLE, upScript, null,
                        info.getChecksum()));
                continue;
            }
            MigrationVersion version = MigrationVersion.parse(info.getVersion().getVersion());
            flywayVersions.put(version, info.getVersion().getVersion());
            ScriptFile down = undo.remove(version);
            MigrationScript downScript = down == null ? null
                    : new MigrationScript(down.relativePath(), down.describe(), down.text());
            versioned.add(new Migration(version, info.getDescription(), Migration.Type.VERSIONED, upScript, downScript,
                    info.getChecksum()));
        }
        if (!undo.isEmpty()) {
            ScriptFile orphan = undo.values().iterator().next();
            throw new RehearsalException("Undo script " + orphan.relativePath() + " at " + location
                    + " has no versioned migration: there is no V" + orphan.filename().substring(1).replaceFirst("__.*", "")
                    + "__*.sql. Rename it to match the migration it undoes, or remove it.");
        }
        if (versioned.isEmpty()) {
            throw new RehearsalException("No migrations found at " + location + ": no file named V<version>__<description>.sql"
                    + " (found " + (files.isEmpty() ? "no files" : files.size() + " other files, such as "
                    + files.get(0).relativePath()) + "). Check @MigrationTest(migrations = ...).");
        }
        return new MigrationHistory(location.toString(), versioned, repeatable);
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
            if (!isUndo(f)) {
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

    @Override
    public MigrationHistory history() {
        return history;
    }

    @Override
    public Optional<MigrationVersion> currentVersion() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            if (!historyTableExists(c)) {
                return Optional.empty();
            }
            try (ResultSet rs = st.executeQuery("select version from " + quotedTable(c)
                    + " where success and version is not null")) {
                MigrationVersion max = null;
                while (rs.next()) {
                    MigrationVersion v = MigrationVersion.parse(rs.getString(1));
                    if (max == null || v.compareTo(max) > 0) {
                        max = v;
                    }
                }
                return Optional.ofNullable(max);
            }
        } catch (SQLException e) {
            throw new RehearsalException("Could not read Flyway's history table " + table + ": " + e.getMessage(), e);
        }
    }

    private boolean historyTableExists(Connection c) throws SQLException {
        return dev.rehearsal.core.internal.sql.Tables.exists(c, table);
    }

    /** The history table in the current schema (MariaDB: database), quoted as the engine needs. */
    private String quotedTable(Connection c) {
        return dialect.quote(table);
    }

    /*
     * Flyway validated the scripts when the history was read; they are served from memory and cannot change
     * during the rehearsal, so validating again on every migrate would only repeat that work.
     */
    @Override
    public void upTo(MigrationVersion target) {
        migrate(configure(false, target).validateOnMigrate(false), target);
    }

    @Override
    public void applyRepeatables() {
        migrate(configure(true, history.latest().orElse(null)).validateOnMigrate(false), null);
    }

    private void migrate(FluentConfiguration config, MigrationVersion target) {
        try {
            config.load().migrate();
        } catch (FlywayMigrateException e) {
            throw translate(e, target);
        } catch (FlywayException e) {
            throw new RehearsalException("Flyway could not migrate " + location
                    + (target == null ? "" : " to version " + target) + ": " + e.getMessage().strip(), e);
        }
    }

    private RuntimeException translate(FlywayMigrateException e, MigrationVersion target) {
        MigrationInfo info = e.getMigration();
        Migration migration = info == null ? null : findByScript(info.getScript());
        if (migration == null) {
            return new RehearsalException("Flyway could not migrate " + location
                    + (target == null ? "" : " to version " + target) + ": " + e.getMessage().strip(), e);
        }
        String statement = null;
        String serverMessage = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FlywaySqlScriptException s) {
                statement = s.getStatement();
            }
            if (t instanceof SQLException sql) {
                serverMessage = sql.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (serverMessage == null) {
            serverMessage = e.getMessage();
        }
        return new MigrationFailedException("up", migration, info.getScript(), e.getLineNumber(), statement,
                e.getSqlState(), serverMessage, e);
    }

    private Migration findByScript(String script) {
        return history.versioned().stream().filter(m -> m.up().name().equals(script)).findFirst()
                .or(() -> history.repeatable().stream().filter(m -> m.up().name().equals(script)).findFirst())
                .orElse(null);
    }

    @Override
    public void down(Migration migration) {
        MigrationScript down = migration.downScript().orElseThrow(() -> new RehearsalException(
                "Migration " + migration.displayName() + " has no undo script: add " + expectedDownScript(migration)
                        + " next to " + migration.up().name()));
        String flywayVersion = flywayVersions.getOrDefault(migration.version(), migration.version().toString());
        try (Connection c = dataSource.getConnection()) {
            String sql = FlywayPlaceholders.replace(down.sql(), placeholderValues(c, down), down.name());
            String historyTable = quotedTable(c);
            ScriptRunner.run(c, dialect, "down", migration, down.name(), sql, conn -> {
                try (PreparedStatement ps = conn.prepareStatement("delete from " + historyTable + " where version = ?")) {
                    ps.setString(1, flywayVersion);
                    if (ps.executeUpdate() != 1) {
                        throw new SQLException("Flyway's history table " + table + " has no row for version "
                                + flywayVersion + ": the migration was not applied", "55000");
                    }
                }
            });
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect to run the down script of " + migration.displayName()
                    + ": " + e.getMessage(), e);
        }
    }

    private Map<String, String> placeholderValues(Connection c, MigrationScript script) throws SQLException {
        Map<String, String> values = new HashMap<>();
        settings.placeholders().forEach((k, v) -> values.put(k.toLowerCase(Locale.ROOT), v));
        // through JDBC, which every engine answers: on MariaDB/MySQL the schema is the database
        values.put("flyway:defaultschema", c.getSchema() != null ? c.getSchema() : c.getCatalog());
        String user = c.getMetaData().getUserName();
        values.put("flyway:user", user == null ? "" : user.replaceFirst("@.*$", ""));
        values.put("flyway:database", c.getCatalog());
        values.put("flyway:timestamp", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
        values.put("flyway:filename", script.name().substring(script.name().lastIndexOf('/') + 1));
        values.put("flyway:table", table);
        values.put("flyway:workingdirectory", System.getProperty("user.dir"));
        values.put("flyway:environment", "default");
        return values;
    }

    @Override
    public String expectedDownScript(Migration migration) {
        String name = migration.up().name();
        int slash = name.lastIndexOf('/');
        return name.substring(0, slash + 1) + "U" + name.substring(slash + 2);
    }

    @Override
    public Set<String> ownTables() {
        return Set.of(table);
    }
}
