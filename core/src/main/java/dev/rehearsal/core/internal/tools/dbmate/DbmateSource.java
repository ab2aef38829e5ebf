package dev.rehearsal.core.internal.tools.dbmate;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.scripts.SqlLayoutSource;
import dev.rehearsal.core.internal.scripts.VersionTable;
import dev.rehearsal.core.internal.scripts.VersionTables;
import dev.rehearsal.core.internal.sql.ScriptTransaction;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dbmate: {@code <version>_<name>.sql}, each with a {@code -- migrate:up} and a {@code -- migrate:down} section
 * (either may add {@code transaction:false}); its {@code schema_migrations(version)} table.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DbmateSource extends SqlLayoutSource {
    private static final Pattern FILE = Pattern.compile("^(\\d+)_?(.*)\\.sql$");
    private static final Pattern MARKER = Pattern.compile("(?m)^--\\s*migrate:(up|down)\\b(.*)$");
    private final Set<MigrationVersion> nonTransactional = new HashSet<>();

    public DbmateSource(ScriptLocation location) {
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

    /** As the tool runs it: the whole file in one transaction, or each statement alone where the file says so. */
    @Override
    protected ScriptTransaction transaction(Migration migration) {
        return nonTransactional.contains(migration.version()) ? ScriptTransaction.NONE : ScriptTransaction.ONE;
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
