package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.locks.StatementTrace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A statement that fails outside a transaction ({@code CREATE UNIQUE INDEX CONCURRENTLY} over duplicate rows) is the
 * last statement of its phase's trace: what Rehearsal sends after it to end the session's transaction is its own,
 * and not listed as the migration's.
 */
class FailedStatementTraceTest {

    @Test
    void rehearsalsOwnRollbackAfterAFailedConcurrentIndexIsNotAMigrationStatement(@TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("1_accounts.up.sql"), """
                CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL);
                INSERT INTO accounts VALUES (1, 'a@example.com'), (2, 'a@example.com');
                """);
        Files.writeString(dir.resolve("1_accounts.down.sql"), "DROP TABLE accounts;\n");
        Files.writeString(dir.resolve("2_unique_emails.up.sql"),
                "CREATE UNIQUE INDEX CONCURRENTLY accounts_email ON accounts (email);\n");
        Files.writeString(dir.resolve("2_unique_emails.down.sql"),
                "DROP INDEX CONCURRENTLY IF EXISTS accounts_email;\n");

        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + dir))) {
            RoundTripReport report = r.runRoundTrips();

            PhaseResult up = report.steps().get(1).phase(Phase.UP).orElseThrow();
            assertThat(up.status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(up.message()).contains("23505");
            assertThat(up.locks().statements()).as(report.toText()).extracting(StatementTrace::sql)
                    .containsExactly("CREATE UNIQUE INDEX CONCURRENTLY accounts_email ON accounts (email)");
        }
    }
}
