package dev.rehearsal.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.StatementTrace;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scripts that are not atomic although their tool runs migrations in a transaction: their own BEGIN and COMMIT
 * inside Flyway's transaction, a statement that cannot run in a transaction, dbmate's {@code transaction:false}.
 * The risk names the line; a failure half-way names the cause on PostgreSQL; the server's warnings reach the report.
 */
class AtomicityTest {

    private static PhaseResult phase(RoundTripReport report, String migrationPrefix, Phase phase) {
        return report.steps().stream().filter(s -> s.migration().startsWith(migrationPrefix)).findFirst()
                .flatMap(s -> s.phase(phase)).orElseThrow();
    }

    private static List<LockRisk> nonAtomic(PhaseResult phase) {
        return phase.locks().risks().stream().filter(r -> r.rule().equals("non-atomic-script")).toList();
    }

    @Test
    void aScriptsOwnBeginAndCommitInsideFlywaysTransactionIsARiskAndTheServersWarningIsReported() throws Exception {
        try (MigrationRehearsal r = Histories.rehearse("atomicity-own-commit")) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            PhaseResult up = phase(report, "V2", Phase.UP);
            assertThat(nonAtomic(up)).singleElement().satisfies(risk -> {
                assertThat(risk.statement()).startsWith("V2__audit.sql line 2: BEGIN");
                assertThat(risk.reason()).contains("starts a transaction inside the one the migration tool opened")
                        .contains("left half done");
                assertThat(risk.alternative()).contains("remove BEGIN, COMMIT and ROLLBACK");
            });
            StatementTrace begin = up.locks().statements().stream().filter(s -> s.summary().equals("BEGIN"))
                    .findFirst().orElseThrow();
            assertThat(begin.warnings()).singleElement().asString()
                    .isEqualTo("25001: there is already a transaction in progress");
            assertThat(report.toText())
                    .contains("risk [non-atomic-script] V2__audit.sql line 2: BEGIN")
                    .contains("server up: V2__audit.sql line 2: BEGIN  <- 25001: there is already a transaction in progress");
            assertThat(new ObjectMapper().readTree(report.toJson()).findValues("warnings"))
                    .extracting(Object::toString).contains("[\"25001: there is already a transaction in progress\"]");
            assertThat(nonAtomic(phase(report, "V1", Phase.UP))).isEmpty();
        }
    }

    @Test
    void aFailureAfterTheScriptsOwnCommitNamesThatLineNotTheEngine() {
        try (MigrationRehearsal r = Histories.rehearse("atomicity-own-commit-fails")) {
            PhaseResult up = phase(r.runRoundTrips(), "V2", Phase.UP);
            assertThat(up.status()).isEqualTo(Status.FAILED);
            assertThat(up.message())
                    .contains("V2__audit.sql").contains("no_such_table")
                    .contains("It failed half-way and left these changes behind (PARTIAL):")
                    .contains("+ table audit")
                    .contains("They stayed because V2__audit.sql line 1 (BEGIN) controls the transaction itself")
                    .contains("Remove BEGIN, COMMIT and ROLLBACK from V2__audit.sql")
                    .doesNotContain("implicit commit");
        }
    }

    @Test
    void statementsRunWithoutATransactionAreARiskNamingTheStatementThatForcedIt() {
        try (MigrationRehearsal r = Histories.rehearse("atomicity-dbmate")) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            // each of them, stopped part-way, meets what it left when retried: reported (none is judged here)
            assertThat(phase(report, "20240102120000", Phase.RETRY).locks().risks()).singleElement()
                    .satisfies(risk -> assertThat(risk.reason()).contains("left column customers.email"));
            assertThat(phase(report, "20240104120000", Phase.RETRY).locks().risks()).singleElement()
                    .satisfies(risk -> assertThat(risk.reason()).contains("left index customers_name_idx INVALID")
                            .contains("42P07"));
            assertThat(report.toText()).contains("risk in the retry [not-retry-safe] 20240104120000_single.sql line 2:"
                    + " CREATE INDEX CONCURRENTLY customers_name_idx ON customers (name)");
            assertThat(nonAtomic(phase(report, "20240102120000", Phase.UP))).singleElement().satisfies(risk -> {
                assertThat(risk.statement()).contains("20240102120000_index_and_column.sql line 3: CREATE INDEX CONCURRENTLY");
                assertThat(risk.reason()).contains("cannot run inside a transaction, so the tool ran all 2 statements");
                assertThat(risk.alternative()).contains("into a migration of its own");
            });
            assertThat(nonAtomic(phase(report, "20240103120000", Phase.UP))).singleElement().satisfies(risk ->
                    assertThat(risk.reason()).contains("ran without a transaction (the tool was told not to open one)"));
            assertThat(nonAtomic(phase(report, "20240104120000", Phase.UP))).as("one statement is atomic").isEmpty();
            assertThat(nonAtomic(phase(report, "20240101120000", Phase.UP))).as("run in dbmate's transaction").isEmpty();
        }
    }
}
