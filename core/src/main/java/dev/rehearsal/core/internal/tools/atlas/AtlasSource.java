package dev.rehearsal.core.internal.tools.atlas;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.scripts.AtlasSum;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.scripts.SqlLayoutSource;
import dev.rehearsal.core.internal.scripts.VersionTable;
import dev.rehearsal.core.internal.scripts.VersionTables;
import dev.rehearsal.core.internal.sql.ScriptTransaction;
import dev.rehearsal.core.model.Migration;
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
 * Atlas's own directory format: {@code <version>_<name>.sql} files and {@code atlas.sum} (checked by
 * {@link AtlasSum} before anything is read), up only; its {@code atlas_schema_revisions} table. A file whose
 * header says {@code -- atlas:txmode none} runs outside a transaction, as {@code atlas migrate apply} runs it.
 * Directories Atlas writes in golang-migrate, Flyway or dbmate format are read by those layouts, their
 * {@code atlas.sum} checked all the same.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AtlasSource extends SqlLayoutSource {
    private static final Pattern FILE = Pattern.compile("^([^_]+?)(?:_(.*))?\\.sql$");
    private static final Pattern TXMODE = Pattern.compile("atlas:txmode\\s+(\\w+)");
    private final Set<MigrationVersion> nonTransactional = new HashSet<>();

    public AtlasSource(ScriptLocation location) {
        super(location);
    }

    /** An {@code atlas.sum} next to SQL files no other layout claims. */
    public static boolean recognizes(List<ScriptFile> files) {
        return AtlasSum.present(files) && files.stream().anyMatch(f -> !f.relativePath().contains("/")
                && f.filename().endsWith(".sql"));
    }

    @Override
    public String format() {
        return "atlas";
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
            MigrationVersion version;
            try {
                version = MigrationVersion.parse(name.group(1));
            } catch (IllegalArgumentException e) {
                throw problem(f, 1, "\"" + name.group(1) + "\" is not a version Rehearsal can order (digits and"
                        + " dots, as atlas migrate writes them: 20240101120000_add_users.sql)");
            }
            ScriptFile same = seen.putIfAbsent(version, f);
            if (same != null) {
                throw problem(f, 1, "version " + version + " appears twice: " + same.filename() + " and "
                        + f.filename() + ". Atlas would apply both under one version; renumber one of them.");
            }
            for (String header : headerComments(f.text())) {
                Matcher tx = TXMODE.matcher(header);
                if (tx.find()) {
                    if (tx.group(1).equals("none")) {
                        nonTransactional.add(version);
                    } else if (!tx.group(1).equals("file")) {
                        throw problem(f, 1, "atlas:txmode " + tx.group(1) + " is not a mode of one file: use none"
                                + " (no transaction) or file (the default)");
                    }
                }
            }
            migrations.add(new Migration(version, name.group(2) == null ? "" : name.group(2).replace('_', ' '),
                    Migration.Type.VERSIONED, script(f, f.text()), null, null));
        }
        return new MigrationHistory(location.toString(), migrations, List.of());
    }

    /**
     * The file's directives: the comment lines at its top, when a blank line parts them from the statements
     * (Atlas reads them so; a comment right above a statement belongs to the statement).
     */
    private static List<String> headerComments(String text) {
        List<String> comments = new ArrayList<>();
        String rest = text;
        while (rest.startsWith("--") || rest.startsWith("#")) {
            int nl = rest.indexOf('\n');
            if (nl < 0) {
                comments.add(rest);
                return comments;
            }
            comments.add(rest.substring(0, nl).strip());
            rest = rest.substring(nl + 1);
        }
        return rest.startsWith("\n") || rest.startsWith("\r\n") ? comments : List.of();
    }

    /** As the tool runs it: the whole file in one transaction, or each statement alone where the file says so. */
    @Override
    protected ScriptTransaction transaction(Migration migration) {
        return nonTransactional.contains(migration.version()) ? ScriptTransaction.NONE : ScriptTransaction.ONE;
    }

    @Override
    protected VersionTable versions() {
        throw new IllegalStateException("the Atlas table counts statements with the engine's splitter");
    }

    @Override
    protected VersionTable versions(Dialect dialect) {
        return VersionTables.atlas(AtlasSum.hashes(location.files()), m -> dialect.split(m.up().sql()).size());
    }

    @Override
    protected String expectedDown(Migration migration) {
        return "no down file: Atlas's own format is up-only (atlas migrate down plans one against a dev database)";
    }

    @Override
    protected String irreversibleReason(Migration migration) {
        return "Atlas migration files are up-only";
    }
}
