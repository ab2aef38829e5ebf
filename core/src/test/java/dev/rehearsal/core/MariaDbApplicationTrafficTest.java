package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.locks.QueryWaits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's statements as traffic on the machine's MariaDB (golang-migrate layout): a backfill that updates
 * every row of a busy table in one transaction kept open two seconds holds every row lock, so the application's write
 * on that table waits and fails {@code rehearsal.queries.max-wait}, named with its wait, while its read goes on (InnoDB
 * reads the last committed rows); the same backfill in batches that commit at once passes; a rename and its reverse,
 * each committed by itself, break the running version's read while the migration runs though not after it; the
 * statement on a table no migration touches is never played.
 */
class MariaDbApplicationTrafficTest {

    private static final String WRITE = "UPDATE accounts SET score = ? WHERE id = ?";
    private static final String READ = "SELECT id, email, score FROM accounts WHERE id = ?";
    private static final String OTHER = "SELECT id, body FROM notes WHERE id = ?";

    @Test
    void aBackfillInOneLongTransactionFailsTheBudgetNamingTheApplicationsWriteAndBatchesPass(@TempDir Path root)
            throws Exception {
        Path dir = Files.createDirectories(root.resolve("migrations"));
        Files.writeString(dir.resolve("000001_accounts.up.sql"), """
                CREATE TABLE accounts (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(120) NOT NULL,
                    score INT NOT NULL);
                INSERT INTO accounts (email, score) SELECT CONCAT('user', seq, '@example.com'), seq % 1000
                    FROM seq_1_to_20000;
                CREATE TABLE notes (id BIGINT AUTO_INCREMENT PRIMARY KEY, body TEXT NOT NULL);
                """);
        Files.writeString(dir.resolve("000001_accounts.down.sql"), "DROP TABLE notes;\nDROP TABLE accounts;\n");
        Files.writeString(dir.resolve("000002_backfill_score.up.sql"), """
                START TRANSACTION;
                UPDATE accounts SET score = score + 1;
                DO SLEEP(2);
                COMMIT;
                """);
        Files.writeString(dir.resolve("000002_backfill_score.down.sql"), "UPDATE accounts SET score = score - 1;\n");
        Files.writeString(dir.resolve("000003_backfill_batched.up.sql"), """
                UPDATE accounts SET score = score + 1 WHERE id <= 10000;
                UPDATE accounts SET score = score + 1 WHERE id > 10000;
                """);
        Files.writeString(dir.resolve("000003_backfill_batched.down.sql"), """
                UPDATE accounts SET score = score - 1 WHERE id <= 10000;
                UPDATE accounts SET score = score - 1 WHERE id > 10000;
                """);
        // a rename and its reverse, each committing by itself (MariaDB commits every DDL statement): for a second the
        // running version's read names a column that is not there, then it works again
        Files.writeString(dir.resolve("000004_rename_and_back.up.sql"), """
                ALTER TABLE accounts RENAME COLUMN score TO points;
                DO SLEEP(1);
                ALTER TABLE accounts RENAME COLUMN points TO score;
                """);
        Files.writeString(dir.resolve("000004_rename_and_back.down.sql"), "DO 0;\n");
        Path queries = Files.writeString(root.resolve("queries.sql"), WRITE + ";\n" + READ + ";\n" + OTHER + ";\n");

        DatabaseProvider server = DatabaseProviders.server(MariaDbTest.URL, "root", "");
        RoundTripReport report;
        try (server; MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + dir)
                .withQueries(ApplicationQueries.of(queries).withMaxWait(Duration.ofSeconds(1))), server,
                getClass().getClassLoader())) {
            report = r.runRoundTrips();
        }

        PhaseResult longTransaction = report.steps().get(1).phase(PhaseResult.Phase.UP).orElseThrow();
        assertThat(longTransaction.status()).as(report.toText()).isEqualTo(PhaseResult.Status.FAILED);
        assertThat(longTransaction.message()).contains("waiting longer than its budget (rehearsal.queries.max-wait)")
                .contains("queries.sql:1: " + WRITE + " (writes on accounts) waited").contains("(budget 1000 ms)");
        QueryWaits write = find(longTransaction, WRITE);
        QueryWaits read = find(longTransaction, READ);
        assertThat(write.kind()).isEqualTo(ProbeResult.Kind.WRITE);
        assertThat(write.longestWait()).isGreaterThan(Duration.ofSeconds(1));
        assertThat(read.longestWait()).as("reads see the last committed rows").isLessThan(write.longestWait());

        PhaseResult batches = report.steps().get(2).phase(PhaseResult.Phase.UP).orElseThrow();
        assertThat(batches.status()).as(report.toText()).isEqualTo(PhaseResult.Status.PASSED);
        assertThat(batches.locks().queries()).extracting(QueryWaits::query).contains(WRITE, READ);

        // expand and contract, during: the read fails while the up runs and works after it, a break only traffic sees
        LockRisk during = report.steps().get(3).phases().stream()
                .flatMap(p -> p.locks().risks().stream()).filter(k -> k.rule().equals("breaks-running-app"))
                .findFirst().orElseThrow(() -> new AssertionError(report.toText()));
        assertThat(during.reason()).startsWith("while the up ran, ")
                .contains("queries.sql:2: " + READ + " failed").contains("Unknown column 'score'");
        assertThat(during.statement()).isEqualTo("000004_rename_and_back.up.sql");

        // notes is touched only by the first migration (created, and dropped by its down): the later ones never play
        // its statement
        assertThat(report.steps().subList(1, 4)).flatExtracting(StepResult::phases)
                .flatExtracting(p -> p.locks().queries()).extracting(QueryWaits::query).doesNotContain(OTHER);
    }

    private static QueryWaits find(PhaseResult phase, String query) {
        return phase.locks().queries().stream().filter(q -> q.query().equals(query)).findFirst()
                .orElseThrow(() -> new AssertionError(phase.locks().toText()));
    }
}
