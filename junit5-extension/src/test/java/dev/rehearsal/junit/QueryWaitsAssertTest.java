package dev.rehearsal.junit;

import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.locks.QueryWaits;
import dev.rehearsal.core.locks.StatementTrace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Budgets on the application's own statements as traffic: what passes, and messages that name what waited behind what. */
class QueryWaitsAssertTest {

    private static LockReport report() {
        StatementTrace alter = new StatementTrace(0, "V2__total.sql", 1, "ALTER TABLE orders ALTER COLUMN total TYPE bigint",
                ofMillis(3), ofMillis(1400), true, Set.of("orders"), "0", false);
        HeldLock exclusive = new HeldLock("orders", HeldLock.RelationKind.TABLE, LockMode.ACCESS_EXCLUSIVE, 0, ofMillis(3),
                ofMillis(1400), Duration.ZERO, true);
        QueryWaits lookup = new QueryWaits("select id, total from orders where id = $1", "queries.csv:2", "orders",
                ProbeResult.Kind.READ, 30, 4, ofMillis(1390), ofMillis(10), ofMillis(800), 0, null, 0,
                Optional.of(new QueryWaits.Behind(0, alter.where(), exclusive)));
        QueryWaits audit = new QueryWaits("insert into audit_log (message) values ($1)", "queries.csv:3", "audit_log",
                ProbeResult.Kind.WRITE, 60, 0, ofMillis(2), ofMillis(100), ofMillis(1), 1,
                "23502: null value in column \"actor\"", 0, Optional.empty());
        return new LockReport(List.of(alter), List.of(exclusive), List.of(), List.of(), Optional.empty(),
                List.of(lookup, audit));
    }

    @Test
    void budgetsPerTableAndPerStatementNameTheStatementItsWaitAndTheLockBehindIt() {
        LockReport r = report();
        assertThat(r).queryWaits().onTable("audit_log").atMost(ofMillis(50)).noneWaited();
        assertThat(r).queryWaits().statement("queries.csv:2").atMost(ofMillis(2000));
        assertThatThrownBy(() -> assertThat(r).queryWaits().atMost(ofMillis(100)))
                .hasMessageContaining("Expecting the application's statements to wait at most 100 ms, but:")
                .hasMessageContaining("queries.csv:2: select id, total from orders where id = $1 (reads on orders)"
                        + " waited 1390 ms, p95 800 ms, 4 of 30 runs, behind ACCESS EXCLUSIVE on orders taken by"
                        + " V2__total.sql line 1: ALTER TABLE orders ALTER COLUMN total TYPE bigint and held 1400 ms")
                .hasMessageNotContaining("audit_log");
        assertThatThrownBy(() -> assertThat(r).queryWaits().onTable("orders").noneWaited())
                .hasMessageContaining("Expecting the application's statements on orders not to wait");
        assertThatThrownBy(() -> assertThat(r).queryWaits().noneFailed())
                .hasMessageContaining("queries.csv:3: insert into audit_log (message) values ($1) failed 1 of 60 times"
                        + " (23502: null value in column \"actor\")");
    }

    @Test
    void aBudgetOnStatementsThatNeverRanFailsRatherThanPassing() {
        assertThatThrownBy(() -> assertThat(report()).queryWaits().onTable("invoices").atMost(ofMillis(100)))
                .hasMessageContaining("Expecting the application's statements on invoices to have run while the"
                        + " migration ran, but none did");
        assertThatThrownBy(() -> assertThat(LockReport.NONE).queryWaits().atMost(ofMillis(100)))
                .hasMessageContaining("the run was not traced");
    }
}
