package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migrations without a down script (most Flyway histories: undo is a paid feature) are rehearsed by restore and
 * re-apply: the state before the up is kept (a transaction rolled back after the up's checks, or a template copy)
 * and brought back after the up, a failure forced at the end of the up there must leave nothing behind, and the up applied again must give the same schema and data. Each test
 * shows a defect that only this catches: a script's own COMMIT, a schema that depends on the clock, random data.
 */
class RestoreAndReapplyTest {

    private static final DataSettings SEEDED = DataSettings.DEFAULTS.withRoundTripSeeding(40);

    private static StepResult step(RoundTripReport report, String prefix) {
        return report.steps().stream().filter(s -> s.migration().startsWith(prefix)).findFirst().orElseThrow();
    }

    private static PhaseResult phase(RoundTripReport report, String prefix, Phase phase) {
        return step(report, prefix).phase(phase).orElseThrow();
    }

    private static RoundTripReport rehearse(String history) {
        try (MigrationRehearsal r = Histories.rehearse(Histories.settings(history).withData(SEEDED))) {
            return r.runRoundTrips();
        }
    }

    @Test
    void aDeterministicAtomicMigrationPassesRestoreAndUpAgainWithItsSequencesSetBack() {
        RoundTripReport report = rehearse("no-undo");
        StepResult v2 = step(report, "V2");
        assertThat(v2.phases()).extracting(PhaseResult::phase).containsExactly(Phase.UP, Phase.RESTORE, Phase.UP_AGAIN);
        assertThat(v2.phases()).extracting(PhaseResult::status).as(report.toText()).containsOnly(Status.PASSED);
        // the forced run took ids from orders_id_seq; without setting it back, up again would number the rows anew
        assertThat(v2.note()).contains("restore: a failure forced at the end of V2 welcome orders left nothing behind");
        assertThat(report.toText()).contains("restore");
    }

    @Test
    void aScriptsOwnCommitMakesTheForcedFailureLeaveChangesBehind() {
        RoundTripReport report = rehearse("no-undo");
        PhaseResult restore = phase(report, "V3", Phase.RESTORE);
        assertThat(restore.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(restore.message())
                .contains("V3 normalize names is not atomic: Rehearsal made it fail at its very end")
                .contains("(PARTIAL):")
                .contains("data customers.name:")
                .contains("V3__normalize_names.sql line 2 (commit) controls the transaction itself")
                .contains("Remove BEGIN, COMMIT and ROLLBACK from V3__normalize_names.sql");
        assertThat(phase(report, "V3", Phase.UP_AGAIN).status()).isEqualTo(Status.SKIPPED);
        // the next step starts on a rebuilt database, and still runs
        assertThat(step(report, "V4").note()).contains("rebuilt a fresh database at V3");
    }

    /** The same script, which commits half-way, as the first migration of a history and as the second. */
    @Test
    void theFirstMigrationIsCheckedForAtomicityAsEveryOther() {
        for (String history : List.of("non-atomic-first", "non-atomic-second")) {
            RoundTripReport report = rehearse(history);
            String version = history.endsWith("first") ? "V1" : "V2";
            PhaseResult restore = phase(report, version, Phase.RESTORE);
            assertThat(restore.status()).as(history + "\n" + report.toText()).isEqualTo(Status.FAILED);
            assertThat(restore.message())
                    .contains(version + " accounts is not atomic: Rehearsal made it fail at its very end")
                    .contains("+ table accounts")
                    .contains(version + "__accounts.sql line 6 (COMMIT) controls the transaction itself");
            assertThat(step(report, version).note()).doesNotContain("ran outside a transaction");
        }
    }

    @Test
    void aSchemaThatDependsOnTheClockIsNotReproducedOnTheRestoredCopy() {
        RoundTripReport report = rehearse("no-undo");
        assertThat(phase(report, "V4", Phase.RESTORE).status()).as(report.toText()).isEqualTo(Status.PASSED);
        PhaseResult again = phase(report, "V4", Phase.UP_AGAIN);
        assertThat(again.status()).isEqualTo(Status.FAILED);
        assertThat(again.message())
                .contains("Applying V4 snapshot table again to the database as it was before its first up gave a"
                        + " different schema")
                .contains("table snapshot_")
                .contains("it is not deterministic");
    }

    @Test
    void randomDataIsNotReproducedOnTheRestoredCopy() {
        RoundTripReport report = rehearse("no-undo");
        PhaseResult again = phase(report, "V5", Phase.UP_AGAIN);
        assertThat(again.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(again.message())
                .contains("Applied again to the database as it was before its first up, V5 customer tokens did not"
                        + " reproduce the data of the first up")
                .contains("customers.token");
    }

    @Test
    void statementsThatRanOutsideATransactionAreNotForcedAndSaySo() {
        try (MigrationRehearsal r = Histories.rehearse(Histories.settings("atomicity-dbmate")
                .withMissingDown(RehearsalSettings.MissingDown.RESTORE))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            // every dbmate migration there has a down section: restore is only for migrations without one
            assertThat(report.steps()).allSatisfy(s -> assertThat(s.phase(Phase.RESTORE)).isEmpty());
        }
        RoundTripReport report = rehearse("restore-outside-transaction");
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(step(report, "V2").note()).contains("restore: no failure forced at the end of V2 email index:"
                + " its statements ran outside a transaction, each committed by itself, and one statement is applied"
                + " whole or not at all");
        assertThat(phase(report, "V2", Phase.UP_AGAIN).status()).isEqualTo(Status.PASSED);
    }

    /**
     * A provider whose databases cannot be copied (one a user wrote): a migration the tool runs in one transaction is
     * still restored, by rolling it back; one with a statement outside a transaction gets no restore and no up again,
     * and says why.
     */
    @Test
    void withoutACopyATransactionalUpIsRestoredByRollbackAndAnotherIsSkippedSayingWhy(@TempDir Path concurrently) {
        DatabaseProvider embedded = DatabaseProviders.embeddedPostgres();
        DatabaseProvider noCopies = new WrappedProvider(embedded, dataSource -> dataSource);
        try (MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("irreversible"), noCopies,
                getClass().getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(phase(report, "V3", Phase.RESTORE).status()).isEqualTo(Status.PASSED);
            assertThat(phase(report, "V3", Phase.UP_AGAIN).status()).isEqualTo(Status.PASSED);
        }
        // a statement that must run outside a transaction needs the copy the provider cannot make
        RehearsalSettings outside = Histories.derived(concurrently, "histories/irreversible", List.of("V1__create_customers.sql",
                "U1__create_customers.sql", "V2__create_orders.sql", "U2__create_orders.sql", "V3__drop_legacy.sql"),
                Map.of("alter table customers drop column name;", "create index concurrently customers_name_idx on customers (name);"),
                null);
        try (MigrationRehearsal r = MigrationRehearsal.start(outside, noCopies, getClass().getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            PhaseResult restore = phase(report, "V3", Phase.RESTORE);
            assertThat(restore.status()).isEqualTo(Status.SKIPPED);
            assertThat(restore.message()).startsWith("V3 drop legacy has no down script, and the database rehearsal_")
                    .contains("cannot be copied").contains("Add a down script (U3__drop_legacy.sql)");
            assertThat(phase(report, "V3", Phase.UP_AGAIN).message()).startsWith("not run: V3 drop legacy has no down");
        }
    }

    @Test
    void declaredIrreversibleMigrationsAreStillSkipped() {
        try (MigrationRehearsal r = Histories.rehearse(Histories.settings("no-undo").allowIrreversible("2", "3", "4", "5"))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(phase(report, "V3", Phase.DOWN).status()).isEqualTo(Status.SKIPPED);
            assertThat(phase(report, "V3", Phase.DOWN).message()).isEqualTo("irreversible, declared irreversible");
        }
    }

    @Test
    void theCopiesAreDroppedAndTheToolsHistoryIsAsFlywayLeavesIt() {
        try (MigrationRehearsal r = Histories.rehearse(Histories.settings("irreversible").withData(SEEDED))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(r.query("select version, success from flyway_schema_history order by installed_rank").rows())
                    .containsExactly(List.of("1", true), List.of("2", true), List.of("3", true));
            assertThat(r.query("select count(*) from customers").singleValue()).hasValue(40L);
        }
    }
}
