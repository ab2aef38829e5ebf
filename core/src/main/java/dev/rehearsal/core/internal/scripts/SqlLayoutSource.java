package dev.rehearsal.core.internal.scripts;

import dev.rehearsal.core.internal.sql.ScriptTransaction;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.util.List;

/**
 * Histories of plain SQL files (golang-migrate, dbmate, Prisma, Atlas, Drizzle, Alembic's offline SQL). Each reads its files into a
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

    /**
     * What applying {@code migration} depends on besides its own fields (its scripts, version, name, checksum): by
     * default how its statements are grouped into transactions; a layout that writes more into its version table
     * adds that. Part of the key a pull request's base is kept under, so that a change here never reuses an old base.
     */
    public String appliedWith(Migration migration) {
        return String.valueOf(transaction(migration));
    }

    /** How the tool groups {@code migration}'s statements into transactions; by default as Flyway detects it. */
    protected ScriptTransaction transaction(Migration migration) {
        return ScriptTransaction.ONE_UNLESS_A_STATEMENT_CANNOT;
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
        return new ScriptTool(history, versions(dialect), dataSource, dialect, this::expectedDown, this::transaction,
                this::irreversibleReason);
    }

    protected RehearsalException problem(ScriptFile file, int line, String what) {
        return new RehearsalException(format() + " history at " + location + ": " + file.relativePath()
                + (line > 0 ? ", line " + line : "") + ": " + what);
    }

    protected static MigrationScript script(ScriptFile f, String sql) {
        return new MigrationScript(f.relativePath(), f.describe(), sql);
    }

    /** The 1-based line of {@code offset} in {@code text}. */
    public static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
