package dev.rehearsal.core.internal.tools.flyway;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flyway's warnings are kept for the report, except the server's notices it logs as warnings ({@code IF NOT EXISTS}'s
 * {@code ..., skipping}): the phase's trace counts those with the others.
 */
class FlywayLogTest {

    @Test
    void theServersNoticesAreLeftToTheTraceAndItsWarningsAreKept() {
        List<String> kept = new ArrayList<>();
        FlywayLog.capture(kept, () -> {
            var log = new FlywayLog().createLogger(FlywayLogTest.class);
            log.warn("DB: relation \"accounts\" already exists, skipping (SQL State: 42P07 - Error Code: 0)");
            log.warn("DB: there is already a transaction in progress (SQL State: 25001 - Error Code: 0)");
            log.warn("Schema \"public\" has a version (3) that is newer than the latest available migration (2) !");
            return null;
        });
        assertThat(kept).containsExactly(
                "Flyway WARN: DB: there is already a transaction in progress (SQL State: 25001 - Error Code: 0)",
                "Flyway WARN: Schema \"public\" has a version (3) that is newer than the latest available migration (2) !");
    }
}
