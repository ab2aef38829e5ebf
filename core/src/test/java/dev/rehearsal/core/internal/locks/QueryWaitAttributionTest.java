package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.ProbeResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;

/** Which of the migration's locks an application statement's wait is placed behind, if any. */
class QueryWaitAttributionTest {

    private static TrafficStatement on(String table, ProbeResult.Kind kind) {
        return new TrafficStatement("q", "queries.sql:1", "q", List.of(), true, table, kind, 1, Duration.ZERO);
    }

    private static HeldLock lock(String table, LockMode mode, int statement, long from, long held) {
        return new HeldLock(table, HeldLock.RelationKind.TABLE, mode, statement, ofMillis(from), ofMillis(held),
                Duration.ZERO, true);
    }

    @Test
    void aWaitGoesBehindTheConflictingLockHeldWhileItWaitedTheStrongestOfTwoHeldTogether() {
        List<HeldLock> locks = List.of(lock("orders", LockMode.SHARE, 0, 10, 500),
                lock("orders", LockMode.ACCESS_EXCLUSIVE, 0, 10, 500), lock("customers", LockMode.ACCESS_EXCLUSIVE, 1, 10, 500));
        assertThat(QueryWaitAttribution.behind(on("orders", ProbeResult.Kind.WRITE), ofMillis(20), ofMillis(400), locks,
                Engine.POSTGRES)).hasValueSatisfying(l -> assertThat(l.mode()).isEqualTo(LockMode.ACCESS_EXCLUSIVE));
        // a read does not conflict with SHARE: only the ACCESS EXCLUSIVE on its own table can hold it up
        assertThat(QueryWaitAttribution.behind(on("orders", ProbeResult.Kind.READ), ofMillis(20), ofMillis(400),
                List.of(locks.get(0)), Engine.POSTGRES)).isEmpty();
    }

    @Test
    void aWaitOutsideEveryLocksTimeIsPlacedNowhere() {
        List<HeldLock> locks = List.of(lock("orders", LockMode.ACCESS_EXCLUSIVE, 0, 10, 100));
        assertThat(QueryWaitAttribution.behind(on("orders", ProbeResult.Kind.READ), ofMillis(300), ofMillis(50), locks,
                Engine.POSTGRES)).isEmpty();
    }

    @Test
    void onMariaDbALockingReadWaitsWhereAWriteWaits() {
        // SELECT ... FOR UPDATE takes SHARED_WRITE there, traced as ROW EXCLUSIVE: SHARE (SHARED_NO_WRITE) holds it up
        List<HeldLock> locks = List.of(lock("accounts", LockMode.SHARE, 0, 0, 300));
        assertThat(QueryWaitAttribution.behind(on("accounts", ProbeResult.Kind.LOCKING_READ), ofMillis(10),
                ofMillis(200), locks, Engine.MARIADB)).isPresent();
        assertThat(QueryWaitAttribution.behind(on("accounts", ProbeResult.Kind.LOCKING_READ), ofMillis(10),
                ofMillis(200), locks, Engine.POSTGRES)).isEmpty();
    }
}
