package dev.rehearsal.snapshots;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.SchemaCheck;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.schema.SchemaDdl;
import dev.rehearsal.core.schema.SchemaSnapshot;
import dev.rehearsal.snapshots.internal.ConnectionSource;
import dev.rehearsal.snapshots.internal.GoldenText;
import dev.rehearsal.snapshots.internal.ReadOnlyDataSource;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The schema golden files of a migration history: one reviewable file of normalised DDL per migration version
 * ({@code V5.sql}) in one folder, by default {@code src/test/resources/rehearsal/schema}. As a {@link SchemaCheck}
 * (see {@code MigrationRehearsal.checkEachUp}) it compares the schema after each up with that version's file, so a
 * pull request shows what each migration does to the schema, and an edited migration that was already applied fails
 * with the difference. Files are written as {@link GoldenMode} says: missing ones locally, changed ones in update
 * mode, never on CI. {@link #driftOf} compares a live database with the golden file of the version its history table
 * records.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class GoldenSchemas implements SchemaCheck {

    /** Where golden files live unless {@code rehearsal.snapshots.dir} says otherwise, relative to the project. */
    public static final Path DEFAULT_DIR = Path.of("src", "test", "resources", "rehearsal", "schema");

    private static final int DIFF_LINES = 80;

    private final Path dir;
    private final GoldenMode mode;
    private final PrintStream out;

    private GoldenSchemas(Path dir, GoldenMode mode, PrintStream out) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** The golden files in {@code dir}, written as {@code mode} allows; what is written is printed to standard out. */
    public static GoldenSchemas in(Path dir, GoldenMode mode) {
        return new GoldenSchemas(dir, mode, System.out);
    }

    /** The same files, printing what is written to {@code out}. */
    public GoldenSchemas printingTo(PrintStream out) {
        return new GoldenSchemas(dir, mode, out);
    }

    public Path dir() {
        return dir;
    }

    public GoldenMode mode() {
        return mode;
    }

    /**
     * The schema at {@code migration}'s version ({@code rehearsal.schemaAt("5")}) with these golden files, to compare
     * with its file.
     */
    public SchemaAtVersion at(Migration migration, SchemaSnapshot schema, Dialect dialect) {
        return new SchemaAtVersion(migration, schema, dialect.ddl(schema), this);
    }

    /** The golden file of a migration: {@code V5.sql}, or {@code 27c6a30d7c24.sql} for a tool that names by id. */
    public Path fileFor(Migration migration) {
        return dir.resolve((migration.id() != null ? migration.id() : "V" + migration.version()) + ".sql");
    }

    @Override
    public Outcome check(Migration migration, SchemaSnapshot schema, Dialect dialect) {
        return outcome(migration, compare(migration, dialect.ddl(schema)));
    }

    /** A comparison as a check's outcome: the failure message that names the migration, the file and what to do. */
    Outcome outcome(Migration migration, GoldenComparison result) {
        Path file = result.file();
        return switch (result.status()) {
            case MATCHES -> Outcome.passed();
            case WRITTEN -> Outcome.noted("golden file written: " + file);
            case REWRITTEN -> Outcome.noted("golden file rewritten: " + file + "\n" + result.summary().stripTrailing());
            case MISSING -> Outcome.failed(migration.displayName() + " (" + migration.up().name() + ") has no golden"
                    + " schema file: expected " + file + ". " + (mode == GoldenMode.VERIFY_ONLY
                    ? "With CI set, Rehearsal never writes golden files: run the tests once locally (missing files are"
                    + " written) or with -Drehearsal.snapshots.update=true, review the files and commit them."
                    : "Run with -Drehearsal.snapshots.update=true to write it."));
            case DIFFERS -> Outcome.failed(differs(migration, result));
        };
    }

    /**
     * Compares the schema {@code ddl} after {@code migration} with its golden file, and writes or rewrites the file as
     * the mode allows.
     *
     * @throws RehearsalException when the file cannot be read or written, or is not a golden file (outside update
     *                            mode), naming the file, the line and what to do
     */
    public GoldenComparison compare(Migration migration, SchemaDdl ddl) {
        String version = migration.id() != null ? migration.id() : migration.version().toString();
        Path file = fileFor(migration);
        String actual = GoldenText.write(ddl, version);
        Optional<String> golden = read(file);
        if (golden.isEmpty()) {
            if (mode == GoldenMode.VERIFY_ONLY) {
                return new GoldenComparison(GoldenComparison.Status.MISSING, file, List.of(), List.of(), List.of(), "");
            }
            write(file, actual);
            out.println("Rehearsal wrote the golden schema file " + file + " (" + ddl.entries().size() + " objects)");
            return new GoldenComparison(GoldenComparison.Status.WRITTEN, file, List.of(), List.of(), List.of(), "");
        }
        String expected = GoldenText.normalise(golden.get());
        if (expected.equals(actual)) {
            return new GoldenComparison(GoldenComparison.Status.MATCHES, file, List.of(), List.of(), List.of(), "");
        }
        GoldenComparison differs;
        try {
            differs = differences(file, expected, actual, ddl.engine());
        } catch (GoldenText.Unreadable e) {
            if (mode != GoldenMode.UPDATE) {
                throw new RehearsalException("The golden schema file " + file + " cannot be read: " + e.getMessage()
                        + ". Fix it by hand, or delete it and run the tests again (or run with"
                        + " -Drehearsal.snapshots.update=true) to write it from the migrations.", e);
            }
            differs = new GoldenComparison(GoldenComparison.Status.DIFFERS, file, List.of(), List.of(), List.of(),
                    unifiedDiff(file, expected, actual));
        }
        if (differs.added().isEmpty() && differs.removed().isEmpty() && differs.changed().isEmpty()
                && differs.diff().isEmpty()) {
            return new GoldenComparison(GoldenComparison.Status.MATCHES, file, List.of(), List.of(), List.of(), "");
        }
        if (mode == GoldenMode.UPDATE) {
            write(file, actual);
            out.println("Rehearsal rewrote the golden schema file " + file + ":\n" + differs.summary().stripTrailing());
            return new GoldenComparison(GoldenComparison.Status.REWRITTEN, file, differs.added(), differs.removed(),
                    differs.changed(), differs.diff());
        }
        return differs;
    }

    /**
     * Compares a live database with the golden file of the version its migration tool's history table records,
     * reading only, in a read-only session: objects added by hand, indexes dropped, columns changed.
     *
     * @param live     the database to compare; its connections are made read-only
     * @param source   the history whose tool keeps the version table ({@code MigrationSources.detect})
     * @param describe how messages name the database (a JDBC URL without its password)
     * @throws RehearsalException when the database cannot be read, records no version, or its version has no golden file
     */
    public SchemaDrift driftOf(DataSource live, MigrationSource source, String describe) {
        try (Connection c = live.getConnection()) {
            Dialect dialect = Dialect.of(c);
            try {
                dialect.readOnlySession(c);
                c.setAutoCommit(false);
            } catch (SQLException e) {
                throw new RehearsalException(describe + " refused a read-only session (" + e.getMessage() + "); Rehearsal"
                        + " compares live databases only read-only. Use an account that may read the catalog.", e);
            }
            MigrationTool tool = source.open(new ReadOnlyDataSource(live, dialect), dialect);
            Optional<MigrationVersion> version;
            try {
                version = tool.currentVersion();
            } catch (RuntimeException e) {
                throw new RehearsalException("Could not tell which version " + describe + " is at from its migration"
                        + " history table (" + source.describe() + "): " + e.getMessage(), e);
            }
            MigrationVersion at = version.orElseThrow(() -> new RehearsalException(describe + " records no applied"
                    + " migration in its history table (" + source.describe() + "), so there is no golden file to"
                    + " compare it with."));
            Migration migration = tool.history().find(at).orElseThrow(() -> new RehearsalException(describe
                    + " is at version " + at + ", which the history (" + source.describe() + ") does not have: the"
                    + " database ran a migration this checkout lacks."));
            SchemaSnapshot schema = dialect.snapshot(c, tool.ownTables());
            c.rollback();
            Path file = fileFor(migration);
            if (!Files.exists(file)) {
                throw new RehearsalException(describe + " is at " + migration.displayName() + ", which has no golden"
                        + " schema file: expected " + file + ". Run the migration tests to write it.");
            }
            String expected = GoldenText.normalise(read(file).orElseThrow());
            String actual = GoldenText.write(dialect.ddl(schema), migration.id() != null ? migration.id()
                    : migration.version().toString());
            GoldenComparison comparison = expected.equals(actual)
                    ? new GoldenComparison(GoldenComparison.Status.MATCHES, file, List.of(), List.of(), List.of(), "")
                    : differences(file, expected, actual, dialect.ddl(schema).engine());
            return new SchemaDrift(describe, migration, comparison);
        } catch (SQLException e) {
            throw new RehearsalException("Could not read the schema of " + describe + ": " + e.getMessage(), e);
        } catch (GoldenText.Unreadable e) {
            throw new RehearsalException("The golden schema file for " + describe + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    /**
     * {@link #driftOf(DataSource, MigrationSource, String)} for a server named by JDBC URL; the password is used to
     * connect and appears in no message.
     */
    public SchemaDrift driftOf(String jdbcUrl, String user, String password, MigrationSource source) {
        String describe = withoutPassword(jdbcUrl);
        DataSource live = ConnectionSource.of(jdbcUrl, user, password, describe);
        return driftOf(live, source, describe);
    }

    private String differs(Migration migration, GoldenComparison result) {
        String v = migration.displayName().split(" ")[0];
        return migration.displayName() + " (" + migration.up().name() + ") left a schema that differs from its golden"
                + " file " + result.file() + ":\n" + result.summary() + result.diff()
                + "\nIf " + v + " was edited after it ran on a shared database, this is drift: such a database keeps the old"
                + " schema. Put the script back as it was and make the change in a new migration. If the change is"
                + " meant (" + v + " has run nowhere yet), rewrite the golden files with -Drehearsal.snapshots.update=true"
                + " and review the diff.";
    }

    private static GoldenComparison differences(Path file, String expected, String actual, String engine)
            throws GoldenText.Unreadable {
        GoldenText.Parsed want = GoldenText.parse(expected, engine);
        GoldenText.Parsed have = GoldenText.parse(actual, engine);
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, String> e : have.entries().entrySet()) {
            String was = want.entries().get(e.getKey());
            if (was == null) {
                added.add(e.getKey());
            } else if (!was.equals(e.getValue())) {
                changed.add(e.getKey());
            }
        }
        want.entries().keySet().stream().filter(k -> !have.entries().containsKey(k)).forEach(removed::add);
        boolean same = added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        return new GoldenComparison(GoldenComparison.Status.DIFFERS, file, added, removed, changed,
                same ? "" : unifiedDiff(file, expected, actual));
    }

    private static String unifiedDiff(Path file, String expected, String actual) {
        List<String> from = expected.lines().toList();
        List<String> to = actual.lines().toList();
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff(file.toString(), "the schema the migrations built",
                from, DiffUtils.diff(from, to), 2);
        StringBuilder sb = new StringBuilder();
        lines.stream().limit(DIFF_LINES).forEach(l -> sb.append("    ").append(l).append('\n'));
        if (lines.size() > DIFF_LINES) {
            sb.append("    ... ").append(lines.size() - DIFF_LINES).append(" more diff lines\n");
        }
        return sb.toString();
    }

    private static Optional<String> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RehearsalException("Could not read the golden schema file " + file + ": " + e, e);
        }
    }

    /** Writes through a temporary file and a move, so that a failure leaves the old file or none, never half of one. */
    private static void write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new RehearsalException("Could not write the golden schema file " + file + ": " + e
                    + ". Check that the folder is writable, or set rehearsal.snapshots.dir.", e);
        }
    }

    /** A JDBC URL with any {@code password=} parameter masked, for messages. */
    static String withoutPassword(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
