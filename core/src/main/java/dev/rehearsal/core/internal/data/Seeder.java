package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.SeedException;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.data.SeedShortfall;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.data.TableModel.ForeignKey;
import dev.rehearsal.core.model.ClosestName;
import dev.rehearsal.core.model.Remedies;
import dev.rehearsal.core.schema.SchemaSnapshot;
import net.datafaker.Faker;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Seeder {

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
     * @param keepShort true: a table the seeder cannot fill keeps the rows the database accepted, and the result
     *                  names it ({@link SeedResult#shortfalls()}); false: the whole seeding fails and is rolled back
     */
    public record Plan(Map<String, Long> rows, Map<String, TableSeed> overrides, boolean topUp, String salt, SeedHints hints,
                       boolean keepShort) {
        public Plan {
            rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
            overrides = Map.copyOf(overrides);
            hints = hints == null ? SeedHints.NONE : hints;
        }

        /** A plan that fails whole when a table cannot be filled. */
        public Plan(Map<String, Long> rows, Map<String, TableSeed> overrides, boolean topUp, String salt, SeedHints hints) {
            this(rows, overrides, topUp, salt, hints, false);
        }

        /** A plan with no hints from the history. */
        public Plan(Map<String, Long> rows, Map<String, TableSeed> overrides, boolean topUp, String salt) {
            this(rows, overrides, topUp, salt, SeedHints.NONE);
        }
    }

    public SeedResult seed(Connection connection, SchemaSnapshot schema, Plan plan) {
        long t0 = System.nanoTime();
        Map<String, TableModel> tables = withLogicalLinks(TableModel.all(schema, dialect::seedType), plan);
        validate(tables, plan, settings.remedies());
        SeedHints hints = plan.hints().withSchemaCasts(SchemaCasts.of(schema, tables));
        Map<String, Long> loaded = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        List<SeedShortfall> shortfalls = new ArrayList<>();
        boolean autoCommit;
        try {
            autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw new SeedException("Could not start the seeding transaction: " + e.getMessage(), loaded, e);
        }
        Set<String> rowByRow = new HashSet<>();
        try {
            while (true) {
                try {
                    DataAccess data = dialect.data(connection);
                    Map<String, Long> targets = targets(tables, plan, data, notes);
                    Set<ForeignKey> deferred = new LinkedHashSet<>();
                    List<String> order = order(tables, targets, deferred, data, plan.keepShort() ? shortfalls : null);
                    Random random = new Random(settings.randomSeed());
                    Faker faker = new Faker(settings.locale(), random);
                    for (String table : order) {
                        long rows = targets.get(table);
                        if (rows <= 0) {
                            continue;
                        }
                        random.setSeed(mix(settings.randomSeed(), plan.salt(), table));
                        TableSeed override = plan.overrides().get(table);
                        long n;
                        if (plan.keepShort()) {
                            n = new ShortfallTolerantLoad(connection, table, rows, loaded, shortfalls).run(rowByRow.contains(table), () ->
                                    new TableSeeder(settings, tables.get(table), override, rows, deferred, data, faker, random, notes,
                                            hints));
                        } else {
                            try {
                                n = new TableSeeder(settings, tables.get(table), override, rows, deferred, data, faker,
                                        random, notes, hints).run(loaded);
                            } catch (SQLException e) {
                                throw new SeedException("Cannot seed " + table + ": the database refused a generated row: "
                                        + e.getMessage() + (override == null || override.columnRules().isEmpty() ? ""
                                        : "\nCheck the column rules of " + override + ": their values must fit the column types.")
                                        + "\n" + loadedText(loaded), loaded, e);
                            }
                        }
                        loaded.put(table, n);
                        String linked = n == 0 ? null : LinksAcrossTime.link(tables.get(table), tables, hints, data, schema);
                        if (linked != null) {
                            notes.add(linked);
                        }
                    }
                    for (ForeignKey fk : deferred) {
                        if (loaded.getOrDefault(fk.table(), 0L) > 0) {
                            random.setSeed(mix(settings.randomSeed(), plan.salt(), fk.name()));
                            linkDeferred(tables.get(fk.table()), fk, plan.overrides().get(fk.table()), data, random, notes);
                        }
                    }
                    connection.commit();
                    break;
                } catch (ShortfallTolerantLoad.RowByRow again) {
                    // the database refused a row of a table loaded whole: the seeding starts again, that table row by row
                    rollback(connection);
                    rowByRow.add(again.table());
                    loaded.clear();
                    notes.clear();
                    shortfalls.clear();
                }
            }
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
        return new SeedResult(loaded, Duration.ofNanos(System.nanoTime() - t0), notes, shortfalls);
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

    private static void validate(Map<String, TableModel> tables, Plan plan, Remedies remedies) {
        Set<String> named = new LinkedHashSet<>(plan.rows().keySet());
        named.addAll(plan.overrides().keySet());
        for (String table : named) {
            if (!tables.containsKey(table)) {
                throw new SeedException("Cannot seed " + table + ": there is no such table now"
                        + ClosestName.among(table, tables.keySet()).map(c -> " (did you mean " + c + "?)").orElse("")
                        + ". Tables: " + String.join(", ", tables.keySet()) + ".", Map.of(), null);
            }
        }
        for (TableSeed seed : plan.overrides().values()) {
            TableModel t = tables.get(seed.tableName());
            for (Map.Entry<String, TableSeed.ColumnRule> e : seed.columnRules().entrySet()) {
                String where = "The seed of " + t.name() + " (" + remedies.seedOf(t.name()) + ")";
                ColumnModel c = t.column(e.getKey()).orElseThrow(() -> new SeedException(where + " names column "
                        + e.getKey() + ", which " + t.name() + " does not have"
                        + ClosestName.among(e.getKey(), t.columns().stream().map(ColumnModel::name).toList())
                        .map(n -> " (did you mean " + n + "?)").orElse("") + ". Columns: "
                        + t.columns().stream().map(ColumnModel::name).collect(Collectors.joining(", ")) + ".", Map.of(), null));
                if (c.databaseMade()) {
                    throw new SeedException(where + " sets " + c.qualified() + ", but the database makes its values"
                            + " (identity, serial or generated column). Remove that rule.", Map.of(), null);
                }
                TableSeed.ColumnRule rule = e.getValue();
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
        // a top-up counts every planned table in one query (the round trip tops up at every step)
        Map<String, Long> existing = plan.topUp() ? new HashMap<>(data.counts(List.copyOf(plan.rows().keySet())))
                : new HashMap<>();
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
                        long rows = Math.max(1, Math.min(targets.get(table), TableSeed.DEFAULT_ROWS));
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
    private static List<String> order(Map<String, TableModel> tables, Map<String, Long> rows, Set<ForeignKey> deferred,
                                      DataAccess data, List<SeedShortfall> shortfalls) throws SQLException {
        Set<String> targets = rows.keySet();
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
                    if (shortfalls != null) {
                        targets.stream().filter(t -> !done.contains(t)).forEach(t -> shortfalls.add(new SeedShortfall(t,
                                rows.get(t), 0, "the foreign keys of " + cycle + " form a cycle in which every column is"
                                + " NOT NULL, so no table can be loaded first. Load these tables from a fixture.")));
                        break;
                    }
                    throw new SeedException("Cannot seed " + cycle + ": their foreign keys form a cycle in which every"
                            + " column is NOT NULL, so no table can be loaded first. Make one of those foreign keys"
                            + " nullable or DEFERRABLE, or load these tables from a fixture.", Map.of(), null);
                }
                deferred.add(breakable.get());
            }
        }
        for (ForeignKey fk : deferred) {
            if (!nullable(tables.get(fk.table()), fk)) {
                if (shortfalls != null) {
                    order.remove(fk.table());
                    shortfalls.add(new SeedShortfall(fk.table(), rows.get(fk.table()), 0, "its foreign key " + fk.describe()
                            + " points at its own table, is NOT NULL, and the table is empty, so the first row has"
                            + " nothing to reference. Load a first row from a fixture."));
                    continue;
                }
                throw new SeedException("Cannot seed " + fk.table() + ": its foreign key " + fk.describe()
                        + " points at its own table, is NOT NULL, and the table is empty, so the first row has"
                        + " nothing to reference. Load a first row with rehearsal.insert(...) and seed again.",
                        Map.of(), null);
            }
        }
        return order;
    }

    static boolean nullable(TableModel table, ForeignKey fk) {
        return fk.columns().stream().allMatch(c -> table.column(c).map(ColumnModel::nullable).orElse(false));
    }

    private void linkDeferred(TableModel table, ForeignKey fk, TableSeed override, DataAccess data, Random random,
                              List<String> notes) throws SQLException {
        List<String> rows = data.rowsAddedInTransaction(table.name());
        List<List<Object>> parents = data.distinctValues(fk.referencedTable(), fk.referencedColumns());
        double nulls = fk.columns().stream().map(c -> TableSeeder.nullRatio(settings, table, c, override)).max(Double::compare).orElse(0.0);
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
            TableSeed override = plan.overrides().get(t.name());
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
                            .map(k -> k.get(0)).min(Comparator.comparing(k -> k.equals("id") ? 0 : 1)).orElse(null);
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
        Matcher m = TEXT_TYPE.matcher(c.type().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return -1;
        }
        if (m.group(2) != null) {
            return Integer.parseInt(m.group(2));
        }
        return m.group(1).matches("character|char|bpchar") ? 1 : 0;
    }

    static boolean sameKind(String a, String b) {
        String ints = "smallint|integer|bigint|int|tinyint|mediumint|serial|bigserial";
        return a.equals(b) || a.matches(ints) && b.matches(ints);
    }

}
