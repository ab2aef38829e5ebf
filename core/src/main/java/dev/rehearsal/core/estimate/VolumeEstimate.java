package dev.rehearsal.core.estimate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.model.Migration;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What one migration will take at production volume, estimated from rehearsals at several sizes: each statement's
 * model and estimate, the whole migration's, and how long the application's writes and reads will wait behind its
 * locks. Made by {@code MigrationRehearsal.estimate}.
 *
 * @param migration     the migration
 * @param volumes       the production volumes of the tables it was estimated for (those that exist before it)
 * @param sizes         the rows of the largest of those tables in each rehearsal
 * @param statements    each statement, in order; one entry for the whole migration where its statements differed
 *                      between runs (dynamic SQL)
 * @param total         the whole migration
 * @param writesBlocked how long writes to the estimated tables wait: from the first statement that takes a lock
 *                      blocking them to the end of its transaction (or the statements that take one, outside a
 *                      transaction)
 * @param readsBlocked  the same for reads
 * @param risks         the lock risks the largest rehearsal found, with their safe alternatives
 * @param notes         what the estimate could not do (time budget reached, statements that differed between runs)
 * @param runs          each rehearsal of the whole migration: rows, duration, write-ahead log and temporary files
 * @param walBytes      write-ahead log the migration will write at production volume (PostgreSQL), in proportion to
 *                      what the rehearsals wrote; {@code -1} where unknown
 * @param tempBytes     temporary files (sorts and hashes that did not fit in memory) it will write at production
 *                      volume, from the same line; {@code -1} where unknown. A sort that fit in memory in the
 *                      rehearsals counts 0 here, and may still spill at production volume (a note says so)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record VolumeEstimate(Migration migration, Map<String, Long> volumes, List<Long> sizes,
                             List<StatementEstimate> statements, Estimate total, Estimate writesBlocked,
                             Estimate readsBlocked, List<LockRisk> risks, List<String> notes, List<Run> runs,
                             long walBytes, long tempBytes) {

    public VolumeEstimate {
        volumes = Map.copyOf(volumes);
        sizes = List.copyOf(sizes);
        statements = List.copyOf(statements);
        risks = List.copyOf(risks);
        notes = List.copyOf(notes);
        runs = List.copyOf(runs);
    }

    /** An estimate without the measurements of whole runs. */
    public VolumeEstimate(Migration migration, Map<String, Long> volumes, List<Long> sizes,
                          List<StatementEstimate> statements, Estimate total, Estimate writesBlocked,
                          Estimate readsBlocked, List<LockRisk> risks, List<String> notes) {
        this(migration, volumes, sizes, statements, total, writesBlocked, readsBlocked, risks, notes, List.of(), -1, -1);
    }

    /**
     * One rehearsal of the whole migration.
     *
     * @param rows      rows of the largest estimated table
     * @param duration  how long the migration ran
     * @param walBytes  write-ahead log written, {@code -1} where unknown
     * @param tempBytes temporary files written, {@code -1} where unknown
     */
    public record Run(long rows, Duration duration, long walBytes, long tempBytes) {
    }

    /** The rows it was extrapolated to: the largest production volume among the estimated tables. */
    public long productionRows() {
        return volumes.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** The statement among those {@code counted} that would take longest, for budget messages. */
    public Optional<StatementEstimate> costliest(Predicate<StatementEstimate> counted) {
        return statements.stream().filter(counted).max(Comparator.comparing(s -> s.estimate().likely()));
    }

    /** Estimates ordered by risk: the longest blocked writes first, then the longest run. */
    public static List<VolumeEstimate> biggestRisksFirst(List<VolumeEstimate> estimates) {
        return estimates.stream().sorted(Comparator.comparing((VolumeEstimate e) -> e.writesBlocked().likely())
                .thenComparing(e -> e.total().likely()).reversed()).toList();
    }

    /** The estimate as a JSON object (durations in milliseconds); {@code docs/estimates.md} describes its fields. */
    public ObjectNode toJsonNode() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("migration", migration.displayName());
        root.put("version", migration.version().toString());
        root.put("productionRows", productionRows());
        ObjectNode tables = root.putObject("volumes");
        new TreeMap<>(volumes).forEach(tables::put);
        ArrayNode measuredSizes = root.putArray("sizes");
        sizes.forEach(measuredSizes::add);
        put(root.putObject("total"), total);
        put(root.putObject("writesBlocked"), writesBlocked);
        put(root.putObject("readsBlocked"), readsBlocked);
        ArrayNode list = root.putArray("statements");
        for (StatementEstimate st : statements) {
            ObjectNode node = list.addObject();
            node.put("where", st.where());
            node.put("model", st.model().name());
            put(node.putObject("estimate"), st.estimate());
            node.put("rowsAffected", st.rowsAffected()).put("walBytes", st.walBytes());
            node.put("locks", st.locks());
            node.put("blocks", st.blocks());
            ArrayNode rewrites = node.putArray("rewrites");
            st.rewrites().forEach(rewrites::add);
            ArrayNode measured = node.putArray("measured");
            st.measured().forEach(m -> measured.addObject().put("rows", m.rows()).put("millis", m.duration().toNanos() / 1e6)
                    .put("walBytes", m.walBytes()).put("rowsAffected", m.rowsAffected()));
        }
        root.put("walBytes", walBytes).put("tempBytes", tempBytes);
        ArrayNode runList = root.putArray("runs");
        runs.forEach(r -> runList.addObject().put("rows", r.rows()).put("millis", r.duration().toNanos() / 1e6)
                .put("walBytes", r.walBytes()).put("tempBytes", r.tempBytes()));
        ArrayNode riskList = root.putArray("risks");
        risks.forEach(r -> riskList.addObject().put("rule", r.rule()).put("statement", r.statement())
                .put("table", r.table()).put("alternative", r.alternative()));
        ArrayNode noteList = root.putArray("notes");
        notes.forEach(noteList::add);
        return root;
    }

    private static void put(ObjectNode node, Estimate e) {
        node.put("likelyMillis", e.likely().toMillis()).put("lowMillis", e.low().toMillis())
                .put("highMillis", e.high().toMillis()).put("text", e.toString());
    }

    /**
     * Writes {@code <name>.estimates.txt} and {@code <name>.estimates.json} into {@code directory}, the biggest risks
     * first, next to a run's other reports.
     */
    public static void writeTo(List<VolumeEstimate> estimates, Path directory, String name) {
        List<VolumeEstimate> ordered = biggestRisksFirst(estimates);
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode all = mapper.createArrayNode();
        ordered.forEach(e -> all.add(e.toJsonNode()));
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(name + ".estimates.txt"), ordered.stream().map(VolumeEstimate::toText)
                    .collect(Collectors.joining("\n\n", "", "\n")), StandardCharsets.UTF_8);
            Files.writeString(directory.resolve(name + ".estimates.json"),
                    mapper.writerWithDefaultPrettyPrinter().writeValueAsString(all), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the volume estimates to " + directory, e);
        }
    }

    /**
     * {@code V5 index orders at 50,000,000 rows (orders): about 6 min 40 s (4 min - 9 min); writes blocked about ...},
     * then one line per statement, slowest first.
     */
    public String toText() {
        StringBuilder sb = new StringBuilder(migration.displayName()).append(String.format(Locale.ROOT,
                " at %,d rows (%s): %s", productionRows(), volumes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", ")), total));
        sb.append(writesBlocked.likely().isZero() ? "; writes never blocked" : "; writes blocked " + writesBlocked);
        if (!readsBlocked.likely().isZero()) {
            sb.append("; reads blocked ").append(readsBlocked);
        }
        if (walBytes > 0 || tempBytes > 0) {
            sb.append("; writes about ").append(walBytes > 0 ? StatementEstimate.bytes(walBytes) + " of write-ahead log" : "")
                    .append(walBytes > 0 && tempBytes > 0 ? " and " : "")
                    .append(tempBytes > 0 ? StatementEstimate.bytes(tempBytes) + " of temporary files" : "");
        }
        statements.stream().sorted(Comparator.comparing((StatementEstimate s) -> s.estimate().likely()).reversed())
                .forEach(s -> sb.append("\n    ").append(s.toText()));
        for (LockRisk risk : risks) {
            sb.append("\n    risk ").append(risk);
        }
        for (String note : notes) {
            sb.append("\n    note: ").append(note);
        }
        return sb.toString();
    }
}
