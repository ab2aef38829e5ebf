package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.Seed;
import dev.rehearsal.core.data.SeedException;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.data.TableModel.ForeignKey;
import dev.rehearsal.core.schema.SchemaSnapshot;
import net.datafaker.Faker;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Fills tables with realistic rows generated from the live schema. Tables are loaded parents first; foreign keys
 * sample keys that exist; self-references and cycles are broken at a nullable foreign key, loaded as NULL and
 * set afterwards. Unique keys are tracked in Java (and by the database for expression or partial unique indexes),
 * CHECKs it understands shape the values, and every CHECK is enforced by filtering in the database, with retries.
 * All of one seeding runs in one transaction: it loads completely or not at all.
 */
public final class Seeder {

    private static final int BATCH = 20_000;
    private static final int ROW_ATTEMPTS = 100;
    private static final int MAX_ROUNDS = 200;

    private final Dialect dialect;
    private final DataSettings settings;

    public Seeder(Dialect dialect, DataSettings settings) {
        this.dialect = dialect;
        this.settings = settings;
    }

    /**
     * What to seed.
     *
     * @param rows      rows per table, in the order asked
     * @param overrides per-table seeds with column rules (may name tables not in {@code rows})
     * @param topUp     true: add only what brings each table to its row count; false: add that many rows
     * @param salt      mixed into the random seed, so that successive seedings differ but repeat run to run
     */
    public record Plan(Map<String, Long> rows, Map<String, Seed> overrides, boolean topUp, String salt, SeedHints hints) {
        public Plan {
            rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
            overrides = Map.copyOf(overrides);
            hints = hints == null ? SeedHints.NONE : hints;
        }

        /** A plan with no hints from the history. */
        public Plan(Map<String, Long> rows, Map<String, Seed> overrides, boolean topUp, String salt) {
            this(rows, overrides, topUp, salt, SeedHints.NONE);
        }
    }

    public SeedResult seed(Connection connection, SchemaSnapshot schema, Plan plan) {
        long t0 = System.nanoTime();
        Map<String, TableModel> tables = withLogicalLinks(TableModel.all(schema, dialect::seedType), plan);
        validate(tables, plan);
        Map<String, Long> loaded = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        boolean autoCommit;
        try {
            autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw new SeedException("Could not start the seeding transaction: " + e.getMessage(), loaded, e);
        }
        try {
            DataAccess data = dialect.data(connection);
            Map<String, Long> targets = targets(tables, plan, data, notes);
            Set<ForeignKey> deferred = new LinkedHashSet<>();
            List<String> order = order(tables, targets.keySet(), deferred, data);
            Random random = new Random(settings.randomSeed());
            Faker faker = new Faker(settings.locale(), random);
            for (String table : order) {
                long rows = targets.get(table);
                if (rows <= 0) {
                    continue;
                }
                random.setSeed(mix(settings.randomSeed(), plan.salt(), table));
                try {
                    long n = new TableSeeder(tables.get(table), plan.overrides().get(table), rows, deferred, data, faker,
                            random, notes, plan.hints()).run(loaded);
                    loaded.put(table, n);
                } catch (SQLException e) {
                    Seed override = plan.overrides().get(table);
                    throw new SeedException("Cannot seed " + table + ": the database refused a generated row: "
                            + e.getMessage() + (override == null || override.columnRules().isEmpty() ? ""
                            : "\nCheck the column rules of " + override + ": their values must fit the column types.")
                            + "\n" + loadedText(loaded), loaded, e);
                }
            }
            for (ForeignKey fk : deferred) {
                if (loaded.getOrDefault(fk.table(), 0L) > 0) {
                    random.setSeed(mix(settings.randomSeed(), plan.salt(), fk.name()));
                    linkDeferred(tables.get(fk.table()), fk, plan.overrides().get(fk.table()), data, random, notes);
                }
            }
            connection.commit();
        } catch (SeedException e) {
            rollback(connection);
            if (e.loadedBeforeFailure().isEmpty() && loaded.values().stream().anyMatch(v -> v > 0)) {
                throw new SeedException(e.getMessage() + "\n" + loadedText(loaded), loaded, e.getCause());
            }
            throw e;
        } catch (SQLException | RuntimeException e) {
            rollback(connection);
            throw new SeedException("Seeding failed: " + e.getMessage() + "\n" + loadedText(loaded), loaded, e);
        } finally {
            try {
                connection.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // the connection is returned to its pool, which resets it
            }
        }
        loaded.entrySet().removeIf(e -> e.getValue() == 0);
        return new SeedResult(loaded, Duration.ofNanos(System.nanoTime() - t0), notes);
    }

    static String loadedText(Map<String, Long> loaded) {
        Map<String, Long> nonZero = new LinkedHashMap<>(loaded);
        nonZero.values().removeIf(v -> v == 0);
        return nonZero.isEmpty() ? "Nothing was loaded." : "Loaded before the failure, and rolled back: "
                + nonZero.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " rows")
                .collect(Collectors.joining(", ")) + ".";
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original failure is what the user needs to see
        }
    }

    private static long mix(long seed, String salt, String name) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h ^= (salt == null ? 0 : salt.hashCode()) * 0xC2B2AE3D27D4EB4FL;
        h ^= name.hashCode() * 0x165667B19E3779F9L;
        return h;
    }

    // ---- validation, targets, order ----

    private static void validate(Map<String, TableModel> tables, Plan plan) {
        Set<String> named = new LinkedHashSet<>(plan.rows().keySet());
        named.addAll(plan.overrides().keySet());
        for (String table : named) {
            if (!tables.containsKey(table)) {
                throw new SeedException("Cannot seed " + table + ": there is no such table now. Tables: "
                        + String.join(", ", tables.keySet()) + ".", Map.of(), null);
            }
        }
        for (Seed seed : plan.overrides().values()) {
            TableModel t = tables.get(seed.tableName());
            for (Map.Entry<String, Seed.ColumnRule> e : seed.columnRules().entrySet()) {
                String where = "Seed.table(\"" + t.name() + "\")";
                ColumnModel c = t.column(e.getKey()).orElseThrow(() -> new SeedException(where + " names column "
                        + e.getKey() + ", which " + t.name() + " does not have. Columns: "
                        + t.columns().stream().map(ColumnModel::name).collect(Collectors.joining(", ")) + ".", Map.of(), null));
                if (c.databaseMade()) {
                    throw new SeedException(where + " sets " + c.qualified() + ", but the database makes its values"
                            + " (identity, serial or generated column). Remove that rule.", Map.of(), null);
                }
                Seed.ColumnRule rule = e.getValue();
                if (rule.nullRatio() != null && rule.nullRatio() > 0 && !c.nullable()) {
                    throw new SeedException(where + " asks for NULLs in " + c.qualified() + ", which is NOT NULL.",
                            Map.of(), null);
                }
                if (rule.duplicateRatio() != null && rule.duplicateRatio() > 0
                        && t.uniqueKeys().stream().anyMatch(k -> k.equals(List.of(c.name())))) {
                    throw new SeedException(where + " asks for duplicates in " + c.qualified() + ", which a unique key"
                            + " already forbids. Duplicates are for rehearsing a migration that adds that key: seed"
                            + " them at a version before it.", Map.of(), null);
                }
            }
        }
    }

    private Map<String, Long> targets(Map<String, TableModel> tables, Plan plan, DataAccess data, List<String> notes)
            throws SQLException {
        Map<String, Long> targets = new LinkedHashMap<>();
        Map<String, Long> existing = new HashMap<>();
        for (Map.Entry<String, Long> e : plan.rows().entrySet()) {
            long rows = e.getValue();
            if (plan.topUp()) {
                long have = existing.computeIfAbsent(e.getKey(), t -> count(data, t));
                rows = Math.max(0, rows - have);
            }
            targets.put(e.getKey(), rows);
        }
        boolean added = true;
        while (added) {
            added = false;
            for (String table : List.copyOf(targets.keySet())) {
                if (targets.get(table) == 0) {
                    continue;
                }
                for (ForeignKey fk : tables.get(table).foreignKeys()) {
                    String parent = fk.referencedTable();
                    if (!targets.containsKey(parent) && tables.containsKey(parent)
                            && existing.computeIfAbsent(parent, t -> count(data, t)) == 0) {
                        long rows = Math.max(1, Math.min(targets.get(table), Seed.DEFAULT_ROWS));
                        targets.put(parent, rows);
                        notes.add(parent + ": seeded " + rows + " rows because " + table + " references it and it was empty");
                        added = true;
                    }
                }
            }
        }
        return targets;
    }

    private static long count(DataAccess data, String table) {
        try {
            return data.count(table);
        } catch (SQLException e) {
            throw new IllegalStateException("could not count the rows of " + table + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parents before children. A self-reference, and in a cycle a nullable foreign key, is deferred: loaded as
     * NULL, linked once every table is loaded. A self-reference to a table that already has rows samples those.
     */
    private static List<String> order(Map<String, TableModel> tables, Set<String> targets, Set<ForeignKey> deferred,
                                      DataAccess data) throws SQLException {
        Map<String, List<ForeignKey>> edges = new LinkedHashMap<>();
        for (String t : targets) {
            List<ForeignKey> in = new ArrayList<>();
            for (ForeignKey fk : tables.get(t).foreignKeys()) {
                if (!targets.contains(fk.referencedTable())) {
                    continue;
                }
                if (fk.referencedTable().equals(t)) {
                    if (nullable(tables.get(t), fk) || data.count(t) == 0) {
                        deferred.add(fk);
                    }
                    continue;
                }
                in.add(fk);
            }
            edges.put(t, in);
        }
        List<String> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        while (order.size() < targets.size()) {
            boolean progress = false;
            for (String t : targets) {
                if (!done.contains(t) && edges.get(t).stream()
                        .allMatch(fk -> deferred.contains(fk) || done.contains(fk.referencedTable()))) {
                    order.add(t);
                    done.add(t);
                    progress = true;
                }
            }
            if (!progress) {
                Optional<ForeignKey> breakable = targets.stream().filter(t -> !done.contains(t))
                        .flatMap(t -> edges.get(t).stream())
                        .filter(fk -> !deferred.contains(fk) && !done.contains(fk.referencedTable()))
                        .filter(fk -> nullable(tables.get(fk.table()), fk)).findFirst();
                if (breakable.isEmpty()) {
                    String cycle = targets.stream().filter(t -> !done.contains(t)).collect(Collectors.joining(", "));
                    throw new SeedException("Cannot seed " + cycle + ": their foreign keys form a cycle in which every"
                            + " column is NOT NULL, so no table can be loaded first. Make one of those foreign keys"
                            + " nullable or DEFERRABLE, or load these tables from a fixture.", Map.of(), null);
                }
                deferred.add(breakable.get());
            }
        }
        for (ForeignKey fk : deferred) {
            if (!nullable(tables.get(fk.table()), fk)) {
                throw new SeedException("Cannot seed " + fk.table() + ": its foreign key " + fk.describe()
                        + " points at its own table, is NOT NULL, and the table is empty, so the first row has"
                        + " nothing to reference. Load a first row with rehearsal.insert(...) and seed again.",
                        Map.of(), null);
            }
        }
        return order;
    }

    private static boolean nullable(TableModel table, ForeignKey fk) {
        return fk.columns().stream().allMatch(c -> table.column(c).map(ColumnModel::nullable).orElse(false));
    }

    private void linkDeferred(TableModel table, ForeignKey fk, Seed override, DataAccess data, Random random,
                              List<String> notes) throws SQLException {
        List<String> rows = data.rowsAddedInTransaction(table.name());
        List<List<Object>> parents = data.distinctValues(fk.referencedTable(), fk.referencedColumns());
        double nulls = fk.columns().stream().map(c -> nullRatio(table, c, override)).max(Double::compare).orElse(0.0);
        List<Object[]> values = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            if (parents.isEmpty() || random.nextDouble() < nulls) {
                values.add(new Object[fk.columns().size()]);
            } else {
                values.add(parents.get(random.nextInt(parents.size())).toArray());
            }
        }
        data.updateRows(table.name(), rows, fk.columns(), values);
        notes.add(fk.describe() + ": loaded as NULL, then linked (self-reference or cycle)");
    }

    private double nullRatio(TableModel table, String column, Seed override) {
        Seed.ColumnRule rule = override == null ? null : override.columnRules().get(column);
        if (rule != null && rule.nullRatio() != null) {
            return rule.nullRatio();
        }
        return table.column(column).map(ColumnModel::nullable).orElse(false) ? settings.nullRatio() : 0;
    }

    // ---- one table ----

    private final class TableSeeder {
        private final TableModel table;
        private final Seed override;
        private final long rows;
        private final Set<ForeignKey> deferred;
        private final DataAccess data;
        private final Faker faker;
        private final Random random;
        private final List<String> notes;
        private final List<ColumnModel> columns = new ArrayList<>();
        private final Map<String, Integer> index = new HashMap<>();
        private final List<ValueGenerator> generators = new ArrayList<>();
        private final double[] nulls;
        private final double[] duplicates;
        private final List<List<Object>> previous = new ArrayList<>();
        private final List<FkSampler> samplers = new ArrayList<>();
        private final Set<Integer> deferredColumns = new HashSet<>();
        private final List<int[]> keys = new ArrayList<>();
        private final Set<Integer> javaGenerated = new HashSet<>();
        private final Set<Integer> uniqueStarts = new HashSet<>();
        private final List<Set<List<Object>>> seen = new ArrayList<>();
        private long counter;

        private final SeedHints hints;

        TableSeeder(TableModel table, Seed override, long rows, Set<ForeignKey> deferred, DataAccess data, Faker faker,
                    Random random, List<String> notes, SeedHints hints) throws SQLException {
            this.hints = hints;
            this.table = table;
            this.override = override;
            this.rows = rows;
            this.deferred = deferred;
            this.data = data;
            this.faker = faker;
            this.random = random;
            this.notes = notes;
            for (ColumnModel c : table.columns()) {
                if (!c.databaseMade()) {
                    index.put(c.name(), columns.size());
                    columns.add(c);
                }
            }
            nulls = new double[columns.size()];
            duplicates = new double[columns.size()];
            prepare();
        }

        private void prepare() throws SQLException {
            boolean hasRows = data.count(table.name()) > 0;
            Set<String> fkColumns = new HashSet<>();
            for (ForeignKey fk : table.foreignKeys()) {
                if (!fk.columns().stream().allMatch(index::containsKey)) {
                    continue;
                }
                if (deferred.contains(fk)) {
                    fk.columns().forEach(c -> deferredColumns.add(index.get(c)));
                    fkColumns.addAll(fk.columns());
                    continue;
                }
                if (override != null && fk.columns().stream().anyMatch(c -> override.columnRules().containsKey(c)
                        && override.columnRules().get(c).generator() != null)) {
                    continue;
                }
                List<List<Object>> parents = data.distinctValues(fk.referencedTable(), fk.referencedColumns());
                boolean nullable = nullable(table, fk);
                if (parents.isEmpty() && !nullable) {
                    throw new SeedException("Cannot seed " + table.name() + ": its foreign key " + fk.describe()
                            + " needs rows in " + fk.referencedTable() + ", which has none. Seed "
                            + fk.referencedTable() + " too.", Map.of(), null);
                }
                boolean oneToOne = table.uniqueKeys().stream().anyMatch(k -> new HashSet<>(k).equals(new HashSet<>(fk.columns())));
                if (oneToOne && hasRows) {
                    Set<List<Object>> used = new HashSet<>(data.distinctValues(table.name(), fk.columns()));
                    parents = parents.stream().filter(p -> !used.contains(p)).collect(Collectors.toCollection(ArrayList::new));
                }
                if (oneToOne) {
                    parents = new ArrayList<>(parents);
                    Collections.shuffle(parents, random);
                }
                double nullShare = fk.columns().stream().mapToDouble(c -> nullRatio(table, c, override)).max().orElse(0);
                samplers.add(new FkSampler(fk.columns().stream().mapToInt(index::get).toArray(), parents, oneToOne,
                        nullable ? nullShare : 0));
                fkColumns.addAll(fk.columns());
            }
            ValueGenerators values = new ValueGenerators(faker);
            List<String> unsupported = new ArrayList<>();
            for (ColumnModel c : columns) {
                int i = index.get(c.name());
                Seed.ColumnRule rule = override == null ? null : override.columnRules().get(c.name());
                nulls[i] = rule != null && rule.generator() != null && rule.nullRatio() == null
                        ? 0 : nullRatio(table, c.name(), override);
                duplicates[i] = rule != null && rule.duplicateRatio() != null ? rule.duplicateRatio() : 0;
                previous.add(new ArrayList<>());
                if (rule != null && rule.generator() != null) {
                    var function = rule.generator();
                    generators.add(r -> function.apply(faker));
                    continue;
                }
                if (fkColumns.contains(c.name())) {
                    generators.add(r -> null);
                    continue;
                }
                ValueGenerator hinted = hinted(c, values);
                if (hinted != null) {
                    generators.add(hinted);
                    continue;
                }
                List<CheckConstraints.ColumnRule> rules = new ArrayList<>();
                for (String check : c.checks()) {
                    CheckConstraints.parse(check).ifPresent(all -> all.stream()
                            .filter(x -> x.column().equals(c.name())).forEach(rules::add));
                }
                Long uniqueStart = null;
                if (table.uniqueKeys().contains(List.of(c.name())) && c.baseType().matches("smallint|integer|bigint")) {
                    uniqueStart = 1L;
                    if (hasRows) {
                        for (List<Object> v : data.distinctValues(table.name(), List.of(c.name()))) {
                            uniqueStart = Math.max(uniqueStart, ((Number) v.get(0)).longValue() + 1);
                        }
                    }
                }
                try {
                    generators.add(values.forColumn(c, rules, uniqueStart));
                    if (c.labels() == null) {
                        javaGenerated.add(i);
                    }
                    if (uniqueStart != null) {
                        uniqueStarts.add(i);
                    }
                } catch (ValueGenerators.UnsupportedTypeException e) {
                    if (!c.nullable()) {
                        throw new SeedException("Cannot seed " + c.qualified() + ": Rehearsal has no generator for"
                                + " its type " + c.type() + ". Override it: Seed.table(\"" + table.name() + "\").column(\""
                                + c.name() + "\", faker -> ...) or .constant(\"" + c.name() + "\", value).", Map.of(), null);
                    }
                    unsupported.add(c.name() + " (" + c.type() + ")");
                    generators.add(r -> null);
                    nulls[i] = 1;
                }
            }
            if (!unsupported.isEmpty()) {
                notes.add(table.name() + ": left NULL, no generator for " + String.join(", ", unsupported)
                        + "; override with Seed.table(\"" + table.name() + "\").column(...)");
            }
            for (List<String> key : table.uniqueKeys()) {
                if (!key.stream().allMatch(index::containsKey)) {
                    continue;
                }
                keys.add(key.stream().mapToInt(index::get).toArray());
                Set<List<Object>> set = new HashSet<>();
                if (hasRows) {
                    for (List<Object> v : data.distinctValues(table.name(), key)) {
                        set.add(normalize(v));
                    }
                }
                seen.add(set);
            }
        }

        long run(Map<String, Long> loaded) throws SQLException {
            long done = 0;
            boolean exhausted = false;
            Map<String, String> filter = new LinkedHashMap<>();
            table.checks().forEach((name, expr) -> {
                List<String> cols = table.checkColumns().get(name);
                if (cols.stream().allMatch(index::containsKey) && !enforcedByGenerators(expr)) {
                    filter.put(name, expr);
                }
            });
            if (!table.databaseRules() && filter.isEmpty()) {
                while (done < rows && !exhausted) {
                    List<Object[]> batch = generate((int) Math.min(BATCH, rows - done));
                    exhausted = batch.size() < Math.min(BATCH, rows - done);
                    data.load(table.name(), names(), batch);
                    done += batch.size();
                    loaded.put(table.name(), done);
                }
            } else {
                int barren = 0;
                int rounds = 0;
                double acceptance = 1;
                Map<String, Long> rejectedBy = new LinkedHashMap<>();
                long generated = 0;
                while (done < rows && !exhausted) {
                    long want = rows - done;
                    int size = (int) Math.min(BATCH, Math.ceil(want / Math.max(acceptance, 0.1)));
                    List<Object[]> batch = generate(size);
                    exhausted = batch.size() < size;
                    generated += batch.size();
                    DataAccess.FilteredLoad result = data.loadFiltered(table.name(), names(), batch, filter, want);
                    result.rejectedByCheck().forEach((k, v) -> rejectedBy.merge(k, v, Long::sum));
                    done += result.accepted();
                    loaded.put(table.name(), done);
                    acceptance = batch.isEmpty() ? 1 : Math.max(0.01, (double) result.accepted() / batch.size());
                    barren = result.accepted() == 0 ? barren + 1 : 0;
                    if (barren > settings.checkRetries() || ++rounds > MAX_ROUNDS
                            || (exhausted && done == 0 && !rejectedBy.isEmpty())) {
                        throw new SeedException(unsatisfiable(want, generated, rejectedBy, filter) + "\n"
                                + loadedText(loaded), loaded, null);
                    }
                }
            }
            if (done < rows) {
                notes.add(table.name() + ": " + done + " of " + rows + " rows; a unique key ran out of distinct values"
                        + " (" + table.uniqueKeys().stream().map(k -> "(" + String.join(", ", k) + ")")
                        .collect(Collectors.joining(", ")) + ")");
            }
            return done;
        }

        /** A generator shaped by what a later migration does to the column, or null. */
        private ValueGenerator hinted(ColumnModel c, ValueGenerators values) {
            Optional<SeedHints.Hint> hint = hints.forColumn(table.name(), c.name());
            if (hint.isEmpty()) {
                return null;
            }
            int length = textLength(c);
            if (hint.get() instanceof SeedHints.OneOf oneOf && c.labels() == null
                    && (length < 0 || oneOf.labels().stream().allMatch(l -> length == 0 || l.length() <= length))) {
                return length >= 0 ? ValueGenerators.oneOf(oneOf.labels()) : null;
            }
            if (hint.get() instanceof SeedHints.CastsTo cast && length >= 0 && (length == 0 || length >= 5)) {
                return values.castableText(cast.type(), length);
            }
            return null;
        }

        /**
         * Whether the generators already guarantee a CHECK, so rows need no filtering by the database: the check is
         * understood in full, and states only IN lists and bounds on columns whose values come from the schema-driven
         * generators (not from an override, a foreign key or duplicates), over types those bounds apply to.
         */
        private boolean enforcedByGenerators(String expression) {
            var parsed = CheckConstraints.parse(expression);
            if (parsed.isEmpty()) {
                return false;
            }
            for (CheckConstraints.ColumnRule rule : parsed.get()) {
                Integer i = index.get(rule.column());
                if (i == null || !javaGenerated.contains(i) || duplicates[i] > 0 || rule.regex() != null) {
                    return false;
                }
                ColumnModel c = columns.get(i);
                boolean numeric = c.baseType().matches("smallint|integer|bigint|real|double precision|numeric.*");
                boolean bounded = rule.min() != null || rule.max() != null;
                boolean lengths = rule.minLength() != null || rule.maxLength() != null;
                if (bounded && (!numeric || uniqueStarts.contains(i))) {
                    return false;
                }
                if (lengths && numeric) {
                    return false;
                }
                if (rule.allowed() == null && !bounded && !lengths) {
                    return false;
                }
            }
            return true;
        }

        private String unsatisfiable(long missing, long generated, Map<String, Long> rejectedBy, Map<String, String> filter) {
            StringBuilder sb = new StringBuilder("Cannot seed ").append(table.name()).append(": ")
                    .append(missing).append(" rows still missing after ").append(settings.checkRetries() + 1)
                    .append(" batches in a row were all rejected (").append(generated).append(" rows generated).");
            if (rejectedBy.isEmpty()) {
                sb.append(" The rows collided with a unique index the database enforces.");
            }
            for (Map.Entry<String, Long> e : rejectedBy.entrySet()) {
                List<String> cols = table.checkColumns().get(e.getKey());
                sb.append("\n  CHECK ").append(e.getKey()).append(" (").append(filter.get(e.getKey())).append(") rejected ")
                        .append(e.getValue()).append(" rows. Override the column").append(cols.size() > 1 ? "s" : "")
                        .append(" it uses: Seed.table(\"").append(table.name()).append("\")")
                        .append(cols.stream().map(c -> ".column(\"" + c + "\", faker -> ...)").collect(Collectors.joining()))
                        .append(".");
            }
            return sb.toString();
        }

        private List<String> names() {
            return columns.stream().map(ColumnModel::name).toList();
        }

        private List<Object[]> generate(int n) {
            List<Object[]> batch = new ArrayList<>(n);
            rows:
            for (int k = 0; k < n; k++) {
                for (int attempt = 0; attempt < ROW_ATTEMPTS; attempt++) {
                    Object[] row = row();
                    if (row == null) {
                        break rows;
                    }
                    if (unique(row)) {
                        batch.add(row);
                        continue rows;
                    }
                }
                break;
            }
            return batch;
        }

        private Object[] row() {
            Object[] row = new Object[columns.size()];
            boolean[] set = new boolean[columns.size()];
            for (FkSampler s : samplers) {
                Optional<List<Object>> parent = s.next(random);
                if (parent == null) {
                    return null;
                }
                for (int j = 0; j < s.columns.length; j++) {
                    row[s.columns[j]] = parent.isPresent() ? parent.get().get(j) : null;
                    set[s.columns[j]] = true;
                }
            }
            for (int i = 0; i < row.length; i++) {
                if (set[i] || deferredColumns.contains(i)) {
                    continue;
                }
                if (nulls[i] > 0 && random.nextDouble() < nulls[i]) {
                    continue;
                }
                List<Object> prev = previous.get(i);
                if (duplicates[i] > 0 && !prev.isEmpty() && random.nextDouble() < duplicates[i]) {
                    row[i] = prev.get(random.nextInt(prev.size()));
                    continue;
                }
                row[i] = generators.get(i).next(random);
                if (duplicates[i] > 0 && prev.size() < 10_000) {
                    prev.add(row[i]);
                }
            }
            return row;
        }

        /** Checks the row against every unique key; varies a single-column value that collides. */
        private boolean unique(Object[] row) {
            List<List<Object>> tuples = new ArrayList<>(keys.size());
            for (int k = 0; k < keys.size(); k++) {
                int[] key = keys.get(k);
                List<Object> tuple = tuple(row, key);
                if (tuple == null) {
                    tuples.add(null);
                    continue;
                }
                if (seen.get(k).contains(tuple)) {
                    ValueGenerator g = key.length == 1 ? generators.get(key[0]) : null;
                    if (g == null || !g.canVary() || samplers.stream().anyMatch(s -> contains(s.columns, key[0]))) {
                        return false;
                    }
                    int attempts = 0;
                    do {
                        row[key[0]] = g.variant(row[key[0]], ++counter);
                        tuple = tuple(row, key);
                    } while (seen.get(k).contains(tuple) && ++attempts < 1000);
                    if (seen.get(k).contains(tuple)) {
                        return false;
                    }
                }
                tuples.add(tuple);
            }
            for (int k = 0; k < keys.size(); k++) {
                if (tuples.get(k) != null) {
                    seen.get(k).add(tuples.get(k));
                }
            }
            return true;
        }

        private List<Object> tuple(Object[] row, int[] key) {
            List<Object> t = new ArrayList<>(key.length);
            for (int i : key) {
                if (row[i] == null) {
                    return null;
                }
                t.add(row[i]);
            }
            return normalize(t);
        }
    }

    private static boolean contains(int[] array, int value) {
        for (int v : array) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    /** Values as keys: numbers of any Java type compare by value. */
    private static List<Object> normalize(List<Object> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) {
            if (v instanceof BigDecimal || v instanceof Long || v instanceof Integer || v instanceof Short
                    || v instanceof java.math.BigInteger) {
                out.add(new BigDecimal(v.toString()).stripTrailingZeros());
            } else {
                out.add(v == null ? null : v.toString());
            }
        }
        return out;
    }

    /** Picks parent keys for one foreign key: at random, or each at most once for a one-to-one key. */
    /**
     * Columns with no foreign key that hold keys of another table all the same: a later migration adds the foreign
     * key ({@link SeedHints.References}), or the name says so ({@code post_id}, {@code postid} and a table
     * {@code posts}). They are seeded as foreign keys (parents first, sampling existing keys), as the application's
     * rows are. A column with an override keeps it.
     */
    private static Map<String, TableModel> withLogicalLinks(Map<String, TableModel> tables, Plan plan) {
        Map<String, TableModel> result = new LinkedHashMap<>();
        for (TableModel t : tables.values()) {
            Set<String> linked = new HashSet<>();
            t.foreignKeys().forEach(fk -> linked.addAll(fk.columns()));
            Seed override = plan.overrides().get(t.name());
            List<ForeignKey> keys = new ArrayList<>(t.foreignKeys());
            for (ColumnModel c : t.columns()) {
                if (c.databaseMade() || linked.contains(c.name()) || override != null && override.columnRules().containsKey(c.name())) {
                    continue;
                }
                Optional<SeedHints.Hint> hint = plan.hints().forColumn(t.name(), c.name());
                String target = null;
                String key = null;
                if (hint.isPresent() && hint.get() instanceof SeedHints.References ref && tables.containsKey(ref.table())) {
                    target = ref.table();
                    key = ref.column();
                } else if (hint.isEmpty()) {
                    target = SeedHints.linkedTable(t.name(), c.name(), tables.keySet()).orElse(null);
                    key = target == null ? null : tables.get(target).uniqueKeys().stream().filter(k -> k.size() == 1)
                            .map(k -> k.get(0)).min(java.util.Comparator.comparing(k -> k.equals("id") ? 0 : 1)).orElse(null);
                }
                if (target == null || key == null || target.equals(t.name())) {
                    continue;
                }
                Optional<ColumnModel> keyColumn = tables.get(target).column(key);
                if (keyColumn.isPresent() && sameKind(keyColumn.get().baseType(), c.baseType())) {
                    keys.add(new ForeignKey("logical link " + t.name() + "." + c.name(), t.name(), List.of(c.name()),
                            target, List.of(key)));
                }
            }
            result.put(t.name(), keys.size() == t.foreignKeys().size() ? t : new TableModel(t.name(), t.columns(),
                    t.uniqueKeys(), keys, t.checks(), t.checkColumns(), t.databaseRules()));
        }
        return result;
    }

    private static final Pattern TEXT_TYPE = Pattern.compile(
            "^(text|citext|character varying|varchar|character|char|bpchar|tinytext|mediumtext|longtext)(?:\\((\\d+)\\))?$");

    /** -1 when the column is not text; else its maximum length (0: none). */
    static int textLength(ColumnModel c) {
        Matcher m = TEXT_TYPE.matcher(c.type().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            return -1;
        }
        if (m.group(2) != null) {
            return Integer.parseInt(m.group(2));
        }
        return m.group(1).matches("character|char|bpchar") ? 1 : 0;
    }

    private static boolean sameKind(String a, String b) {
        String ints = "smallint|integer|bigint|int|tinyint|mediumint|serial|bigserial";
        return a.equals(b) || a.matches(ints) && b.matches(ints);
    }

    private static final class FkSampler {
        final int[] columns;
        final List<List<Object>> parents;
        final boolean oneToOne;
        final double nulls;
        int next;

        FkSampler(int[] columns, List<List<Object>> parents, boolean oneToOne, double nulls) {
            this.columns = columns;
            this.parents = parents;
            this.oneToOne = oneToOne;
            this.nulls = nulls;
        }

        /** A parent tuple, empty for NULL, or null when a one-to-one key has used every parent. */
        Optional<List<Object>> next(Random random) {
            if (parents.isEmpty() || (nulls > 0 && random.nextDouble() < nulls)) {
                return Optional.empty();
            }
            if (oneToOne) {
                return next < parents.size() ? Optional.of(parents.get(next++)) : null;
            }
            return Optional.of(parents.get(random.nextInt(parents.size())));
        }
    }
}
