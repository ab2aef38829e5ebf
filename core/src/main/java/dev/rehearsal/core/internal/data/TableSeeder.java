package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.SeedException;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.internal.data.TableModel.ForeignKey;
import net.datafaker.Faker;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Seeds one table of a {@link Seeder} plan: prepares a generator per column (foreign keys sample parent keys, CHECKs
 * and enums pick allowed values, hints from later migrations shape values), generates rows in batches, keeps unique
 * keys unique, and loads them through the engine's {@link DataAccess}, retrying rows a CHECK rejects.
 */
final class TableSeeder {

    private static final int BATCH = 20_000;
    private static final int ROW_ATTEMPTS = 100;
    private static final int MAX_ROUNDS = 200;

    private final DataSettings settings;
    private final TableModel table;
    private final TableSeed override;
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
    private final List<ForeignKeySampler> samplers = new ArrayList<>();
    private final Set<Integer> deferredColumns = new HashSet<>();
    private final List<int[]> keys = new ArrayList<>();
    private final Set<Integer> javaGenerated = new HashSet<>();
    private final Set<Integer> uniqueStarts = new HashSet<>();
    private final List<Set<List<Object>>> seen = new ArrayList<>();
    private long counter;

    private final SeedHints hints;

    TableSeeder(DataSettings settings, TableModel table, TableSeed override, long rows, Set<ForeignKey> deferred, DataAccess data, Faker faker,
                Random random, List<String> notes, SeedHints hints) throws SQLException {
        this.settings = settings;
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
            boolean nullable = Seeder.nullable(table, fk);
            if (parents.isEmpty() && !nullable) {
                throw new SeedException("Cannot seed " + table.name() + ": its foreign key " + fk.describe()
                        + " needs rows in " + fk.referencedTable() + ", which has none. TableSeed "
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
            double nullShare = fk.columns().stream().mapToDouble(c -> nullRatio(settings, table, c, override)).max().orElse(0);
            samplers.add(new ForeignKeySampler(fk.columns().stream().mapToInt(index::get).toArray(), parents, oneToOne,
                    nullable ? nullShare : 0));
            fkColumns.addAll(fk.columns());
        }
        ValueGenerators values = new ValueGenerators(faker);
        List<String> unsupported = new ArrayList<>();
        List<String> unsupportedNames = new ArrayList<>();
        for (ColumnModel c : columns) {
            int i = index.get(c.name());
            TableSeed.ColumnRule rule = override == null ? null : override.columnRules().get(c.name());
            nulls[i] = rule != null && rule.generator() != null && rule.nullRatio() == null
                    ? 0 : nullRatio(settings, table, c.name(), override);
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
            ValueGenerator hinted = hints.generatorFor(table.name(), c, values);
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
                ValueGenerator generator = values.forColumn(c, rules, uniqueStart);
                boolean unique = uniqueStart != null || table.uniqueKeys().stream().anyMatch(k -> k.contains(c.name()));
                generators.add(settings.boundaryValues() && !unique ? BoundaryValues.around(generator, c, rules) : generator);
                if (c.labels() == null) {
                    javaGenerated.add(i);
                }
                if (uniqueStart != null) {
                    uniqueStarts.add(i);
                }
            } catch (ValueGenerators.UnsupportedTypeException e) {
                if (!c.nullable()) {
                    throw new SeedException("Cannot seed " + c.qualified() + ": Rehearsal has no generator for"
                            + " its type " + c.type() + ". Override it: " + settings.remedies().seedColumn(table.name(), c.name())
                            + ".", Map.of(), null);
                }
                unsupported.add(c.name() + " (" + c.type() + ")");
                unsupportedNames.add(c.name());
                generators.add(r -> null);
                nulls[i] = 1;
            }
        }
        if (!unsupported.isEmpty()) {
            notes.add(table.name() + ": left NULL, no generator for " + String.join(", ", unsupported)
                    + "; override with " + settings.remedies().seedOverride(table.name(), unsupportedNames));
        }
        for (List<String> key : table.uniqueKeys()) {
            if (!key.stream().allMatch(index::containsKey)) {
                continue;
            }
            keys.add(key.stream().mapToInt(index::get).toArray());
            Set<List<Object>> set = new HashSet<>();
            if (hasRows) {
                for (List<Object> v : data.distinctValues(table.name(), key)) {
                    set.add(RowKeys.normalize(v));
                }
            }
            seen.add(set);
        }
    }

    long run(Map<String, Long> loaded) throws SQLException {
        if (columns.isEmpty()) {
            long added = data.insertDefaults(table.name(), rows);
            loaded.put(table.name(), added);
            return added;
        }
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
            // every row is accepted: they go to the database as they are made, none kept
            Generated generated = new Generated(rows);
            done = data.loadAsGenerated(table.name(), names(), generated);
            loaded.put(table.name(), done);
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
                            + Seeder.loadedText(loaded), loaded, null);
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
                    .append(" it uses: ").append(settings.remedies().seedOverride(table.name(), cols)).append(".");
        }
        return sb.toString();
    }

    private List<String> names() {
        return columns.stream().map(ColumnModel::name).toList();
    }

    /** Up to {@code n} generated rows, not loaded; fewer when a unique key runs out of values. */
    List<Object[]> rows(int n) {
        return generate(n);
    }

    /** Inserts one generated row as it is; the database may refuse it. */
    void insert(Object[] row) throws SQLException {
        data.insert(table.name(), names(), Collections.singletonList(row));
    }

    /** Up to {@code n} rows; fewer when a unique key or a one-to-one foreign key runs out of values. */
    private List<Object[]> generate(int n) {
        List<Object[]> batch = new ArrayList<>(n);
        Generated rows = new Generated(n);
        while (rows.hasNext()) {
            batch.add(rows.next());
        }
        return batch;
    }

    /** The next row that keeps every unique key unique, or null when none can be made. */
    private Object[] nextRow() {
        for (int attempt = 0; attempt < ROW_ATTEMPTS; attempt++) {
            Object[] row = row();
            if (row == null) {
                return null;
            }
            if (unique(row)) {
                return row;
            }
        }
        return null;
    }

    /** Up to a number of rows, each made when asked for; ends early when no further row can be made. */
    private final class Generated implements Iterator<Object[]> {
        private long left;
        private Object[] next;

        Generated(long rows) {
            this.left = rows;
        }

        @Override
        public boolean hasNext() {
            if (next == null && left > 0) {
                next = nextRow();
                left = next == null ? 0 : left - 1;
            }
            return next != null;
        }

        @Override
        public Object[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Object[] row = next;
            next = null;
            return row;
        }
    }

    private Object[] row() {
        Object[] row = new Object[columns.size()];
        boolean[] set = new boolean[columns.size()];
        for (ForeignKeySampler s : samplers) {
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
            List<Object> tuple = RowKeys.tuple(row, key);
            if (tuple == null) {
                tuples.add(null);
                continue;
            }
            if (seen.get(k).contains(tuple)) {
                ValueGenerator g = key.length == 1 ? generators.get(key[0]) : null;
                if (g == null || !g.canVary() || samplers.stream().anyMatch(s -> RowKeys.contains(s.columns, key[0]))) {
                    return false;
                }
                int attempts = 0;
                do {
                    row[key[0]] = g.variant(row[key[0]], ++counter);
                    tuple = RowKeys.tuple(row, key);
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

    /** The share of NULLs for a column: its override's, else the settings' for a nullable column, else none. */
    static double nullRatio(DataSettings settings, TableModel table, String column, TableSeed override) {
        TableSeed.ColumnRule rule = override == null ? null : override.columnRules().get(column);
        if (rule != null && rule.nullRatio() != null) {
            return rule.nullRatio();
        }
        return table.column(column).map(ColumnModel::nullable).orElse(false) ? settings.nullRatio() : 0;
    }
}
