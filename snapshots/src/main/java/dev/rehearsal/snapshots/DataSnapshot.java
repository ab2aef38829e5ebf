package dev.rehearsal.snapshots;

import dev.rehearsal.core.Migration;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.MigrationVersion;
import dev.rehearsal.core.RehearsalException;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import dev.rehearsal.snapshots.internal.ConnectionSource;
import dev.rehearsal.snapshots.internal.Masking;
import dev.rehearsal.snapshots.internal.ReadOnlyDataSource;
import dev.rehearsal.snapshots.internal.SnapshotArchive;
import dev.rehearsal.snapshots.internal.Subset;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apiguardian.api.API;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
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
        return new RestoreResult(at, rows, java.time.Duration.ofNanos(System.nanoTime() - t0), notes);
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
    public record RestoreResult(Migration version, long rows, java.time.Duration took, List<String> notes) {
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
                Map<String, Map<String, Masking.Rule>> plan = maskingPlan(c, dialect, schema, masking, describe);
                Map<String, Set<List<Object>>> keep = starts.isEmpty() ? null : Subset.of(c, dialect, schema, starts);
                Files.createDirectories(parent);
                tmp = Files.createTempFile(parent, file.getFileName().toString(), ".part");
                List<SnapshotManifest.Table> tables = new ArrayList<>();
                Map<String, String> masked = new LinkedHashMap<>();
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                     SnapshotArchive.Writer writer = new SnapshotArchive.Writer(out)) {
                    int n = 0;
                    for (String table : loadOrder(schema)) {
                        if (keep != null && !keep.containsKey(table)) {
                            continue;
                        }
                        String entry = String.format("data/%03d.csv", ++n);
                        tables.add(writeTable(c, dialect, schema, table, entry, plan.getOrDefault(table, Map.of()),
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
                move(tmp, file);
                tmp = null;
                return new CaptureResult(file, migration, tables.stream().collect(Collectors.toMap(
                        SnapshotManifest.Table::name, SnapshotManifest.Table::rows, (a, b) -> a, LinkedHashMap::new)),
                        masked, Files.size(file), java.time.Duration.ofNanos(System.nanoTime() - t0));
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

        /**
         * The rule of every column to mask, by table; fails listing every column that looks personal and has none,
         * and every rule of the file that names a column the database does not have.
         */
        private static Map<String, Map<String, Masking.Rule>> maskingPlan(Connection c, Dialect dialect, SchemaSnapshot schema,
                                                                         Masking masking, String describe) throws SQLException {
            Map<String, Map<String, Masking.Rule>> plan = new LinkedHashMap<>();
            List<String> unruled = new ArrayList<>();
            Set<String> all = new LinkedHashSet<>();
            for (SchemaObject table : schema.objects(ObjectKind.TABLE)) {
                for (SchemaObject column : schema.columns(table.name())) {
                    String name = column.simpleName();
                    all.add(table.name() + "." + name);
                    Optional<Masking.Rule> rule = masking.ruleFor(table.name(), name);
                    if (rule.isPresent()) {
                        if (rule.get() == Masking.Rule.NULL && "NO".equals(column.fact(SchemaFact.NULLABLE).orElse("YES"))) {
                            throw new RehearsalException("The masking rule null for " + table.name() + "." + name
                                    + " cannot apply: the column is NOT NULL. Choose another rule for it.");
                        }
                        if (rule.get() != Masking.Rule.KEEP) {
                            plan.computeIfAbsent(table.name(), t -> new LinkedHashMap<>()).put(name, rule.get());
                        }
                        continue;
                    }
                    List<String> sample = new ArrayList<>();
                    if (textual(column.fact(SchemaFact.TYPE).orElse(""))) {
                        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select "
                                + dialect.quote(name) + " from " + dialect.quote(table.name()) + " where "
                                + dialect.quote(name) + " is not null limit 50")) {
                            while (rs.next()) {
                                sample.add(rs.getString(1));
                            }
                        }
                    }
                    Masking.looksPersonal(name, column.fact(SchemaFact.TYPE).orElse(""), sample).ifPresent(why -> unruled.add(table.name() + "." + name + " ("
                            + why + ")"));
                }
            }
            List<String> unknown = masking.unknownColumns(all);
            if (!unknown.isEmpty()) {
                throw new RehearsalException("The masking rules name columns " + describe + " does not have: " + unknown
                        + ". Fix the names (table.column), or a column would go unmasked.");
            }
            if (!unruled.isEmpty()) {
                throw new RehearsalException("These columns of " + describe + " look personal and no masking rule covers"
                        + " them, so nothing was captured:\n  " + Masking.list(unruled) + "\nGive each a rule in the"
                        + " masking rules file (columns: {table.column: rule}; rules: email, first-name, last-name, name,"
                        + " phone, address, city, digits, text, date, hash, null), or keep for a column that is not"
                        + " personal.");
            }
            return plan;
        }

        private static boolean textual(String type) {
            String t = type.toLowerCase(java.util.Locale.ROOT);
            return t.contains("char") || t.contains("text") || t.equals("citext") || t.contains("json");
        }

        private static SnapshotManifest.Table writeTable(Connection c, Dialect dialect, SchemaSnapshot schema, String table,
                                                         String entry, Map<String, Masking.Rule> rules, Masking masking,
                                                         Set<List<Object>> keys, SnapshotArchive.Writer writer)
                throws SQLException, IOException {
            List<String> columns = schema.columns(table).stream()
                    .filter(col -> col.fact(SchemaFact.GENERATED).isEmpty())
                    .map(SchemaObject::simpleName).toList();
            String select = "select " + String.join(", ", columns.stream().map(dialect::quote).toList()) + " from "
                    + dialect.quote(table);
            List<String> binary = new ArrayList<>();
            long rows = 0;
            CSVPrinter printer = writer.table(entry, columns);
            Masking.Rule[] rule = new Masking.Rule[columns.size()];
            for (int i = 0; i < rule.length; i++) {
                rule[i] = rules.get(columns.get(i));
            }
            if (keys == null) {
                try (Statement st = c.createStatement()) {
                    st.setFetchSize(BATCH);
                    try (ResultSet rs = st.executeQuery(select)) {
                        rows += print(rs, rule, masking, printer, binary, columns);
                    }
                }
            } else if (!keys.isEmpty()) {
                List<String> pk = schema.objects(ObjectKind.CONSTRAINT).stream()
                        .filter(x -> table.equals(x.table()) && "primary key".equals(x.fact(SchemaFact.TYPE).orElse("")))
                        .findFirst().orElseThrow().list(SchemaFact.COLUMNS);
                List<List<Object>> all = new ArrayList<>(keys);
                String tuple = pk.size() == 1 ? "?" : "(" + String.join(", ", Collections.nCopies(pk.size(), "?")) + ")";
                String by = pk.size() == 1 ? dialect.quote(pk.get(0))
                        : "(" + String.join(", ", pk.stream().map(dialect::quote).toList()) + ")";
                for (int from = 0; from < all.size(); from += 500) {
                    List<List<Object>> batch = all.subList(from, Math.min(all.size(), from + 500));
                    try (PreparedStatement ps = c.prepareStatement(select + " where " + by + " in ("
                            + String.join(", ", Collections.nCopies(batch.size(), tuple)) + ")")) {
                        int p = 1;
                        for (List<Object> key : batch) {
                            for (Object o : key) {
                                ps.setObject(p++, o);
                            }
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            rows += print(rs, rule, masking, printer, binary, columns);
                        }
                    }
                }
            }
            writer.endTable(printer);
            return new SnapshotManifest.Table(table, entry, columns, binary.isEmpty() ? List.of()
                    : List.copyOf(new LinkedHashSet<>(binary)), rows);
        }

        private static long print(ResultSet rs, Masking.Rule[] rule, Masking masking, CSVPrinter printer,
                                  List<String> binary, List<String> columns) throws SQLException, IOException {
            ResultSetMetaData meta = rs.getMetaData();
            int n = rule.length;
            boolean[] bytes = new boolean[n];
            for (int i = 0; i < n; i++) {
                int type = meta.getColumnType(i + 1);
                bytes[i] = type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY || type == Types.BLOB;
                if (bytes[i]) {
                    binary.add(columns.get(i));
                }
            }
            Object[] values = new Object[n];
            long rows = 0;
            while (rs.next()) {
                for (int i = 0; i < n; i++) {
                    if (bytes[i]) {
                        byte[] b = rs.getBytes(i + 1);
                        values[i] = b == null ? null : HexFormat.of().formatHex(b);
                    } else {
                        String v = rs.getString(i + 1);
                        values[i] = rule[i] == null ? v : masking.mask(rule[i], v);
                    }
                }
                printer.printRecord(values);
                rows++;
            }
            return rows;
        }

        /** Tables with the ones they reference first, so that a load with checks on can go in order; cycles as found. */
        private static List<String> loadOrder(SchemaSnapshot schema) {
            Map<String, Set<String>> parents = new LinkedHashMap<>();
            for (SchemaObject t : schema.objects(ObjectKind.TABLE)) {
                if (!t.fact(SchemaFact.PARTITION_KEY).isPresent()) {
                    parents.put(t.name(), new LinkedHashSet<>());
                }
            }
            for (SchemaObject c : schema.objects(ObjectKind.CONSTRAINT)) {
                if ("foreign key".equals(c.fact(SchemaFact.TYPE).orElse(""))
                        && parents.containsKey(c.table())) {
                    String parent = c.fact(SchemaFact.REFERENCED_TABLE).orElse("");
                    if (!parent.equals(c.table())) {
                        parents.get(c.table()).add(parent);
                    }
                }
            }
            List<String> order = new ArrayList<>();
            Set<String> done = new LinkedHashSet<>();
            while (order.size() < parents.size()) {
                boolean progress = false;
                for (Map.Entry<String, Set<String>> e : parents.entrySet()) {
                    if (!done.contains(e.getKey()) && e.getValue().stream().allMatch(p -> done.contains(p)
                            || !parents.containsKey(p))) {
                        order.add(e.getKey());
                        done.add(e.getKey());
                        progress = true;
                    }
                }
                if (!progress) { // a cycle: take the first table left, the rest follows
                    String next = parents.keySet().stream().filter(t -> !done.contains(t)).findFirst().orElseThrow();
                    order.add(next);
                    done.add(next);
                }
            }
            return order;
        }

        private static void move(Path from, Path to) throws IOException {
            try {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
