package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.estimate.Estimate;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.StatementEstimate;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.internal.estimate.CostFit;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.StatementTrace;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * Estimates one migration at production volume: brings the database to the version before it, keeps a copy, tops
 * the tables with a declared volume up to each size (in proportion to their volumes), runs the migration {@code
 * repeats} times on copies of the seeded database (traced, without probe traffic), fits each statement's durations
 * ({@link CostFit}), extrapolates to the declared volume, and puts the database back as it found it (with what the
 * migration depends on from outside the history applied, as its tool's own up would leave it). Needs a provider that can copy databases (PostgreSQL, MariaDB servers).
 */
final class VolumeEstimator {

    /** Statements that sort their rows: n log n is tried first for these. */
    private static final Pattern SORTS = Pattern.compile(
            "(?is)\\b(create\\s+(unique\\s+)?index|primary\\s+key|unique|cluster|reindex)\\b");

    private final RehearsalEngine rehearsal;
    private final Migration migration;
    private final EstimateSettings settings;

    private VolumeEstimator(RehearsalEngine rehearsal, Migration migration, EstimateSettings settings) {
        this.rehearsal = rehearsal;
        this.migration = migration;
        this.settings = settings;
    }

    static VolumeEstimate estimate(RehearsalEngine rehearsal, Migration migration, ProductionVolumes volumes,
                                   EstimateSettings settings) {
        return new VolumeEstimator(rehearsal, migration, settings).run(volumes);
    }

    /** One run of the migration at one size. */
    private record Run(long rows, Duration duration, LockReport locks, OptionalLong walBytes, OptionalLong tempBytes) {
    }

    private VolumeEstimate run(ProductionVolumes volumes) {
        if (volumes.isEmpty()) {
            throw noVolumes(migration);
        }
        long started = System.nanoTime();
        MigrationVersion before = rehearsal.history().previous(migration).map(Migration::version).orElse(null);
        String rebuilt = rehearsal.state().prepare(before); // ups only from an earlier version; a rebuild from a later

        List<String> notes = new ArrayList<>();
        if (rebuilt != null) {
            notes.add(rebuilt);
        }
        String ahead = rehearsal.state().applyOutsideDependencies(migration); // not the migration's to time
        if (ahead != null) {
            notes.add(ahead);
        }
        Map<String, Long> present = tablesBefore(volumes, notes);
        DatabaseSession.RestorePoint original = rehearsal.keepRestorePoint();
        if (original == null) {
            throw cannotCopy();
        }
        try {
            return measure(present, notes, started);
        } finally {
            rehearsal.restore(original); // the database as the estimate found it: its version, its rows
        }
    }

    private RehearsalException cannotCopy() {
        return cannotCopy(rehearsal);
    }

    static RehearsalException cannotCopy(RehearsalEngine rehearsal) {
        return new RehearsalException("Volume estimates run each migration on copies of the seeded database, and "
                + rehearsal.database().dialect().name() + " databases cannot be copied here: estimate on PostgreSQL"
                + " (the embedded server, a named server or a container) or a MariaDB server");
    }

    static RehearsalException noVolumes(Migration migration) {
        return new RehearsalException("No production volumes to estimate " + migration.displayName() + " with: declare"
                + " them as " + ProductionVolumes.PREFIX + "<table>=<rows> (for example rehearsal.volume.orders=50000000),"
                + " in code with ProductionVolumes.of, or in a statistics file (docs/estimates.md)");
    }

    private VolumeEstimate measure(Map<String, Long> present, List<String> notes, long started) {
        long largest = present.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        Map<String, Long> seeded = new LinkedHashMap<>();
        present.keySet().forEach(table -> seeded.put(table, rowsIn(table)));
        List<Long> sizes = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        String biggest = present.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        for (long size : settings.sizes()) {
            if (sizes.size() >= 2 && elapsed(started).compareTo(settings.timeBudget()) > 0) {
                notes.add("stopped after " + sizes.size() + " of " + settings.sizes().size() + " sizes: the time budget of "
                        + Estimate.human(settings.timeBudget()) + " was reached (EstimateSettings.withTimeBudget to give"
                        + " it more); the interval is wider for it");
                break;
            }
            long rows = Math.min(size, largest);
            if (seeded.get(biggest) > rows) {
                notes.add(String.format(Locale.ROOT, "skipped %,d rows: %s already had %,d", rows, biggest,
                        seeded.get(biggest)));
                continue;
            }
            seedTo(present, largest, rows, seeded);
            for (int i = 0; i < settings.repeats(); i++) {
                runs.add(runOnce(rows));
            }
            sizes.add(rows);
            if (rows == largest) {
                notes.add("the production volume is no larger than " + String.format(Locale.ROOT, "%,d", rows)
                        + " rows, measured directly");
                break;
            }
        }
        if (sizes.size() < 2) {
            throw new RehearsalException("The volume estimate of " + migration.displayName() + " measured only one size ("
                    + sizes + " rows): give EstimateSettings at least two sizes below the production volume");
        }
        return fit(present, sizes, runs, notes, largest);
    }

    /** The declared tables that exist before the migration; the others are named in a note. */
    private Map<String, Long> tablesBefore(ProductionVolumes volumes, List<String> notes) {
        SchemaSnapshot schema = rehearsal.currentSchema();
        List<String> tables = schema.objects(ObjectKind.TABLE).stream().map(SchemaObject::name).sorted().toList();
        Map<String, Long> present = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        volumes.rows().forEach((table, rows) -> {
            if (schema.table(table).isPresent()) {
                present.put(table, rows);
            } else {
                missing.add(table);
            }
        });
        String before = rehearsal.history().previous(migration).map(m -> "after " + m.displayName())
                .orElse("before the first migration");
        if (present.isEmpty()) {
            throw new RehearsalException("None of the tables with a production volume (" + String.join(", ",
                    volumes.rows().keySet()) + ", from " + volumes.source() + ") exists " + before + ", where "
                    + migration.displayName() + " starts; the tables then: " + (tables.isEmpty() ? "none"
                    : String.join(", ", tables)) + ". Check the names (schema.table outside public)");
        }
        if (!missing.isEmpty()) {
            notes.add("not estimated: " + String.join(", ", missing) + " (declared in " + volumes.source() + ") do not exist "
                    + before);
        }
        return present;
    }

    /** Tops every estimated table up to its share of {@code rows}, then refreshes the planner's statistics. */
    private void seedTo(Map<String, Long> present, long largest, long rows, Map<String, Long> seeded) {
        List<TableSeed> seeds = new ArrayList<>();
        present.forEach((table, volume) -> {
            long target = Math.max(1, Math.round((double) volume * rows / largest));
            long add = target - seeded.getOrDefault(table, 0L);
            if (add > 0) {
                seeds.add(TableSeed.table(table).rows(add));
                seeded.put(table, target);
            }
        });
        if (!seeds.isEmpty()) {
            rehearsal.seedForEstimate(seeds);
        }
        try (Connection c = rehearsal.database().dataSource().getConnection()) {
            rehearsal.database().dialect().analyze(c);
        } catch (SQLException e) {
            throw new RehearsalException("Could not analyze " + rehearsal.database().name() + " after seeding: "
                    + e.getMessage(), e);
        }
    }

    /** The migration once, on a copy of the seeded database, which is then put back. */
    private Run runOnce(long rows) {
        DatabaseSession.RestorePoint point = rehearsal.keepRestorePoint();
        if (point == null) {
            throw cannotCopy();
        }
        try {
            OptionalLong wal0 = walPosition();
            OptionalLong temp0 = temporaryFileBytes();
            MigrationRun run = rehearsal.moveTo(migration.version(), false, Traffic.none());
            OptionalLong wal1 = walPosition();
            OptionalLong temp1 = temporaryFileBytes();
            return new Run(rows, run.duration(), run.locks(), difference(wal0, wal1), difference(temp0, temp1));
        } catch (RuntimeException e) {
            throw new RehearsalException("The volume estimate of " + migration.displayName() + " failed at "
                    + String.format(Locale.ROOT, "%,d", rows) + " rows: " + e.getMessage(), e);
        } finally {
            rehearsal.restore(point);
        }
    }

    /** The rows a table has before the estimate seeds it (a test may have put some there). */
    private long rowsIn(String table) {
        Object count = rehearsal.query("select count(*) from " + rehearsal.database().dialect().quote(table)).rows()
                .get(0).get(0);
        return ((Number) count).longValue();
    }

    private OptionalLong walPosition() {
        try (Connection c = rehearsal.database().dataSource().getConnection()) {
            return rehearsal.database().dialect().writeAheadLogPosition(c);
        } catch (SQLException e) {
            return OptionalLong.empty(); // informative only: a server that hides it (no privilege) still estimates
        }
    }

    private OptionalLong temporaryFileBytes() {
        try (Connection c = rehearsal.database().dataSource().getConnection()) {
            return rehearsal.database().dialect().temporaryFileBytes(c);
        } catch (SQLException e) {
            return OptionalLong.empty(); // informative only, as the write-ahead log
        }
    }

    private static OptionalLong difference(OptionalLong before, OptionalLong after) {
        return before.isPresent() && after.isPresent() ? OptionalLong.of(Math.max(0, after.getAsLong() - before.getAsLong()))
                : OptionalLong.empty();
    }

    /** A quantity measured per run (bytes, rows changed) at production volume, on a line through the runs. */
    private static long atProduction(List<Run> runs, ToLongFunction<Run> value, long largest) {
        return CostFit.linearAt(runs.stream().map(r -> new long[] {r.rows(), value.applyAsLong(r)}).toList(), largest);
    }

    private VolumeEstimate fit(Map<String, Long> present, List<Long> sizes, List<Run> runs, List<String> notes,
                               long largest) {
        Run last = runs.get(runs.size() - 1);
        // the script's own statements: a tool's bookkeeping statement enters a trace only when the lock poller
        // happened to see it holding a lock, which differs from run to run on a busy machine
        List<StatementTrace> shape = scripted(last.locks());
        boolean sameStatements = !shape.isEmpty() && runs.stream().allMatch(r -> sameShape(scripted(r.locks()), shape));
        List<StatementEstimate> statements = new ArrayList<>();
        if (sameStatements) {
            for (int i = 0; i < shape.size(); i++) {
                List<double[]> points = new ArrayList<>();
                List<StatementEstimate.Measurement> measured = new ArrayList<>();
                for (Run r : runs) {
                    StatementTrace trace = scripted(r.locks()).get(i);
                    Duration d = trace.duration();
                    points.add(new double[] {r.rows(), d.toNanos() / 1e9});
                    measured.add(new StatementEstimate.Measurement(r.rows(), d, trace.walBytes(), trace.rowsAffected()));
                }
                StatementTrace st = shape.get(i);
                CostFit.Result fit = CostFit.fit(points, largest, SORTS.matcher(st.sql()).find(),
                        measured.stream().map(m -> new long[] {m.rows(), m.walBytes()}).toList());
                if (fit.scaledByLog()) {
                    notes.add(st.where() + ": its timings did not grow with the rows but its write-ahead log did, so"
                            + " its time is the largest size's scaled by " + fit.model() + " (a busy machine:"
                            + " more rehearsal.estimates.repeats measure it)");
                }
                List<HeldLock> held = heldDuring(last.locks(), st.index());
                long rowsAffected = CostFit.linearAt(measured.stream().map(m -> new long[] {m.rows(), m.rowsAffected()})
                        .toList(), largest);
                long walBytes = CostFit.linearAt(measured.stream().map(m -> new long[] {m.rows(), m.walBytes()})
                        .toList(), largest);
                statements.add(new StatementEstimate(st.where(), fit.model(), fit.estimate(), measured, describe(held),
                        blocks(held), st.rewritten().stream().sorted().toList(), rowsAffected, walBytes));
            }
        } else {
            if (!shape.isEmpty()) {
                notes.add("its statements differed between runs (dynamic SQL): estimated as a whole");
            } else if (!last.locks().statements().isEmpty()) {
                notes.add("its statements could not be placed in its script (SQL the tool generates): estimated as a"
                        + " whole");
            } else {
                notes.add("no statement trace (rehearsal.locks.trace=false): estimated as a whole, without locks");
            }
            List<double[]> points = new ArrayList<>();
            List<StatementEstimate.Measurement> measured = new ArrayList<>();
            for (Run r : runs) {
                points.add(new double[] {r.rows(), r.duration().toNanos() / 1e9});
                measured.add(new StatementEstimate.Measurement(r.rows(), r.duration(), r.walBytes().orElse(-1)));
            }
            CostFit.Result fit = CostFit.fit(points, largest, false);
            List<HeldLock> held = last.locks().locks().stream().filter(l -> l.existing() && l.kind() == HeldLock.RelationKind.TABLE)
                    .toList();
            statements.add(new StatementEstimate(migration.displayName() + " (the whole migration)", fit.model(),
                    fit.estimate(), measured, describe(held), blocks(held), List.of(), -1,
                    atProduction(runs, r -> r.walBytes().orElse(-1), largest)));
        }
        Estimate total = Estimate.ZERO;
        Estimate writes = Estimate.ZERO;
        Estimate reads = Estimate.ZERO;
        for (StatementEstimate s : statements) {
            total = total.plus(s.estimate());
            if (s.blocksWrites()) {
                writes = writes.plus(s.estimate());
            }
            if (s.blocksReads()) {
                reads = reads.plus(s.estimate());
            }
        }
        long tempBytes = atProduction(runs, r -> r.tempBytes().orElse(-1), largest);
        if (tempBytes == 0 && statements.stream().anyMatch(st -> SORTS.matcher(st.where()).find())) {
            notes.add("no temporary files at the rehearsed sizes: its sorts fit in memory (maintenance_work_mem,"
                    + " work_mem); at production volume they may not, and then also write about the table's size to"
                    + " temporary files");
        }
        List<VolumeEstimate.Run> measuredRuns = runs.stream().map(r -> new VolumeEstimate.Run(r.rows(), r.duration(),
                r.walBytes().orElse(-1), r.tempBytes().orElse(-1))).toList();
        return new VolumeEstimate(migration, present, sizes, statements, total, writes, reads, last.locks().openRisks(),
                notes, measuredRuns, atProduction(runs, r -> r.walBytes().orElse(-1), largest), tempBytes);
    }

    /** The statements of a trace that come from the migration's script, in order. */
    private static List<StatementTrace> scripted(LockReport report) {
        return report.statements().stream().filter(st -> st.script() != null).toList();
    }

    private static boolean sameShape(List<StatementTrace> a, List<StatementTrace> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).sql().equals(b.get(i).sql())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The locks on existing tables held while statement {@code index} runs: its own, and inside a transaction those
     * the transaction's earlier statements took (they are held until it ends).
     */
    private static List<HeldLock> heldDuring(LockReport report, int index) {
        List<StatementTrace> statements = report.statements();
        int first = index;
        while (statements.get(index).inTransaction() && first > 0 && statements.get(first - 1).inTransaction()) {
            first--;
        }
        int from = first;
        return report.locks().stream().filter(l -> l.existing() && l.kind() == HeldLock.RelationKind.TABLE
                && l.statement() >= from && l.statement() <= index).toList();
    }

    /** {@code SHARE on orders, ACCESS EXCLUSIVE on audit}: the strongest mode per table. */
    private static String describe(List<HeldLock> held) {
        Map<String, LockMode> strongest = new TreeMap<>();
        for (HeldLock l : held) {
            strongest.merge(l.relation(), l.mode(), (x, y) -> x.compareTo(y) >= 0 ? x : y);
        }
        List<String> parts = new ArrayList<>();
        strongest.forEach((table, mode) -> parts.add(mode + " on " + table));
        return String.join(", ", parts);
    }

    private static String blocks(List<HeldLock> held) {
        boolean reads = held.stream().anyMatch(l -> l.mode().blocksReads());
        boolean writes = held.stream().anyMatch(l -> l.mode().blocksWrites());
        return reads ? "reads and writes" : writes ? "writes" : "nothing";
    }

    private static Duration elapsed(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
