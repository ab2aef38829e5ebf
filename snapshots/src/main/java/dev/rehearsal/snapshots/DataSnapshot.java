package dev.rehearsal.snapshots;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import dev.rehearsal.snapshots.internal.CaptureTables;
import dev.rehearsal.snapshots.internal.ConnectionSource;
import dev.rehearsal.snapshots.internal.Masking;
import dev.rehearsal.snapshots.internal.ReadOnlyDataSource;
import dev.rehearsal.snapshots.internal.SnapshotArchive;
import dev.rehearsal.snapshots.internal.Subset;
import org.apache.commons.csv.CSVRecord;
import org.apiguardian.api.API;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A masked data snapshot: rows captured from a real database (PostgreSQL or MariaDB, named by JDBC URL) in one
 * read-only repeatable-read transaction, optionally a subset closed over foreign keys, with personal columns masked
 * deterministically, written to one compressed file that records the migration version it was taken at; and restored
 * into a throwaway database at that version, so that the newer migrations are rehearsed over real data.
 *
 * <pre>
 * DataSnapshot.capture("jdbc:postgresql://db:5432/shop", "reader", password, source)
 *         .subset("customers", "created_at &gt; now() - interval '90 days'", 500)
 *         .maskingRules(Path.of("src/test/resources/rehearsal-masking.yaml"))
 *         .writeTo(Path.of("src/test/resources/snapshots/shop.rehearsal"));
 *
 * try (DataSnapshot snapshot = DataSnapshot.open(Path.of("src/test/resources/snapshots/shop.rehearsal"))) {
 *     snapshot.restoreInto(rehearsal);     // migrates to the snapshot's version, loads the rows
 * }
 * </pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class DataSnapshot implements AutoCloseable {

    /** The file format this Rehearsal writes and the newest it reads. */
    public static final int FORMAT = 1;

    private static final int BATCH = 10_000;

    private final SnapshotArchive.Reader reader;
    private final String describe;

    private DataSnapshot(SnapshotArchive.Reader reader, String describe) {
        this.reader = reader;
        this.describe = describe;
    }

    /**
     * Opens a snapshot file.
     *
     * @throws RehearsalException naming the file when it is missing, cut short, not a snapshot or of a newer format
     */
    public static DataSnapshot open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RehearsalException("There is no data snapshot at " + file.toAbsolutePath()
                    + ": capture one with DataSnapshot.capture(...).writeTo(...), or fix the path.");
        }
        return new DataSnapshot(new SnapshotArchive.Reader(file, file.toString(), FORMAT), file.toString());
    }

    /**
     * Opens a snapshot by location: {@code classpath:snapshots/shop.rehearsal} or {@code filesystem:path} (a bare path
     * is a file path).
     */
    public static DataSnapshot open(String location, ClassLoader classLoader) {
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length()).replaceFirst("^/", "");
            URL url = classLoader.getResource(resource);
            if (url == null) {
                throw new RehearsalException("There is no data snapshot at " + location + " on the class path"
                        + " (looked for " + resource + "): put it under src/test/resources, or use filesystem:.");
            }
            try {
                if ("file".equals(url.getProtocol())) {
                    return open(Path.of(url.toURI()));
                }
                Path copy = Files.createTempFile("rehearsal-snapshot", ".rehearsal");
                copy.toFile().deleteOnExit();
                try (InputStream in = url.openStream()) {
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                }
                return new DataSnapshot(new SnapshotArchive.Reader(copy, location, FORMAT), location);
            } catch (IOException | URISyntaxException e) {
                throw new RehearsalException("Could not read the data snapshot " + location + ": " + e, e);
            }
        }
        return open(Path.of(location.startsWith("filesystem:") ? location.substring("filesystem:".length()) : location));
    }

    /** What the file says about itself. */
    public SnapshotManifest manifest() {
        return reader.manifest();
    }

    /**
     * Restores the snapshot into the rehearsal's throwaway database: migrates it to the snapshot's version, loads every
     * table's rows (COPY on PostgreSQL, multi-row inserts on MariaDB, foreign-key checks off during the load where
     * the account may, parents first otherwise) and moves the sequences past the rows. The rehearsal then continues
     * from that version: its round trips rehearse the newer migrations over the data, with every data check.
     *
     * @throws RehearsalException when the engine differs, the history does not know the version, a column is missing
     *                            at that version, or the file is damaged, naming the snapshot and what to do
     */
    public RestoreResult restoreInto(MigrationRehearsal rehearsal) {
        SnapshotManifest m = manifest();
        Dialect dialect = rehearsal.database().dialect();
        if (!dialect.engine().displayName().equals(m.engine())) {
            throw new RehearsalException("The data snapshot " + describe + " was taken from " + m.engine()
                    + " but this rehearsal runs on " + dialect.engine().displayName() + ": restore it on the engine it"
                    + " came from.");
        }
        Migration at = rehearsal.history().find(MigrationVersion.parse(m.version())).orElseThrow(() ->
                new RehearsalException("The data snapshot " + describe + " was taken at version " + m.version() + " ("
                        + m.migration() + "), which this history does not have: its migrations are "
                        + rehearsal.history().versioned().stream().map(x -> x.version().toString()).toList()
                        + ". Capture the snapshot again, or rehearse the branch it was taken from."));
        Optional<MigrationVersion> current = rehearsal.currentVersion();
        if (current.isPresent() && current.get().compareTo(at.version()) > 0) {
            throw new RehearsalException("The data snapshot " + describe + " is at version " + m.version()
                    + " but the rehearsal's database is already at " + current.get() + ": restore it first.");
        }
        rehearsal.migrateTo(at.version());
        SchemaSnapshot schema = rehearsal.schema();
        for (SnapshotManifest.Table t : m.tables()) {
            if (schema.table(t.name()).isEmpty()) {
                throw new RehearsalException("The data snapshot " + describe + " has rows of " + t.name() + ", which the"
                        + " migrations do not create by version " + m.version() + ": the database it came from drifted"
                        + " from its migrations (GoldenSchemas.driftOf shows how).");
            }
            Set<String> columns = new LinkedHashSet<>(schema.columns(t.name()).stream().map(SchemaObject::simpleName).toList());
            List<String> missing = t.columns().stream().filter(c -> !columns.contains(c)).toList();
            if (!missing.isEmpty()) {
                throw new RehearsalException("The data snapshot " + describe + " has the columns " + missing + " of "
                        + t.name() + ", which the migrations do not create by version " + m.version() + ": the database"
                        + " it came from drifted from its migrations (GoldenSchemas.driftOf shows how).");
            }
        }
        long t0 = System.nanoTime();
        List<String> notes = new ArrayList<>();
        long rows = 0;
        try (Connection c = rehearsal.dataSource().getConnection()) {
            c.setAutoCommit(false);
            DataAccess data = dialect.data(c);
            DataAccess.AutoCloseableChecks checks = null;
            try {
                checks = data.foreignKeyChecksOff();
            } catch (SQLException e) {
                c.rollback();
                notes.add("foreign-key checks stayed on (" + e.getMessage().lines().findFirst().orElse("")
                        + "): tables loaded parents first");
            }
            for (SnapshotManifest.Table t : m.tables()) {
                rows += load(data, t);
            }
            if (checks != null) {
                checks.close();
            }
            data.advanceOwnedSequences(schema);
            c.commit();
        } catch (SQLException e) {
            throw new RehearsalException("Restoring the data snapshot " + describe + " into " + rehearsal.database().name()
                    + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new RehearsalException("The data snapshot " + describe + " is damaged: " + e.getMessage()
                    + ". Capture it again.", e);
        }
        return new RestoreResult(at, rows, Duration.ofNanos(System.nanoTime() - t0), notes);
    }

    private long load(DataAccess data, SnapshotManifest.Table t) throws IOException, SQLException {
        if (t.binary().isEmpty()) { // the file's CSV is the engine's own where it reads CSV (COPY): no parsing here
            long loaded;
            try (InputStream csv = reader.raw(t)) {
                loaded = data.loadCsv(t.name(), t.columns(), csv);
            }
            if (loaded >= 0) {
                if (loaded != t.rows()) {
                    throw new IOException(t.name() + " holds " + loaded + " rows where the manifest says " + t.rows()
                            + ", so the file was changed or cut short");
                }
                return loaded;
            }
        }
        Set<String> binary = Set.copyOf(t.binary());
        boolean[] hex = new boolean[t.columns().size()];
        for (int i = 0; i < hex.length; i++) {
            hex[i] = binary.contains(t.columns().get(i));
        }
        long n = 0;
        try (SnapshotArchive.Rows rows = reader.rows(t)) {
            List<Object[]> batch = new ArrayList<>(BATCH);
            while (rows.records().hasNext()) {
                CSVRecord r = rows.records().next();
                if (r.size() != hex.length) {
                    throw new IOException("row " + (n + 1) + " of " + t.name() + " has " + r.size() + " values, not "
                            + hex.length);
                }
                Object[] row = new Object[hex.length];
                for (int i = 0; i < hex.length; i++) {
                    String v = r.get(i);
                    row[i] = v != null && hex[i] ? HexFormat.of().parseHex(v) : v;
                }
                batch.add(row);
                n++;
                if (batch.size() == BATCH) {
                    data.load(t.name(), t.columns(), batch);
                    batch.clear();
                }
            }
            data.load(t.name(), t.columns(), batch);
        } catch (RuntimeException e) {
            throw new IOException("the rows of " + t.name() + " cannot be read (" + e.getMessage() + ")", e);
        }
        if (n != t.rows()) {
            throw new IOException(t.name() + " holds " + n + " rows where the manifest says " + t.rows()
                    + ", so the file was changed or cut short");
        }
        return n;
    }

    @Override
    public void close() {
        reader.close();
    }

    /**
     * What a restore did.
     *
     * @param version the migration the database is at now
     * @param rows    rows loaded
     * @param took    how long loading took
     * @param notes   what is worth knowing (foreign-key checks that stayed on)
     */
    public record RestoreResult(Migration version, long rows, Duration took, List<String> notes) {
        public RestoreResult {
            notes = List.copyOf(notes);
        }
    }

    // ---- capture ----

    /**
     * Starts a capture of the database at {@code jdbcUrl}, whose version {@code source}'s migration tool reads from
     * its history table. Nothing is read until {@link Capture#writeTo}.
     */
    public static Capture capture(String jdbcUrl, String user, String password, MigrationSource source) {
        return new Capture(jdbcUrl, user, password, source);
    }

    /** A capture being set up; {@link #writeTo} runs it. */
    public static final class Capture {
        private final String url;
        private final String user;
        private final String password;
        private final MigrationSource source;
        private final List<Subset.Start> starts = new ArrayList<>();
        private Path rules;
        private String key = System.getenv(Masking.KEY_VARIABLE);

        private Capture(String url, String user, String password, MigrationSource source) {
            this.url = Objects.requireNonNull(url, "jdbcUrl");
            this.user = user;
            this.password = password;
            this.source = Objects.requireNonNull(source, "source");
        }

        /**
         * Keeps only the rows of {@code table} that match {@code where} (SQL, null for all), at most {@code limit}
         * of them (0 for no limit), with the rows that reference them and every row they reference. Several start
         * tables may be given; without any, every row of every table is captured.
         */
        public Capture subset(String table, String where, long limit) {
            starts.add(new Subset.Start(table, where, limit));
            return this;
        }

        /** Masking rules by column ({@code columns: {customers.notes: text}}), over the defaults by column name. */
        public Capture maskingRules(Path yaml) {
            this.rules = yaml;
            return this;
        }

        /** The masking secret; by default the environment variable {@code REHEARSAL_MASKING_KEY}. */
        public Capture maskingKey(String secret) {
            this.key = secret;
            return this;
        }

        /**
         * Captures, masks and writes the snapshot to {@code file}; a failed capture leaves no file (nor a partial
         * one) behind.
         *
         * @throws RehearsalException naming the URL (never the password) or the columns, and what to do, when the
         *                            server refuses a read-only transaction, the secret is missing, personal columns have
         *                            no rule, or the history table records no version this history knows
         */
        public CaptureResult writeTo(Path file) {
            String describe = GoldenSchemas.withoutPassword(url);
            Masking masking = Masking.of(key, rules);
            long t0 = System.nanoTime();
            Path parent = file.toAbsolutePath().getParent();
            Path tmp = null;
            try (Connection c = DriverManager.getConnection(url, user, password)) {
                Dialect dialect = Dialect.of(c);
                try {
                    dialect.readOnlySession(c);
                    c.setAutoCommit(false);
                    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                    try (Statement st = c.createStatement()) {
                        st.execute("select 1"); // starts the transaction whose view every read shares
                    }
                } catch (SQLException e) {
                    throw new RehearsalException(describe + " refused a read-only repeatable-read transaction ("
                            + e.getMessage() + "); Rehearsal captures only read-only. Use an account and server that"
                            + " allow it.", e);
                }
                String capturedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
                MigrationTool tool = source.open(new ReadOnlyDataSource(ConnectionSource.of(url, user, password, describe), dialect), dialect);
                MigrationVersion version;
                try {
                    version = tool.currentVersion().orElseThrow(() -> new RehearsalException(describe + " records no"
                            + " applied migration in its history table (" + source.describe() + "): a snapshot must"
                            + " know the version it was taken at."));
                } catch (RehearsalException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new RehearsalException("Could not tell which version " + describe + " is at from its migration"
                            + " history table (" + source.describe() + "): " + e.getMessage(), e);
                }
                Migration migration = tool.history().find(version).orElseThrow(() -> new RehearsalException(describe
                        + " is at version " + version + ", which the history (" + source.describe() + ") does not have;"
                        + " capture from a database of this history."));
                SchemaSnapshot schema = dialect.snapshot(c, tool.ownTables());
                Map<String, Map<String, Masking.Rule>> plan = CaptureTables.maskingPlan(c, dialect, schema, masking, describe);
                Map<String, Set<List<Object>>> keep = starts.isEmpty() ? null : Subset.of(c, dialect, schema, starts);
                Files.createDirectories(parent);
                tmp = Files.createTempFile(parent, file.getFileName().toString(), ".part");
                List<SnapshotManifest.Table> tables = new ArrayList<>();
                Map<String, String> masked = new LinkedHashMap<>();
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                     SnapshotArchive.Writer writer = new SnapshotArchive.Writer(out)) {
                    int n = 0;
                    for (String table : CaptureTables.loadOrder(schema)) {
                        if (keep != null && !keep.containsKey(table)) {
                            continue;
                        }
                        String entry = String.format("data/%03d.csv", ++n);
                        tables.add(CaptureTables.writeTable(c, dialect, schema, table, entry, plan.getOrDefault(table, Map.of()),
                                masking, keep == null ? null : keep.get(table), writer));
                        plan.getOrDefault(table, Map.of()).forEach((col, rule) -> masked.put(table + "." + col, rule.word()));
                    }
                    writer.schema(dialect.ddl(schema).toText() + "\n");
                    writer.manifest(new SnapshotManifest(FORMAT, dialect.engine().displayName(), version.toString(),
                            migration.displayName(), capturedAt, tables, masked, starts.isEmpty() ? "everything"
                            : String.join("; ", starts.stream().map(s -> s.table() + (s.where() == null ? ""
                            : " where " + s.where()) + (s.limit() > 0 ? " limit " + s.limit() : "")).toList())
                            + ", closed over foreign keys", dialect.ddl(schema).toText()));
                }
                c.rollback();
                CaptureTables.move(tmp, file);
                tmp = null;
                return new CaptureResult(file, migration, tables.stream().collect(Collectors.toMap(
                        SnapshotManifest.Table::name, SnapshotManifest.Table::rows, (a, b) -> a, LinkedHashMap::new)),
                        masked, Files.size(file), Duration.ofNanos(System.nanoTime() - t0));
            } catch (SQLException e) {
                throw new RehearsalException("Capturing " + describe + " failed: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new RehearsalException("Could not write the data snapshot " + file + ": " + e, e);
            } finally {
                if (tmp != null) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException ignored) {
                        // the failure being reported matters more than the leftover temporary file
                    }
                }
            }
        }
    }
}
