package dev.rehearsal.core.locks;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The limits of a lock budget ({@code @LockBudget} in the JUnit extension): what a migration may make an application feel: the longest a read or a write may wait, the longest
 * ACCESS EXCLUSIVE may be held on a table that existed before, and whether unsuppressed risks are allowed.
 * {@link #check(LockReport)} returns one message per breach, naming statement, lock, table and measured wait.
 *
 * @param reads           longest wait of a probe reader; null for no limit
 * @param writes          longest wait of a probe writer (or locking reader); null for no limit
 * @param accessExclusive longest ACCESS EXCLUSIVE on an existing relation; null for no limit
 * @param noRisks         whether any unsuppressed risk breaches the budget
 */
@API(status = API.Status.STABLE, since = "0.1")
public record LockLimits(Duration reads, Duration writes, Duration accessExclusive, boolean noRisks) {

    /** No limits. */
    public static final LockLimits NONE = new LockLimits(null, null, null, false);

    /** Whether this budget limits anything. */
    public boolean limitsAnything() {
        return reads != null || writes != null || accessExclusive != null || noRisks;
    }

    /** Every breach of this budget in {@code report}, one message each; empty when within budget. */
    public List<String> check(LockReport report) {
        List<String> breaches = new ArrayList<>();
        if (reads != null) {
            readBreach(report, reads).ifPresent(breaches::add);
        }
        if (writes != null) {
            writeBreach(report, writes).ifPresent(breaches::add);
        }
        if (accessExclusive != null) {
            accessExclusiveBreach(report, accessExclusive).ifPresent(breaches::add);
        }
        if (noRisks) {
            for (LockRisk r : report.openRisks()) {
                breaches.add("risk " + r);
            }
        }
        return breaches;
    }

    /** A message when reads waited longer than {@code max}. */
    public static Optional<String> readBreach(LockReport report, Duration max) {
        return waitBreach(report, max, ProbeResult.Kind.READ, "reads");
    }

    /** A message when writes or locking reads waited longer than {@code max}. */
    public static Optional<String> writeBreach(LockReport report, Duration max) {
        Optional<String> w = waitBreach(report, max, ProbeResult.Kind.WRITE, "writes");
        return w.isPresent() ? w : waitBreach(report, max, ProbeResult.Kind.LOCKING_READ, "locking reads");
    }

    private static Optional<String> waitBreach(LockReport report, Duration max, ProbeResult.Kind kind,
                                                         String what) {
        return report.worst(kind).filter(p -> p.longestWait().compareTo(max) > 0).map(p -> {
            String cause = blockingLock(report, p.table(), kind)
                    .map(l -> ", behind " + l.mode() + " on " + l.relation() + " taken by "
                            + report.statement(l.statement()).where() + " and held " + l.held().toMillis() + " ms")
                    .orElse("");
            return "blocked " + what + " on " + p.table() + " for " + p.longestWait().toMillis() + " ms (budget "
                    + max.toMillis() + " ms)" + cause;
        });
    }

    /** The lock that most plausibly blocked that traffic on that table: the longest held conflicting one. */
    static Optional<HeldLock> blockingLock(LockReport report, String table, ProbeResult.Kind kind) {
        LockMode wanted = kind == ProbeResult.Kind.READ ? LockMode.ACCESS_SHARE
                : kind == ProbeResult.Kind.WRITE ? LockMode.ROW_EXCLUSIVE : LockMode.ROW_SHARE;
        return report.locks().stream().filter(l -> l.relation().equals(table) && l.mode().conflictsWith(wanted))
                .max(Comparator.comparing(HeldLock::held));
    }

    /** A message when ACCESS EXCLUSIVE was held on an existing relation longer than {@code max}. */
    public static Optional<String> accessExclusiveBreach(LockReport report, Duration max) {
        return report.locksOnExisting(LockMode.ACCESS_EXCLUSIVE).stream()
                .filter(l -> l.held().compareTo(max) > 0).findFirst()
                .map(l -> "ACCESS EXCLUSIVE on " + l.relation() + " held " + l.held().toMillis() + " ms (budget "
                        + max.toMillis() + " ms), taken by " + report.statement(l.statement()).where());
    }

    /** A budget with only a read limit, to build on: {@code LockLimits.reads(ofMillis(100)).withWrites(...)}. */
    public static LockLimits reads(Duration max) {
        return new LockLimits(Objects.requireNonNull(max), null, null, false);
    }

    /** A copy with a write limit. */
    public LockLimits withWrites(Duration max) {
        return new LockLimits(reads, max, accessExclusive, noRisks);
    }

    /** A copy with an ACCESS EXCLUSIVE limit. */
    public LockLimits withAccessExclusive(Duration max) {
        return new LockLimits(reads, writes, max, noRisks);
    }

    /** A copy that also fails on unsuppressed risks. */
    public LockLimits withNoRisks() {
        return new LockLimits(reads, writes, accessExclusive, true);
    }
}
