package dev.rehearsal.core.internal.source;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.source.ScriptLocation.ScriptFile;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Histories of plain SQL files in the layouts of golang-migrate, dbmate and Prisma. Each reads its files into a
 * {@link MigrationHistory}, names the file and line of anything malformed, and opens a {@link ScriptTool} that keeps
 * the tool's own version table.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public abstract class SqlLayoutSource implements MigrationSource {

    protected final ScriptLocation location;

    protected SqlLayoutSource(ScriptLocation location) {
        this.location = location;
    }

    /** The layout's name, as {@code format = ...} takes it. */
    public abstract String format();

    protected abstract MigrationHistory read(List<ScriptFile> files);

    protected abstract VersionTable versions();

    /** The version table on an engine; the same table on every engine unless the layout says otherwise. */
    protected VersionTable versions(Dialect dialect) {
        return versions();
    }

    protected abstract String expectedDown(Migration migration);

    protected boolean transactional(Migration migration) {
        return true;
    }

    protected String irreversibleReason(Migration migration) {
        return null;
    }

    @Override
    public String describe() {
        return format() + " migrations at " + location;
    }

    @Override
    public boolean runsOnSeveralDatabasesAtOnce() {
        return true; // the scripts were read and split once; each tool holds only its own database's state
    }

    @Override
    public MigrationTool open(DataSource dataSource, Dialect dialect) {
        MigrationHistory history = read(location.files());
        if (history.versioned().isEmpty()) {
            throw new RehearsalException("No " + format() + " migrations found at " + location);
        }
        return new ScriptTool(history, versions(dialect), dataSource, dialect, this::expectedDown, this::transactional,
                this::irreversibleReason);
    }

    protected RehearsalException problem(ScriptFile file, int line, String what) {
        return new RehearsalException(format() + " history at " + location + ": " + file.relativePath()
                + (line > 0 ? ", line " + line : "") + ": " + what);
    }

    protected static MigrationScript script(ScriptFile f, String sql) {
        return new MigrationScript(f.relativePath(), f.describe(), sql);
    }

    // ---- golang-migrate ----

    /**
     * golang-migrate: {@code <version>_<name>.up.sql} and {@code <version>_<name>.down.sql}; its
     * {@code schema_migrations(version, dirty)} table. As golang-migrate reads them: versions are unsigned 64-bit
     * integers (sequence numbers or timestamps) applied in increasing order; gaps are fine; the same version twice in
     * one direction is an error; a version with only a down file has an up that runs nothing.
     */
    public static final class GolangMigrate extends SqlLayoutSource {
        private static final Pattern FILE = Pattern.compile("^(\\d+)_(.*)\\.(up|down)\\.sql$");
        private static final java.math.BigInteger MAX_VERSION = java.math.BigInteger.TWO.pow(64).subtract(java.math.BigInteger.ONE);

        public GolangMigrate(ScriptLocation location) {
            super(location);
        }

        public static boolean recognizes(List<ScriptFile> files) {
            return files.stream().anyMatch(f -> !f.relativePath().contains("/") && FILE.matcher(f.filename()).matches());
        }

        @Override
        public String format() {
            return "golang-migrate";
        }

        @Override
        protected MigrationHistory read(List<ScriptFile> files) {
            Map<java.math.BigInteger, ScriptFile> ups = new TreeMap<>();
            Map<java.math.BigInteger, ScriptFile> downs = new TreeMap<>();
            for (ScriptFile f : files) {
                if (f.relativePath().contains("/")) {
                    continue;
                }
                Matcher m = FILE.matcher(f.filename());
                if (!m.matches()) {
                    continue;
                }
                java.math.BigInteger v = new java.math.BigInteger(m.group(1));
                ScriptFile same = (m.group(3).equals("up") ? ups : downs).putIfAbsent(v, f);
                if (same != null) {
                    throw problem(f, 1, "version " + v + " appears twice: " + same.filename() + " and " + f.filename()
                            + ". golang-migrate fails on duplicate versions; renumber one of them.");
                }
            }
            java.util.SortedSet<java.math.BigInteger> versions = new java.util.TreeSet<>(ups.keySet());
            versions.addAll(downs.keySet());
            List<Migration> migrations = new ArrayList<>();
            for (java.math.BigInteger v : versions) {
                ScriptFile up = ups.get(v);
                ScriptFile down = downs.get(v);
                ScriptFile named = up != null ? up : down;
                if (v.compareTo(MAX_VERSION) > 0) {
                    throw problem(named, 1, "version " + v + " is larger than golang-migrate can read (it reads versions"
                            + " as unsigned 64-bit numbers, at most " + MAX_VERSION + "); renumber the file");
                }
                Matcher m = FILE.matcher(named.filename());
                m.matches();
                // a version with only a down file: golang-migrate's up records the version and runs nothing
                MigrationScript upScript = up != null ? script(up, up.text()) : new MigrationScript(
                        named.filename().replace(".down.", ".up.") + " (no such file: golang-migrate runs nothing)",
                        named.describe(), "");
                migrations.add(new Migration(MigrationVersion.parse(v.toString()), m.group(2).replace('_', ' '),
                        Migration.Type.VERSIONED, upScript, down == null ? null : script(down, down.text()), null)
                        .withLabel(named.filename().replaceFirst("\\.(up|down)\\.sql$", "")));
            }
            return new MigrationHistory(location.toString(), migrations, List.of());
        }

        @Override
        protected VersionTable versions() {
            return VersionTables.golangMigrate();
        }

        @Override
        protected String expectedDown(Migration migration) {
            return migration.up().name().replace(".up.sql", ".down.sql");
        }
    }

    // ---- dbmate ----

    /**
     * dbmate: {@code <version>_<name>.sql}, each with a {@code -- migrate:up} and a {@code -- migrate:down} section
     * (either may add {@code transaction:false}); its {@code schema_migrations(version)} table.
     */
    public static final class Dbmate extends SqlLayoutSource {
        private static final Pattern FILE = Pattern.compile("^(\\d+)_?(.*)\\.sql$");
        private static final Pattern MARKER = Pattern.compile("(?m)^--\\s*migrate:(up|down)\\b(.*)$");
        private final Set<MigrationVersion> nonTransactional = new java.util.HashSet<>();

        public Dbmate(ScriptLocation location) {
            super(location);
        }

        public static boolean recognizes(List<ScriptFile> files) {
            return files.stream().anyMatch(f -> FILE.matcher(f.filename()).matches() && MARKER.matcher(f.text()).find());
        }

        @Override
        public String format() {
            return "dbmate";
        }

        @Override
        protected MigrationHistory read(List<ScriptFile> files) {
            Map<MigrationVersion, ScriptFile> seen = new LinkedHashMap<>();
            List<Migration> migrations = new ArrayList<>();
            for (ScriptFile f : files) {
                Matcher name = FILE.matcher(f.filename());
                if (f.relativePath().contains("/") || !name.matches()) {
                    continue;
                }
                MigrationVersion version = MigrationVersion.parse(name.group(1));
                if (seen.containsKey(version)) {
                    throw problem(f, 1, "version " + version + " appears twice: " + seen.get(version).filename()
                            + " and " + f.filename());
                }
                seen.put(version, f);
                String text = f.text();
                Matcher m = MARKER.matcher(text);
                int upAt = -1;
                int upBody = -1;
                int downAt = -1;
                int downBody = -1;
                boolean noTransaction = false;
                while (m.find()) {
                    int line = lineOf(text, m.start());
                    if (m.group(1).equals("up")) {
                        if (upAt >= 0) {
                            throw problem(f, line, "a second '-- migrate:up' section");
                        }
                        if (downAt >= 0) {
                            throw problem(f, line, "'-- migrate:up' must come before '-- migrate:down'");
                        }
                        upAt = m.start();
                        upBody = m.end();
                    } else {
                        if (downAt >= 0) {
                            throw problem(f, line, "a second '-- migrate:down' section");
                        }
                        downAt = m.start();
                        downBody = m.end();
                    }
                    if (m.group(2).contains("transaction:false")) {
                        noTransaction = true;
                    }
                }
                if (upAt < 0) {
                    throw problem(f, 1, "no '-- migrate:up' line: dbmate needs one before the up SQL");
                }
                String up = pad(text, upBody, downAt < 0 ? text.length() : downAt);
                String down = downAt < 0 ? null : pad(text, downBody, text.length());
                if (noTransaction) {
                    nonTransactional.add(version);
                }
                migrations.add(new Migration(version, name.group(2).replace('_', ' '), Migration.Type.VERSIONED,
                        script(f, up), down == null || down.isBlank() ? null : new MigrationScript(
                        f.relativePath() + " (migrate:down)", f.describe(), down), null)
                        .withLabel(f.filename().replaceFirst("\\.sql$", "")));
            }
            return new MigrationHistory(location.toString(), migrations, List.of());
        }

        /** The section's text, with blank lines before it so that statement lines match the file's lines. */
        private static String pad(String text, int from, int to) {
            return "\n".repeat(lineOf(text, from) - 1) + text.substring(from, to);
        }

        @Override
        protected boolean transactional(Migration migration) {
            return !nonTransactional.contains(migration.version());
        }

        @Override
        protected VersionTable versions() {
            return VersionTables.dbmate();
        }

        @Override
        protected String expectedDown(Migration migration) {
            return "a '-- migrate:down' section in " + migration.up().name();
        }
    }

    // ---- Prisma ----

    /**
     * Prisma: {@code <timestamp>_<name>/migration.sql}, up only; a {@code down.sql} next to it, when the team writes
     * one, is its down script. Its {@code _prisma_migrations} table.
     */
    public static final class Prisma extends SqlLayoutSource {
        private static final Pattern DIR = Pattern.compile("^(?:.*/)?(\\d+)_([^/]+)/migration\\.sql$");

        public Prisma(ScriptLocation location) {
            super(location);
        }

        public static boolean recognizes(List<ScriptFile> files) {
            return files.stream().anyMatch(f -> DIR.matcher(f.relativePath()).matches());
        }

        @Override
        public String format() {
            return "Prisma";
        }

        @Override
        protected MigrationHistory read(List<ScriptFile> files) {
            Map<String, ScriptFile> byPath = new LinkedHashMap<>();
            files.forEach(f -> byPath.put(f.relativePath(), f));
            Map<MigrationVersion, ScriptFile> seen = new LinkedHashMap<>();
            List<Migration> migrations = new ArrayList<>();
            for (ScriptFile f : files) {
                Matcher m = DIR.matcher(f.relativePath());
                if (!m.matches()) {
                    continue;
                }
                MigrationVersion version = MigrationVersion.parse(m.group(1));
                if (seen.containsKey(version)) {
                    throw problem(f, 1, "timestamp " + version + " appears twice: " + seen.get(version).relativePath()
                            + " and " + f.relativePath());
                }
                seen.put(version, f);
                String dir = f.relativePath().substring(0, f.relativePath().length() - "migration.sql".length());
                ScriptFile down = byPath.get(dir + "down.sql");
                migrations.add(new Migration(version, m.group(2).replace('_', ' '), Migration.Type.VERSIONED,
                        script(f, f.text()), down == null ? null : script(down, down.text()), null)
                        .withLabel(dir.replaceAll("/+$", "").replaceFirst(".*/", "")));
            }
            return new MigrationHistory(location.toString(), migrations, List.of());
        }

        @Override
        protected VersionTable versions() {
            return VersionTables.prisma();
        }

        @Override
        protected String expectedDown(Migration migration) {
            return migration.up().name().replace("migration.sql", "down.sql");
        }

        @Override
        protected String irreversibleReason(Migration migration) {
            return "Prisma migrations are up-only; write " + expectedDown(migration) + " to rehearse its down";
        }
    }

    static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
