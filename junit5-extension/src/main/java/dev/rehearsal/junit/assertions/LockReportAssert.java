package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockLimits;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.StatementTrace;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Assertions on what a migration did to locks: the waits probe traffic felt, how long ACCESS EXCLUSIVE was held,
 * rewrites, and risks. Failure messages name the statement, the lock, the table and the measured time.
 */
@API(status = API.Status.STABLE, since = "0.1")
public class LockReportAssert extends AbstractAssert<LockReportAssert, LockReport> {

    public LockReportAssert(LockReport actual) {
        super(actual, LockReportAssert.class);
    }

    /** What the application's own statements felt as traffic: {@code queryWaits().onTable("orders").atMost(...)}. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public QueryWaitsAssert queryWaits() {
        isNotNull();
        return new QueryWaitsAssert(actual);
    }

    /** Verifies no probe read waited longer than {@code max}. */
    public LockReportAssert blockedReadsAtMost(Duration max) {
        traced();
        LockLimits.readBreach(actual, max).ifPresent(m -> failWithMessage("Expecting reads to wait at most %d ms, but %s%n%s",
                max.toMillis(), m, actual.toText()));
        return this;
    }

    /** Verifies no probe write or locking read waited longer than {@code max}. */
    public LockReportAssert blockedWritesAtMost(Duration max) {
        traced();
        LockLimits.writeBreach(actual, max).ifPresent(m -> failWithMessage("Expecting writes to wait at most %d ms, but %s%n%s",
                max.toMillis(), m, actual.toText()));
        return this;
    }

    /** Verifies ACCESS EXCLUSIVE was held on no existing table longer than {@code max}. */
    public LockReportAssert heldNoAccessExclusiveLongerThan(Duration max) {
        traced();
        LockLimits.accessExclusiveBreach(actual, max).ifPresent(m -> failWithMessage(
                "Expecting ACCESS EXCLUSIVE held at most %d ms, but %s%n%s", max.toMillis(), m, actual.toText()));
        return this;
    }

    /** Verifies no lock of {@code mode} was taken on a relation that existed before. */
    public LockReportAssert tookNo(LockMode mode) {
        traced();
        actual.locksOnExisting(mode).stream().findFirst().ifPresent(l -> failWithMessage(
                "Expecting no %s on existing relations, but %s took it on %s (held %d ms)%n%s", mode,
                actual.statement(l.statement()).where(), l.relation(), l.held().toMillis(), actual.toText()));
        return this;
    }

    /**
     * Verifies no statement took, on a table that existed before, a lock that makes writes wait: a fact of the
     * trace, not a time, so it holds on a slow machine as on a fast one.
     */
    public LockReportAssert blockedNoWrites() {
        return blockedNo(true);
    }

    /** Verifies no statement took, on a table that existed before, a lock that makes plain reads wait. */
    public LockReportAssert blockedNoReads() {
        return blockedNo(false);
    }

    /** Verifies some statement took a lock on {@code table} that makes writes wait (a fact, not a time). */
    public LockReportAssert blockedWritesOn(String table) {
        traced();
        if (actual.locks().stream().noneMatch(l -> l.existing() && l.relation().equals(table) && l.mode().blocksWrites())) {
            failWithMessage("Expecting a lock that blocks writes on %s, but none was taken:%n%s", table, actual.toText());
        }
        return this;
    }

    private LockReportAssert blockedNo(boolean writes) {
        traced();
        actual.locks().stream()
                .filter(l -> l.existing() && l.kind() == HeldLock.RelationKind.TABLE
                        && (writes ? l.mode().blocksWrites() : l.mode().blocksReads()))
                .findFirst()
                .ifPresent(l -> failWithMessage("Expecting no lock that blocks %s, but %s took %s on %s (held %d ms)%n%s",
                        writes ? "writes" : "reads", actual.statement(l.statement()).where(), l.mode(), l.relation(),
                        l.held().toMillis(), actual.toText()));
        return this;
    }

    /** Verifies the rule did not fire (or the migration allows it). */
    public LockReportAssert hasNoRisk(String rule) {
        traced();
        actual.openRisks().stream().filter(r -> r.rule().equals(rule)).findFirst()
                .ifPresent(r -> failWithMessage("Expecting no risk %s, but:%n  %s", rule, r));
        return this;
    }

    /** Verifies no rule fired that the migration does not allow. */
    public LockReportAssert hasNoRisks() {
        traced();
        if (!actual.openRisks().isEmpty()) {
            failWithMessage("Expecting no risks, but:%n  %s", actual.openRisks().stream().map(LockRisk::toString)
                    .collect(Collectors.joining("\n  ")));
        }
        return this;
    }

    /** Verifies the rule fired. */
    public LockReportAssert hasRisk(String rule) {
        traced();
        if (actual.risks().stream().noneMatch(r -> r.rule().equals(rule))) {
            failWithMessage("Expecting risk %s, but the risks are %s%n%s", rule,
                    actual.risks().stream().map(LockRisk::rule).toList(), actual.toText());
        }
        return this;
    }

    /** Verifies some statement rewrote {@code table}. */
    public LockReportAssert rewrote(String table) {
        traced();
        if (actual.statements().stream().noneMatch(s -> s.rewritten().contains(table))) {
            failWithMessage("Expecting a statement to rewrite %s, but none did:%n%s", table, actual.toText());
        }
        return this;
    }

    /** Verifies no statement rewrote {@code table}. */
    public LockReportAssert didNotRewrite(String table) {
        traced();
        List<StatementTrace> rewriting = actual.statements().stream().filter(s -> s.rewritten().contains(table)).toList();
        if (!rewriting.isEmpty()) {
            failWithMessage("Expecting no rewrite of %s, but %s rewrote it", table, rewriting.get(0).where());
        }
        return this;
    }

    private void traced() {
        isNotNull();
        if (actual == LockReport.NONE) {
            failWithMessage("Expecting a lock report, but the run was not traced (rehearsal.locks.trace=false?)");
        }
    }
}
