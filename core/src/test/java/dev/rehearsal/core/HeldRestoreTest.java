package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Liquibase changesets of raw SQL without a rollback, on PostgreSQL: each is rehearsed inside a transaction that its
 * restore rolls back (Liquibase's commits made savepoints), not on a copy of the database. What the copy caught is
 * still caught: data the second up does not reproduce, an up that fails; the sequences the first up moved are set
 * back, so the second up makes the same rows; a check whose query fails inside the held transaction leaves it usable.
 */
class HeldRestoreTest {

    private static final DataSettings SEEDED = DataSettings.DEFAULTS.withRoundTripSeeding(20);

    @Test
    void changesetsWithoutARollbackAreRestoredByRollingBackNotByCopies(@TempDir Path dir) throws IOException {
        Path changelog = changelog(dir, """
                --changeset ann:1
                create table accounts (id serial primary key, email text not null);

                --changeset ann:2
                insert into accounts (email) select 'user' || g || '@example.com' from generate_series(1, 5) g;

                --changeset ann:3
                alter table accounts add column status text not null default 'open';
                create index accounts_status on accounts (status);
                """);
        ComponentRecording recording = ComponentRecording.start();
        RoundTripReport report;
        Map<String, ComponentRecording.Total> components;
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + changelog).withData(SEEDED))) {
            report = r.runRoundTrips();
            assertThat(r.query("select count(*) from databasechangelog").singleValue()).hasValue(3L);
            assertThat(r.query("select locked from databasechangeloglock").singleValue()).hasValue(false);
        } finally {
            components = recording.stop();
        }
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(report.steps()).allSatisfy(s -> assertThat(s.phase(Phase.RESTORE)).as(report.toText())
                .hasValueSatisfying(p -> assertThat(p.status()).isEqualTo(Status.PASSED)));
        assertThat(components.get("restore.hold")).as("restores by rollback").isNotNull()
                .extracting(ComponentRecording.Total::calls).isEqualTo(3L);
        assertThat(components).as("no database copied").doesNotContainKey("restore.keep");
        assertThat(report.steps().get(2).note()).contains("generated undo verified");
    }

    /** The rows the up makes from a sequence get the same ids the second time: the rollback set the sequence back. */
    @Test
    void theSequencesTheUpMovedAreSetBackBeforeItRunsAgain(@TempDir Path dir) throws IOException {
        Path changelog = changelog(dir, """
                --changeset ann:1
                create table tickets (id serial primary key, code text not null);
                --rollback drop table tickets;

                --changeset ann:2
                insert into tickets (code) select 'T' || g from generate_series(1, 5) g;
                """);
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + changelog))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            // 6 to 10 had the sequence kept what the first up took
            assertThat(r.query("select string_agg(id::text, ',' order by id) from tickets").singleValue())
                    .hasValue("1,2,3,4,5");
        }
    }

    @Test
    void dataTheSecondUpDoesNotReproduceIsStillCaught(@TempDir Path dir) throws IOException {
        Path changelog = changelog(dir, """
                --changeset ann:1
                create table tokens (id int primary key, token text not null);

                --changeset ann:2
                insert into tokens select g, md5(random()::text) from generate_series(1, 3) g;
                """);
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + changelog))) {
            RoundTripReport report = r.runRoundTrips();
            PhaseResult again = report.steps().get(1).phase(Phase.UP_AGAIN).orElseThrow();
            assertThat(again.status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(again.message()).contains("did not reproduce the data of the first up").contains("tokens");
            assertThat(report.steps().get(1).phase(Phase.RESTORE).orElseThrow().status()).isEqualTo(Status.PASSED);
        }
    }

    @Test
    void aFailingChangesetIsNamedAndLeavesNothingBehind(@TempDir Path dir) throws IOException {
        Path changelog = changelog(dir, """
                --changeset ann:1
                create table accounts (id int primary key);

                --changeset ann:2
                alter table accounts add column email text;
                alter table account add column phone text;

                --changeset ann:3
                create table audit (id int primary key);
                """);
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + changelog))) {
            RoundTripReport report = r.runRoundTrips();
            PhaseResult up = report.steps().get(1).phase(Phase.UP).orElseThrow();
            assertThat(up.status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(up.message()).contains("changelog.sql::2::ann").contains("42P01").contains("alter table account add column phone");
            assertThat(report.steps().get(2).phase(Phase.UP).orElseThrow().status()).isEqualTo(Status.SKIPPED);
            // the changeset's first statement went with its transaction, and Liquibase released its lock
            assertThat(r.schema().column("accounts", "email")).isEmpty();
            assertThat(r.query("select id from databasechangelog").rows()).containsExactly(List.of("1"));
            assertThat(r.query("select locked from databasechangeloglock").singleValue()).hasValue(false);
        }
    }

    @Test
    void aCheckWhoseQueryFailsInsideTheHeldTransactionLeavesItUsable(@TempDir Path dir) throws IOException {
        Path changelog = changelog(dir, """
                --changeset ann:1
                create table accounts (id int primary key, email text, phone text);

                --changeset ann:2
                alter table accounts drop column phone;
                """);
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + changelog).withData(SEEDED))) {
            r.invariant("every account has a phone", "select count(*) from accounts where phone is null");
            RoundTripReport report = r.runRoundTrips();
            StepResult drop = report.steps().get(1);
            assertThat(drop.phase(Phase.UP).orElseThrow().message()).as(report.toText())
                    .contains("every account has a phone").contains("(the query fails now)");
            // after the failed query the checks, the generated undo and the rollback still ran in that transaction
            assertThat(drop.phase(Phase.RESTORE).orElseThrow().status()).isEqualTo(Status.PASSED);
            assertThat(drop.note()).contains("generated undo verified");
        }
    }

    /**
     * What the up made on a session of its own (an audit table through dblink, an autonomous transaction) outlives the
     * rollback: the restore is checked against the schema before the up, and fails naming what stayed, instead of
     * letting the second up and every later check run on a database that is not the one they are judged against.
     */
    @Test
    void aRestoreThatMissedSomethingTheUpCommittedElsewhereFailsNamingIt(@TempDir Path dir) throws IOException {
        Path changelog = changelog(dir, """
                --changeset ann:1
                create extension if not exists dblink;
                create table accounts (id int primary key);
                --rollback drop table accounts; drop extension dblink;

                --changeset ann:2 splitStatements:false
                select dblink_exec('host=127.0.0.1 port=' || current_setting('port') || ' dbname='
                    || current_database() || ' user=' || current_user, 'create table audit_log (id int)');
                alter table accounts add column name text;
                """);
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + changelog))) {
            RoundTripReport report = r.runRoundTrips();
            StepResult second = report.steps().get(1);
            assertThat(second.phase(Phase.UP)).as(report.toText())
                    .hasValueSatisfying(p -> assertThat(p.status()).isEqualTo(Status.PASSED));
            assertThat(second.phase(Phase.RESTORE)).as(report.toText()).hasValueSatisfying(p -> {
                assertThat(p.status()).isEqualTo(Status.FAILED);
                assertThat(p.message()).contains("did not bring the schema back").contains("audit_log")
                        .contains("add a down script");
            });
        }
    }

    private static Path changelog(Path dir, String changesets) throws IOException {
        return Files.writeString(dir.resolve("changelog.sql"), "--liquibase formatted sql\n\n" + changesets);
    }
}
