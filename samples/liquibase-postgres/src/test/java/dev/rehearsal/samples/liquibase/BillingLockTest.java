package dev.rehearsal.samples.liquibase;

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
 * Indexing subscriptions by plan, two ways, over 200,000 generated subscriptions while probe traffic reads and
 * writes them. Liquibase's {@code createIndex} builds the index under SHARE, so no subscription can be written until
 * it is done; a {@code CREATE INDEX CONCURRENTLY} in a changeset with {@code runInTransaction="false"} blocks
 * nothing. The assertions are facts of the trace and a budget the unsafe changeset breaks by far, so they hold on a
 * slow machine too.
 */
class BillingLockTest {

    static final Duration BUDGET = ofMillis(50);

    static MigrationRun addPlanIndexOnABusyTable(Rehearsal rehearsal) {
        rehearsal.migrateTo("009-plan-price-rename");
        rehearsal.seed(table("subscriptions").rows(200_000));
        return rehearsal.migrateTo("010-subscriptions-plan-index");
    }

    @Nested
    @MigrationTest(migrations = "classpath:db/examples/index-unsafe.xml")
    class Unsafe {
        @Test
        void createIndexBlocksWritesToSubscriptions(Rehearsal rehearsal) {
            MigrationRun run = addPlanIndexOnABusyTable(rehearsal);
            assertThat(run).hasRisk("non-concurrent-index").blockedWritesOn("subscriptions").blockedNoReads();
            assertThatThrownBy(() -> assertThat(run).blockedWritesAtMost(BUDGET))
                    .hasMessageContaining("blocked writes on subscriptions for")
                    .hasMessageContaining("behind SHARE on subscriptions taken by");
        }
    }

    @Nested
    @MigrationTest(migrations = "classpath:db/examples/index-safe.xml")
    class Safe {
        @Test
        void concurrentIndexKeepsWritesFlowing(Rehearsal rehearsal) {
            MigrationRun run = addPlanIndexOnABusyTable(rehearsal);
            assertThat(run).blockedNoWrites().blockedNoReads().tookNo(LockMode.SHARE).hasNoRisk("non-concurrent-index");
        }
    }
}
