package dev.rehearsal.core.internal.tools.prisma;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.internal.sql.ScriptTransaction;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.scripts.SqlLayoutSource;
import dev.rehearsal.core.internal.scripts.VersionTable;
import dev.rehearsal.core.internal.scripts.VersionTables;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prisma: {@code <timestamp>_<name>/migration.sql}, up only; a {@code down.sql} next to it, when the team writes
 * one, is its down script. Its {@code _prisma_migrations} table.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PrismaSource extends SqlLayoutSource {
    private static final Pattern DIR = Pattern.compile("^(?:.*/)?(\\d+)_([^/]+)/migration\\.sql$");

    public PrismaSource(ScriptLocation location) {
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

    /** As prisma migrate deploy sends it: the whole file as one query. */
    @Override
    protected ScriptTransaction transaction(Migration migration) {
        return ScriptTransaction.ONE_QUERY;
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
