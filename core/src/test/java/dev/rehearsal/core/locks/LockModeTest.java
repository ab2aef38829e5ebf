package dev.rehearsal.core.locks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code pg_locks.mode} values read back as the modes they name, and nothing else does. */
class LockModeTest {

    @Test
    void everyModeReadsBackFromItsPostgresName() {
        for (LockMode mode : LockMode.values()) {
            assertThat(LockMode.fromPgName(mode.pgName())).isSameAs(mode);
        }
        assertThat(LockMode.fromPgName("ShareRowExclusiveLock")).isSameAs(LockMode.SHARE_ROW_EXCLUSIVE);
    }

    @Test
    void anUnknownNameIsRefusedByName() {
        assertThatThrownBy(() -> LockMode.fromPgName("SIReadLock")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIReadLock");
    }
}
