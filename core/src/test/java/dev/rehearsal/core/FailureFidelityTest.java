package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.data.DataSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rehearsal fails where production fails and carries on where production would: a down that fails over seeded rows
 * does not stop the history, a deferred foreign key a migration breaks fails its up as COMMIT fails it, and a step
 * that cannot run because an earlier one failed says so instead of failing on its own.
 */
class FailureFidelityTest {

    @Test
    void aSeededRunRehearsesEveryMigrationAfterADownThatFailsOverItsRows() {
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("classpath:histories/narrowing-down")
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(50)))) {
            RoundTripReport report = r.runRoundTrips();
            StepResult widen = report.steps().get(1);
            PhaseResult down = widen.phase(Phase.DOWN).orElseThrow();
            assertThat(down.status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(down.message()).contains("22001").contains("INSERT INTO notes");
            assertThat(widen.phase(Phase.UP_AGAIN).orElseThrow().status()).isEqualTo(Status.SKIPPED);
            // the down rolled back: the later migrations go on from that database, golang-migrate's dirty version
            // cleared as force would, over the rows every earlier migration went through; no artefact failure from
            // the version table's dirty flag
            assertThat(widen.note()).contains("the failed down rolled back cleanly: the next step goes on from the"
                    + " database as the tool left it");
            for (StepResult later : report.steps().subList(2, 4)) {
                assertThat(later.status()).as(report.toText()).isEqualTo(Status.PASSED);
                assertThat(later.rows()).isGreaterThanOrEqualTo(50);
                assertThat(later.note() == null ? "" : later.note()).doesNotContain("rebuilt");
            }
        }
    }

    @Test
    void withoutSeedingTheSameHistoryFailsOnlyWhereItFails() {
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("classpath:histories/narrowing-down"))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.steps()).extracting(StepResult::status).as(report.toText())
                    .containsExactly(Status.PASSED, Status.PASSED, Status.PASSED, Status.PASSED);
        }
    }

    /**
     * A changeset without a rollback is rehearsed in a held transaction whose commits are savepoints; its commit still
     * checks the deferred foreign key it breaks, so its up fails with the server's 23503 as production's COMMIT does,
     * and the next changeset is reported as not run because of it, not as failed.
     */
    @Test
    void aDeferredForeignKeyAMigrationBreaksFailsItsUpAtCommit(@TempDir Path dir) throws IOException {
        Path changelog = Files.writeString(dir.resolve("changelog.sql"), """
                --liquibase formatted sql

                --changeset ann:1
                create table parents (id int primary key);
                create table children (id int primary key,
                    parent_id int not null constraint children_parent_fk references parents deferrable initially deferred);
                insert into parents values (1), (2);
                insert into children values (1, 1);
                --rollback drop table children; drop table parents;

                --changeset ann:2
                delete from parents where id = 1;

                --changeset ann:3
                create table audit (id int primary key);
                --rollback drop table audit;
                """);
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + changelog))) {
            RoundTripReport report = r.runRoundTrips();
            PhaseResult up = report.steps().get(1).phase(Phase.UP).orElseThrow();
            assertThat(up.status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(up.message()).contains("23503").contains("children_parent_fk")
                    .doesNotContain("session_replication_role");
            PhaseResult next = report.steps().get(2).phase(Phase.UP).orElseThrow();
            assertThat(next.status()).isEqualTo(Status.SKIPPED);
            assertThat(next.message()).startsWith("not run: ").contains("changelog.sql::2::ann failed");
            // the deferred constraints are as a new transaction has them: the rows the first changeset made stay
            assertThat(r.query("select count(*) from children").singleValue()).hasValue(1L);
        }
    }

    /** The same changeset keeping the key intact commits, and is rehearsed whole by the held transaction. */
    @Test
    void aDeferredForeignKeyKeptIntactCommits(@TempDir Path dir) throws IOException {
        Path changelog = Files.writeString(dir.resolve("changelog.sql"), """
                --liquibase formatted sql

                --changeset ann:1
                create table parents (id int primary key);
                create table children (id int primary key,
                    parent_id int not null constraint children_parent_fk references parents deferrable initially deferred);
                insert into parents values (1);
                --rollback drop table children; drop table parents;

                --changeset ann:2
                insert into children values (1, 2);
                insert into parents values (2);
                """);
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + changelog))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps().get(1).phase(Phase.RESTORE).orElseThrow().status()).isEqualTo(Status.PASSED);
        }
    }
}
