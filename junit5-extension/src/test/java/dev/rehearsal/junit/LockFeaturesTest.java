package dev.rehearsal.junit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockLimits;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.locks.StatementTrace;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lock budgets and assertions as users meet them: annotations through the engine, messages of the assertions. */
class LockFeaturesTest {

    private static final String TYPE_CHANGE = "filesystem:../core/src/test/resources/histories/locks-base,"
            + "filesystem:../core/src/test/resources/histories/locks-type-change";

    @TempDir
    static Path reports;

    private static String firstFailure(EngineExecutionResults results) {
        return results.allEvents().failed().stream().findFirst()
                .flatMap(e -> e.getPayload(TestExecutionResult.class)).flatMap(TestExecutionResult::getThrowable)
                .map(Throwable::getMessage).orElse("(no failure)");
    }

    @MigrationTest(migrations = TYPE_CHANGE)
    @Seed(rows = 200)
    @LockBudget(noRisks = true)
    static class RiskyRoundTrip {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = TYPE_CHANGE, allowRisks = {
            "2 column-type-rewrite: accounts is rewritten in the maintenance window",
            "2 no-lock-timeout: nothing else runs in the maintenance window"})
    @Seed(rows = 200)
    @LockBudget(noRisks = true, reads = "30s", writes = "30s", accessExclusive = "30s")
    static class AllowedRiskRoundTrip {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = TYPE_CHANGE)
    @LockBudget(reads = "soon")
    static class BadBudget {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = TYPE_CHANGE)
    @Seed(rows = 200)
    static class RunAssertions {
        @Test
        void rewriteIsSeen(Rehearsal rehearsal) {
            rehearsal.migrateTo("1");
            rehearsal.seed(500);
            MigrationRun run = rehearsal.migrateTo("2");
            assertThat(run).rewrote("accounts").hasRisk("column-type-rewrite").hasRisk("no-lock-timeout")
                    .blockedReadsAtMost(Duration.ofSeconds(30));
            assertThatThrownBy(() -> assertThat(run).hasNoRisks()).hasMessageContaining("[column-type-rewrite]");
            assertThatThrownBy(() -> assertThat(run).tookNo(LockMode.ACCESS_EXCLUSIVE))
                    .hasMessageContaining("V2__widen_score.sql line 1: ALTER TABLE accounts ALTER COLUMN score TYPE bigint took it on accounts");
        }
    }

    @Test
    void budgetWithNoRisksFailsTheUpNamingTheRule() {
        EngineExecutionResults results = EngineRuns.run(reports, RiskyRoundTrip.class);
        assertThat(firstFailure(results))
                .contains("The up of V2 widen score broke the lock budget:")
                .contains("risk [column-type-rewrite] V2__widen_score.sql line 1: ALTER TABLE accounts ALTER COLUMN score TYPE bigint")
                .contains("safer: add a new column of the new type");
    }

    @Test
    void allowedRisksPassWithTheirReason() throws Exception {
        EngineExecutionResults results = EngineRuns.run(reports, AllowedRiskRoundTrip.class);
        results.testEvents().assertStatistics(s -> s.failed(0));
        assertThat(reports.resolve("AllowedRiskRoundTrip.roundTrips.txt")).content()
                .contains("risk [column-type-rewrite, no-lock-timeout] V2__widen_score.sql line 1: ALTER TABLE accounts"
                        + " ALTER COLUMN score TYPE bigint (allowed: column-type-rewrite: accounts is rewritten in the"
                        + " maintenance window; no-lock-timeout: nothing else runs in the maintenance window)");
        JsonNode json = new ObjectMapper()
                .readTree(reports.resolve("AllowedRiskRoundTrip.roundTrips.json").toFile());
        assertThat(json.findValues("rule")).extracting(JsonNode::asText)
                .contains("column-type-rewrite");
        assertThat(json.findValues("rewritten")).extracting(JsonNode::toString)
                .contains("[\"accounts\"]");
    }

    @Test
    void aDurationThatIsNotOneIsExplained() {
        assertThat(firstFailure(EngineRuns.run(reports, BadBudget.class)))
                .contains("@LockBudget(reads) = \"soon\" is not a duration such as 250ms, 2s, 1.5s or 1m");
    }

    @Test
    void runAssertionsOnARealRun() {
        EngineRuns.run(reports, RunAssertions.class).testEvents().assertStatistics(s -> s.failed(0).succeeded(1));
    }

    private static LockReport report() {
        StatementTrace create = new StatementTrace(0, "V5__index.sql", 3, "CREATE INDEX orders_idx ON orders (status)",
                ofMillis(2), ofMillis(400), true, Set.of(), "0", false);
        StatementTrace alter = new StatementTrace(1, "V5__index.sql", 4, "ALTER TABLE orders ALTER COLUMN total TYPE numeric(14, 2)",
                ofMillis(410), ofMillis(300), true, Set.of("orders"), "0", false);
        HeldLock share = new HeldLock("orders", HeldLock.RelationKind.TABLE, LockMode.SHARE, 0, ofMillis(2), ofMillis(700),
                Duration.ZERO, true);
        HeldLock exclusive = new HeldLock("orders", HeldLock.RelationKind.TABLE, LockMode.ACCESS_EXCLUSIVE, 1, ofMillis(410),
                ofMillis(300), Duration.ZERO, true);
        return new LockReport(List.of(create, alter), List.of(share, exclusive), List.of(
                new ProbeResult("orders", ProbeResult.Kind.READ, 40, ofMillis(290), ofMillis(290), 0, null),
                new ProbeResult("orders", ProbeResult.Kind.WRITE, 10, ofMillis(690), ofMillis(700), 0, null)),
                List.of(new LockRisk("non-concurrent-index", create.where(), "orders", "CREATE INDEX holds SHARE",
                        "CREATE INDEX CONCURRENTLY", null)), Optional.empty());
    }

    @Test
    void assertionMessagesNameStatementLockTableAndWait() {
        LockReport r = report();
        assertThat(r).blockedReadsAtMost(ofMillis(300)).blockedWritesAtMost(ofMillis(700)).hasRisk("non-concurrent-index")
                .rewrote("orders");
        assertThatThrownBy(() -> assertThat(r).blockedReadsAtMost(ofMillis(100)))
                .hasMessageContaining("Expecting reads to wait at most 100 ms, but blocked reads on orders for 290 ms (budget 100 ms),"
                        + " behind ACCESS EXCLUSIVE on orders taken by V5__index.sql line 4: ALTER TABLE orders ALTER COLUMN total"
                        + " TYPE numeric(14, 2) and held 300 ms");
        assertThatThrownBy(() -> assertThat(r).blockedWritesAtMost(ofMillis(500)))
                .hasMessageContaining("blocked writes on orders for 690 ms (budget 500 ms), behind SHARE on orders taken by"
                        + " V5__index.sql line 3: CREATE INDEX orders_idx ON orders (status) and held 700 ms");
        assertThatThrownBy(() -> assertThat(r).heldNoAccessExclusiveLongerThan(ofMillis(50)))
                .hasMessageContaining("ACCESS EXCLUSIVE on orders held 300 ms (budget 50 ms), taken by V5__index.sql line 4");
        assertThatThrownBy(() -> assertThat(r).hasNoRisk("non-concurrent-index"))
                .hasMessageContaining("Expecting no risk non-concurrent-index, but:")
                .hasMessageContaining("safer: CREATE INDEX CONCURRENTLY");
        assertThatThrownBy(() -> assertThat(r).didNotRewrite("orders"))
                .hasMessageContaining("V5__index.sql line 4: ALTER TABLE orders ALTER COLUMN total TYPE numeric(14, 2) rewrote it");
        assertThatThrownBy(() -> assertThat(LockReport.NONE).hasNoRisks())
                .hasMessageContaining("the run was not traced");
        assertThat(LockLimits.reads(ofMillis(100)).withWrites(ofMillis(500)).withNoRisks().check(r))
                .hasSize(3);
    }
}
