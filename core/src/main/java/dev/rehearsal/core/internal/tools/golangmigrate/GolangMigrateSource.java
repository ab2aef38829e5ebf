package dev.rehearsal.core.internal.tools.golangmigrate;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.scripts.SqlLayoutSource;
import dev.rehearsal.core.internal.scripts.VersionTable;
import dev.rehearsal.core.internal.scripts.VersionTables;
import dev.rehearsal.core.internal.sql.ScriptTransaction;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * golang-migrate: {@code <version>_<name>.up.sql} and {@code <version>_<name>.down.sql}; its
 * {@code schema_migrations(version, dirty)} table. As golang-migrate reads them: versions are unsigned 64-bit
 * integers (sequence numbers or timestamps) applied in increasing order; gaps are fine; the same version twice in
 * one direction is an error; a version with only a down file has an up that runs nothing. A numbered Go file next to
 * the SQL ({@code <version>_<name>.up.go}, or {@code <version>_<name>.go} as Go migrators write them) is a migration
 * only the project's own migrator runs: the history is refused, naming those files, rather than rehearsed without them.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class GolangMigrateSource extends SqlLayoutSource {
    private static final Pattern FILE = Pattern.compile("^(\\d+)_(.*)\\.(up|down)\\.sql$");
    private static final Pattern GO_MIGRATION = Pattern.compile("^\\d+_.*\\.go$");
    private static final BigInteger MAX_VERSION = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);

    public GolangMigrateSource(ScriptLocation location) {
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
        Map<BigInteger, ScriptFile> ups = new TreeMap<>();
        Map<BigInteger, ScriptFile> downs = new TreeMap<>();
        refuseGoMigrations(files);
        for (ScriptFile f : files) {
            if (f.relativePath().contains("/")) {
                continue;
            }
            Matcher m = FILE.matcher(f.filename());
            if (!m.matches()) {
                continue;
            }
            BigInteger v = new BigInteger(m.group(1));
            ScriptFile same = (m.group(3).equals("up") ? ups : downs).putIfAbsent(v, f);
            if (same != null) {
                throw problem(f, 1, "version " + v + " appears twice: " + same.filename() + " and " + f.filename()
                        + ". golang-migrate fails on duplicate versions; renumber one of them.");
            }
        }
        SortedSet<BigInteger> versions = new TreeSet<>(ups.keySet());
        versions.addAll(downs.keySet());
        List<Migration> migrations = new ArrayList<>();
        for (BigInteger v : versions) {
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

    /**
     * Refuses numbered Go files at the top of the folder: Go code migrations, which Rehearsal cannot run, so the SQL
     * around them (a {@code .down.sql} whose up is Go code) would run without them. Go tests and unnumbered files
     * such as the {@code //go:embed} file of a migrations package are not migrations and stay.
     */
    private void refuseGoMigrations(List<ScriptFile> files) {
        List<String> go = files.stream().map(ScriptFile::relativePath)
                .filter(path -> !path.contains("/") && GO_MIGRATION.matcher(path).matches())
                .filter(path -> !path.endsWith("_test.go")).toList();
        if (!go.isEmpty()) {
            throw new RehearsalException(format() + " history at " + location + ": Go code migrations next to the SQL"
                    + " files (" + String.join(", ", go) + "), which only the project's own migrator runs. Rehearsal"
                    + " runs this layout's .sql files only, so the history would run without them: write them as"
                    + " .up.sql and .down.sql files, or rehearse a folder without them (move them out of " + location
                    + " with the .sql files of their versions).");
        }
    }

    /** As golang-migrate sends it: the whole file as one query. */
    @Override
    protected ScriptTransaction transaction(Migration migration) {
        return ScriptTransaction.ONE_QUERY;
    }

    @Override
    protected VersionTable versions() {
        throw new IllegalStateException("golang-migrate's table is qualified as the engine quotes a schema");
    }

    @Override
    protected VersionTable versions(Dialect dialect) {
        return VersionTables.golangMigrate(dialect::quote);
    }

    @Override
    protected String expectedDown(Migration migration) {
        return migration.up().name().replace(".up.sql", ".down.sql");
    }
}
