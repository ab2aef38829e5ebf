package dev.rehearsal.core.locks;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a migration did to locks, measured on a real server while it ran: the statements with the locks each took
 * and how long they were held, what the probe traffic felt per table, the risks found, and, under a blocking
 * transaction, which statement queued behind it.
 *
 * @param statements the statements, in order (up to the failing one when the migration failed)
 * @param locks      the locks held or waited for
 * @param probes     what the probe traffic felt, per table and kind
 * @param risks      risks found, suppressed ones included
 * @param queue      the lock queue under a blocking transaction, when one was held
 * @param queries    what each of the application's own statements felt as traffic, when its statements were given
 *                   ({@code rehearsal.queries.file}); empty otherwise
 */
@API(status = API.Status.STABLE, since = "0.1")
public record LockReport(List<StatementTrace> statements, List<HeldLock> locks, List<ProbeResult> probes,
                         List<LockRisk> risks, Optional<LockQueue> queue, List<QueryWaits> queries) {

    /** No observation (tracing off, or nothing ran). */
    public static final LockReport NONE = new LockReport(List.of(), List.of(), List.of(), List.of(), Optional.empty());

    public LockReport {
        statements = List.copyOf(statements);
        locks = List.copyOf(locks);
        probes = List.copyOf(probes);
        risks = List.copyOf(risks);
        queries = List.copyOf(queries);
    }

    /** A report without the application's statements as traffic. */
    public LockReport(List<StatementTrace> statements, List<HeldLock> locks, List<ProbeResult> probes,
                      List<LockRisk> risks, Optional<LockQueue> queue) {
        this(statements, locks, probes, risks, queue, List.of());
    }

    /** The application's statement that waited longest, if any waited. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public Optional<QueryWaits> worstQuery() {
        return queries.stream().filter(QueryWaits::anyWait).max(Comparator.comparing(QueryWaits::longestWait));
    }

    /**
     * The statement that waited for a lock behind a blocking transaction, and what that did to the probes.
     *
     * @param statement the statement that queued
     * @param lock      the lock it waited for
     * @param waited    how long it waited (until it got the lock, or gave up)
     * @param gaveUp    whether it gave up ({@code lock_timeout}) instead of waiting the blocker out
     * @param blockedOthers how long the probes queued behind it waited at most
     */
    public record LockQueue(StatementTrace statement, HeldLock lock, Duration waited, boolean gaveUp, Duration blockedOthers) {
        @Override
        public String toString() {
            return statement.where() + (gaveUp ? " gave up after " : " queued for ") + waited.toMillis() + " ms waiting for "
                    + lock.mode() + " on " + lock.relation() + "; traffic queued behind it for up to "
                    + blockedOthers.toMillis() + " ms";
        }
    }

    /** A copy with {@code more} risks, found after the phase ran (the running application's queries). */
    public LockReport withRisks(List<LockRisk> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<LockRisk> all = new ArrayList<>(risks);
        all.addAll(more);
        return new LockReport(statements, locks, probes, all, queue, queries);
    }

    /**
     * A copy whose open risks of the given rules are marked as answered, each with why: a check that ran the
     * application's own queries knows what those rules could only guess from the statement's text.
     */
    public LockReport settling(Map<String, String> rulesAndWhy) {
        if (rulesAndWhy.isEmpty()) {
            return this;
        }
        List<LockRisk> all = risks.stream().map(r -> r.isSuppressed() || !rulesAndWhy.containsKey(r.rule()) ? r
                : new LockRisk(r.rule(), r.statement(), r.table(), r.reason(), r.alternative(),
                rulesAndWhy.get(r.rule()))).toList();
        return new LockReport(statements, locks, probes, all, queue, queries);
    }

    /** The longest a probe of that kind waited, over all tables. */
    public Duration longestWait(ProbeResult.Kind kind) {
        return probes.stream().filter(p -> p.kind() == kind).map(ProbeResult::longestWait)
                .max(Comparator.naturalOrder()).orElse(Duration.ZERO);
    }

    /** The probe result with the longest wait of that kind, if any probe ran. */
    public Optional<ProbeResult> worst(ProbeResult.Kind kind) {
        return probes.stream().filter(p -> p.kind() == kind).max(Comparator.comparing(ProbeResult::longestWait));
    }

    /** Risks not suppressed. */
    public List<LockRisk> openRisks() {
        return risks.stream().filter(r -> !r.isSuppressed()).toList();
    }

    /** The statement at an index. */
    public StatementTrace statement(int index) {
        return statements.get(index);
    }

    /** Locks on relations that existed before, longest held first. */
    public List<HeldLock> locksOnExisting(LockMode mode) {
        return locks.stream().filter(l -> l.existing() && l.mode() == mode)
                .sorted(Comparator.comparing(HeldLock::held).reversed()).toList();
    }

    /** A readable account: statements with their locks and the server's warnings, probes, risks. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        for (StatementTrace s : statements) {
            sb.append("  ").append(s.where()).append("  (").append(s.duration().toMillis()).append(" ms")
                    .append(s.rewritten().isEmpty() ? "" : ", rewrote " + String.join(", ", s.rewritten()))
                    .append(s.failed() ? ", FAILED" : "").append(")\n");
            for (String warning : s.warnings()) {
                sb.append("      server said ").append(warning).append('\n');
            }
            for (HeldLock l : locks) {
                if (l.statement() == s.index()) {
                    sb.append("      ").append(l).append(" - blocks ").append(l.mode().blocks()).append('\n');
                }
            }
        }
        for (ProbeResult p : probes) {
            sb.append("  probe ").append(p).append('\n');
        }
        for (QueryWaits q : queries) {
            sb.append("  application ").append(q).append('\n');
        }
        queue.ifPresent(q -> sb.append("  lock queue: ").append(q).append('\n'));
        if (!risks.isEmpty()) {
            sb.append(risks.stream().map(r -> "  risk " + r).collect(Collectors.joining("\n"))).append('\n');
        }
        return sb.toString();
    }
}
