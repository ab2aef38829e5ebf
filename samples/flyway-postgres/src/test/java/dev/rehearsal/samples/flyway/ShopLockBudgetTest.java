package dev.rehearsal.samples.flyway;

import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.rehearsal.core.data.TableSeed.table;
import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two ways to add an index and a NOT NULL column to a busy orders table, rehearsed over 300,000 generated orders
 * while probe traffic reads and writes them. The safe migrations take no lock that blocks writes and rewrite
 * nothing; the unsafe ones block writes for most of their run, and the risk rules say why and what to do instead.
 * <p>
 * The assertions are facts of the trace (which lock, on which table, a rewrite or not) and budgets the unsafe
 * migrations break by far: a machine five times slower makes the unsafe ones block longer, never shorter, so these
 * tests hold on a busy CI machine too. A tight time budget belongs in a benchmark, not in a test.
 */
class ShopLockBudgetTest {

    /** What the unsafe migrations break: they block for the whole index build or rewrite of 300,000 rows. */
    static final Duration BUDGET = ofMillis(50);

    /** A catalog-only change holds ACCESS EXCLUSIVE for a few milliseconds; this leaves room for a slow machine. */
    static final Duration CATALOG_ONLY = ofMillis(1_000);

    static void busyShopAtV12(Rehearsal rehearsal) {
        rehearsal.migrateTo("12");
        rehearsal.seed(table("orders").rows(300_000));
    }

    @Nested
    @MigrationTest(migrations = "classpath:db/migration,classpath:db/lock-examples/safe")
    class Safe {
        @Test
        void concurrentIndexKeepsWritesFlowing(Rehearsal rehearsal) {
            busyShopAtV12(rehearsal);
            MigrationRun run = rehearsal.migrateTo("13");
            assertThat(run).blockedNoWrites().blockedNoReads().tookNo(LockMode.SHARE).hasNoRisk("non-concurrent-index");
        }

        @Test
        void notNullColumnWithAConstantDefaultIsInstant(Rehearsal rehearsal) {
            busyShopAtV12(rehearsal);
            rehearsal.migrateTo("13");
            MigrationRun run = rehearsal.migrateTo("14");
            assertThat(run).didNotRewrite("orders").hasNoRisks().heldNoAccessExclusiveLongerThan(CATALOG_ONLY);
        }
    }

    @Nested
    @MigrationTest(migrations = "classpath:db/migration,classpath:db/lock-examples/unsafe")
    class Unsafe {
        @Test
        void plainIndexBlocksWrites(Rehearsal rehearsal) {
            busyShopAtV12(rehearsal);
            MigrationRun run = rehearsal.migrateTo("13");
            assertThat(run).hasRisk("non-concurrent-index").blockedWritesOn("orders").blockedNoReads();
            assertThatThrownBy(() -> assertThat(run).blockedWritesAtMost(BUDGET))
                    .hasMessageContaining("blocked writes on orders for")
                    .hasMessageContaining("behind SHARE on orders taken by V13__index_orders_created_at.sql line 2: CREATE INDEX");
        }

        @Test
        void backfillAndSetNotNullInOneTransactionBlocksEverything(Rehearsal rehearsal) {
            busyShopAtV12(rehearsal);
            rehearsal.migrateTo("13");
            MigrationRun run = rehearsal.migrateTo("14");
            assertThat(run).hasRisk("exclusive-held-across-statements").hasRisk("set-not-null").hasRisk("no-lock-timeout");
            assertThatThrownBy(() -> assertThat(run).blockedReadsAtMost(BUDGET))
                    .hasMessageContaining("blocked reads on orders for")
                    .hasMessageContaining("behind ACCESS EXCLUSIVE on orders taken by V14__add_order_channel.sql line 3: ALTER TABLE orders ADD COLUMN channel text");
            assertThatThrownBy(() -> assertThat(run).heldNoAccessExclusiveLongerThan(BUDGET))
                    .hasMessageContaining("ACCESS EXCLUSIVE on orders held");
        }
    }
}
