package dev.rehearsal.core.internal.tools.alembic;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.scripts.SqlLayoutSource;
import dev.rehearsal.core.internal.scripts.VersionTable;
import dev.rehearsal.core.internal.sql.Tables;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alembic histories given as offline SQL, the way Alembic writes it: {@code alembic upgrade base:head --sql}
 * (one file) and {@code alembic downgrade head:base --sql} (another). The files are cut at Alembic's step markers
 * ({@code -- Running upgrade a, b -> m}, {@code -- Running downgrade m -> a, b}); each upgrade step is paired
 * with the downgrade step of the same revision. The {@code alembic_version} statements Alembic emits stay in the
 * steps, so the table ends with the rows Alembic leaves (one per head); {@code BEGIN;} and {@code COMMIT;} lines
 * are dropped, as Rehearsal runs each step in its own transaction.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AlembicOfflineSource extends SqlLayoutSource {

    private static final Pattern UP = Pattern.compile("(?m)^-- Running upgrade (.*?) -> (\\S+)[ \\t]*$");
    private static final Pattern DOWN = Pattern.compile("(?m)^-- Running downgrade (\\S+) -> (.*?)[ \\t]*$");
    private static final Pattern TRANSACTION = Pattern.compile("(?im)^[ \\t]*(BEGIN|COMMIT)[ \\t]*;[ \\t]*$");
    private static final Pattern VERSION_TABLE = Pattern.compile(
            "(?is)CREATE TABLE alembic_version\\s*\\(.*?\\)\\s*;");

    private String createVersionTable;
    private final Map<String, Set<String>> parents = new LinkedHashMap<>();
    private final Map<String, Integer> order = new LinkedHashMap<>();

    public AlembicOfflineSource(ScriptLocation location) {
        super(location);
    }

    /** Whether a file holds Alembic's offline upgrade SQL. */
    public static boolean recognizes(List<ScriptFile> files) {
        return files.stream().anyMatch(f -> f.filename().endsWith(".sql") && UP.matcher(f.text()).find());
    }

    @Override
    public String format() {
        return "Alembic";
    }

    /** Whether the files hold Alembic offline SQL or Alembic revision files. */
    public static boolean recognizesAny(List<ScriptFile> files) {
        return recognizes(files) || AlembicRevisions.recognizes(files);
    }

    @Override
    protected MigrationHistory read(List<ScriptFile> files) {
        Map<String, AlembicRevisions.Revision> revisions = new LinkedHashMap<>();
        if (AlembicRevisions.recognizes(files)) {
            AlembicRevisions.read(location.toString(), files).forEach(r -> revisions.put(r.id(), r));
        }
        boolean withRevisionFiles = !revisions.isEmpty();
        ScriptFile upgrade = files.stream().filter(f -> f.filename().endsWith(".sql") && UP.matcher(f.text()).find())
                .findFirst().orElseThrow();
        ScriptFile downgrade = files.stream().filter(f -> f != upgrade && f.filename().endsWith(".sql")
                && DOWN.matcher(f.text()).find()).findFirst().orElse(null);
        if (files.stream().filter(f -> f.filename().endsWith(".sql") && UP.matcher(f.text()).find()).count() > 1) {
            throw problem(upgrade, 0, "more than one file holds '-- Running upgrade' steps; keep one upgrade file"
                    + " (alembic upgrade base:head --sql) and one downgrade file (alembic downgrade head:base --sql)");
        }
        List<Step> ups = steps(upgrade, UP, false);
        Map<String, Step> downs = new LinkedHashMap<>();
        if (downgrade != null) {
            for (Step s : steps(downgrade, DOWN, true)) {
                if (downs.put(s.revision, s) != null) {
                    throw problem(downgrade, s.line, "revision " + s.revision + " is downgraded twice");
                }
            }
        }
        Matcher table = VERSION_TABLE.matcher(upgrade.text());
        createVersionTable = table.find() ? table.group() : "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
                + " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));";
        List<Migration> migrations = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int index = 0;
        for (Step up : ups) {
            if (!seen.add(up.revision)) {
                throw problem(upgrade, up.line, "revision " + up.revision + " is upgraded twice");
            }
            for (String p : up.others) {
                if (!seen.contains(p)) {
                    throw problem(upgrade, up.line, "revision " + up.revision + " comes from " + p
                            + ", which no earlier step of this file upgrades to");
                }
            }
            parents.put(up.revision, new HashSet<>(up.others));
            order.put(up.revision, ++index);
            Step down = downs.remove(up.revision);
            if (down == null && downgrade != null) {
                throw problem(downgrade, 0, "no '-- Running downgrade " + up.revision + " -> ...' step, though "
                        + upgrade.filename() + " line " + up.line + " upgrades to it. Generate both files from the same"
                        + " revisions: alembic downgrade head:base --sql");
            }
            if (down != null && !new HashSet<>(down.others).equals(new HashSet<>(up.others))) {
                throw problem(downgrade, down.line, "revision " + up.revision + " goes down to " + down.others
                        + ", but " + upgrade.filename() + " line " + up.line + " brings it up from " + up.others);
            }
            String description = up.others.isEmpty() ? "base" : up.others.size() > 1
                    ? "merge of " + String.join(", ", up.others) : "after " + up.others.get(0);
            AlembicRevisions.Revision file = revisions.remove(up.revision);
            if (file == null && withRevisionFiles) {
                throw problem(upgrade, up.line, "revision " + up.revision + " has no revision file next to it;"
                        + " regenerate the offline SQL from the revision files");
            }
            if (file != null) {
                description = file.file().filename().replaceFirst("^" + Pattern.quote(up.revision) + "_?", "")
                        .replaceFirst("\\.py$", "").replace('_', ' ');
            }
            migrations.add(new Migration(MigrationVersion.parse(String.valueOf(index)), description,
                    Migration.Type.VERSIONED, new MigrationScript(upgrade.relativePath() + " (" + up.revision + ")",
                    upgrade.describe(), up.sql),
                    down == null ? null : new MigrationScript(downgrade.relativePath() + " (" + up.revision + ")",
                            downgrade.describe(), down.sql), null, up.revision));
        }
        if (!revisions.isEmpty()) {
            AlembicRevisions.Revision missing = revisions.values().iterator().next();
            throw problem(upgrade, 0, "revision " + missing.id() + " (" + missing.file().relativePath() + ") is not in"
                    + " the offline SQL: regenerate it with alembic upgrade base:head --sql");
        }
        if (!downs.isEmpty()) {
            Step extra = downs.values().iterator().next();
            throw problem(downgrade, extra.line, "downgrades revision " + extra.revision + ", which "
                    + upgrade.filename() + " never upgrades to");
        }
        return new MigrationHistory(location.toString(), migrations, List.of());
    }

    /** One step of an offline file: its revision, the revisions on the other side of the arrow, its SQL. */
    private record Step(String revision, List<String> others, int line, String sql) {
    }

    private List<Step> steps(ScriptFile file, Pattern marker, boolean down) {
        String text = file.text();
        Matcher m = marker.matcher(text);
        List<int[]> starts = new ArrayList<>();
        List<String[]> heads = new ArrayList<>();
        while (m.find()) {
            starts.add(new int[]{m.start(), m.end()});
            heads.add(new String[]{m.group(1).trim(), m.group(2).trim()});
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            int bodyStart = starts.get(i)[1];
            int bodyEnd = i + 1 < starts.size() ? starts.get(i + 1)[0] : text.length();
            String body = TRANSACTION.matcher(text.substring(bodyStart, bodyEnd)).replaceAll("");
            int line = lineOf(text, starts.get(i)[0]);
            String sql = "\n".repeat(line - 1) + body;
            String revision = down ? heads.get(i)[0] : heads.get(i)[1];
            String other = down ? heads.get(i)[1] : heads.get(i)[0];
            List<String> others = other.isEmpty() ? List.of() : List.of(other.split("\\s*,\\s*"));
            steps.add(new Step(revision, others, line, sql));
        }
        return steps;
    }

    /** Its transaction, its parents and the version table's definition, which decide what its up writes there. */
    @Override
    public String appliedWith(Migration migration) {
        String revision = migration.id() != null ? migration.id() : migration.version().toString();
        return super.appliedWith(migration) + " parents " + new TreeSet<>(parents.getOrDefault(revision, Set.of()))
                + " table " + createVersionTable;
    }

    @Override
    protected VersionTable versions() {
        return new VersionTable() {
            @Override
            public String table() {
                return "alembic_version";
            }

            @Override
            public void ensure(Connection c) throws SQLException {
                if (Tables.exists(c, "alembic_version")) {
                    return;
                }
                Tables.execute(c, createVersionTable);
            }

            @Override
            public Optional<MigrationVersion> current(Connection c, MigrationHistory history) throws SQLException {
                List<String> heads = new ArrayList<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select version_num from alembic_version")) {
                    while (rs.next()) {
                        heads.add(rs.getString(1));
                    }
                }
                return AlembicRevisions.highest(heads, order, "the offline SQL at " + location + " does not know");
            }

            @Override
            public void applied(Connection c, Migration m) {
                // the step's own SQL maintains alembic_version, as Alembic wrote it
            }

            @Override
            public void reverted(Connection c, Migration m, Migration previous) {
                // likewise for the downgrade step
            }
        };
    }

    @Override
    protected String expectedDown(Migration migration) {
        return "a '-- Running downgrade " + migration.id() + " -> ...' step in the downgrade file"
                + " (alembic downgrade head:base --sql)";
    }
}
