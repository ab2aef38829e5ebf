package dev.rehearsal.core;

import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What Liquibase changelogs carry beyond changesets (issue 14, part 1): contexts, labels and dbms filter the history
 * as Liquibase filters what it runs, so counts stay right; tags and {@code author:id} name {@code migrateTo} targets;
 * a precondition that marks a changeset ran round-trips; a duplicate changeset, a missing include, a halting
 * precondition and an edited applied changeset each fail with a message naming the changeset and file.
 */
class LiquibaseFeaturesTest {

    private static final String CHANGELOG = "classpath:histories/liquibase-contexts/db.changelog-master.xml";

    private static RehearsalSettings settings(String contexts, String labels) {
        RehearsalSettings s = RehearsalSettings.of(CHANGELOG);
        return s.withTool(s.tool().withLiquibaseFilter(contexts, labels));
    }

    @Test
    void withoutContextsOrLabelsEveryChangesetForThisEngineIsInTheHistory() {
        try (MigrationRehearsal r = Histories.rehearse(settings("", ""))) {
            // the mariadb-only changeset is left out on PostgreSQL, as Liquibase's dbms filter leaves it out
            assertThat(r.history().versioned()).extracting(Migration::id).containsExactly(
                    "alice:1", "demo-accounts", "accounts-email", "tag-1.0", "bob:1", "drop-legacy-accounts");
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.steps()).hasSize(6);
            assertThat(report.steps().subList(0, 5)).as(report.toText()).allSatisfy(step -> assertThat(step.phases())
                    .allSatisfy(p -> assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED)));
            assertMarkRanRollbackCaught(report.steps().get(5));
            assertThat(r.query("select id, author, exectype from databasechangelog order by orderexecuted").rows())
                    .extracting(row -> row.get(0) + " " + row.get(1) + " " + row.get(2)).containsExactly(
                            "1 alice EXECUTED", "demo-accounts alice EXECUTED", "accounts-email carol EXECUTED",
                            // MARK_RAN the first time; its rollback then created legacy_accounts, so up again dropped it
                            "tag-1.0 carol EXECUTED", "1 bob EXECUTED", "drop-legacy-accounts erin EXECUTED");
        }
    }

    @Test
    void contextsAndLabelsLeaveChangesetsOutOfTheHistoryAndTheCounts() {
        try (MigrationRehearsal r = Histories.rehearse(settings("prod", "!billing"))) {
            assertThat(r.history().versioned()).extracting(Migration::id).containsExactly(
                    "alice:1", "tag-1.0", "bob:1", "drop-legacy-accounts");
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.steps()).hasSize(4);
            assertThat(report.steps().subList(0, 3)).as(report.toText()).allSatisfy(step -> assertThat(step.phases())
                    .allSatisfy(p -> assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED)));
            assertMarkRanRollbackCaught(report.steps().get(3));
            assertThat(r.schema().column("accounts", "email")).isEmpty();
            assertThat(r.query("select count(*) from settings").rows().get(0).get(0)).isEqualTo(0L);
            assertThat(r.query("select count(*) from databasechangelog").rows().get(0).get(0)).isEqualTo(4L);
        }
        try (MigrationRehearsal r = Histories.rehearse(settings("demo", ""))) {
            r.migrateTo("latest");
            assertThat(r.query("select value from settings").rows()).extracting(row -> row.get(0)).containsExactly("Demo");
        }
    }

    /**
     * The precondition found no legacy_accounts and marked the changeset ran; Liquibase's rollback of it still runs
     * the explicit rollback and creates the table that never existed: a real defect, caught by the down phase.
     */
    private static void assertMarkRanRollbackCaught(StepResult step) {
        assertThat(step.migration()).endsWith("::drop-legacy-accounts::erin");
        assertThat(step.phase(PhaseResult.Phase.DOWN)).hasValueSatisfying(p -> {
            assertThat(p.status()).isEqualTo(PhaseResult.Status.FAILED);
            assertThat(p.message()).contains("+ table legacy_accounts");
        });
        assertThat(step.note()).contains("down: drop-legacy-accounts was marked ran"
                + " without running (its precondition said MARK_RAN), yet Liquibase runs its rollback");
    }

    @Test
    void migrateToTakesATagAndAuthorColonIdAsWellAsIds() {
        try (MigrationRehearsal r = Histories.rehearse(settings("", ""))) {
            r.migrateTo("v1.0");
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("4"));
            assertThat(r.query("select tag from databasechangelog where tag is not null").rows())
                    .extracting(row -> row.get(0)).containsExactly("v1.0");
            r.migrateTo("bob:1");
            assertThat(r.schema().table("audit")).isPresent();
            r.migrateTo("carol:accounts-email"); // author:id also where the id alone is unique
            assertThat(r.schema().table("audit")).isEmpty();
            assertThat(r.schema().column("accounts", "email")).isPresent();
            assertThat(r.migration("alice:1").version()).isEqualTo(MigrationVersion.parse("1"));
            assertThatThrownBy(() -> r.migrateTo("1")) // two changesets have id 1
                    .hasMessage("Changeset id 1 is used by alice:1 and bob:1 in " + CHANGELOG + ": name one as author:id.");
            assertThatThrownBy(() -> r.migrateTo("v9"))
                    .hasMessageContaining("No changeset v9 in " + CHANGELOG)
                    .hasMessageContaining("a tag (v1.0)")
                    .hasMessageContaining("or a position 1-6; changesets: alice:1, demo-accounts");
        }
    }

    @Test
    void includeAllTakesTheFolderInNameOrderAndRunAlwaysChangesetsDoNotShiftTheCount() {
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of(
                "classpath:histories/liquibase-includeall/changelog.yaml"))) {
            assertThat(r.history().versioned()).extracting(Migration::id).containsExactly("001-teams",
                    "001-teams-comment", "002-members");
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            // the runAlways changeset ran again with each later update, as Liquibase runs it, and counted right
            assertThat(r.schema().table("members")).isPresent();
            assertThat(r.query("select id, exectype from databasechangelog order by orderexecuted").rows())
                    .extracting(row -> row.get(0) + " " + row.get(1))
                    .containsExactly("001-teams EXECUTED", "001-teams-comment RERAN", "002-members EXECUTED");
        }
    }

    @Test
    void aDuplicateChangesetAndAMissingIncludeAreNamed() {
        assertThatThrownBy(() -> Histories.rehearse(RehearsalSettings.of("classpath:histories/liquibase-bad/duplicate-tag.yaml")))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("tags two changesets release (1-release and 2-release-again): rename one tag.");
        assertThatThrownBy(() -> Histories.rehearse(RehearsalSettings.of("classpath:histories/liquibase-bad/duplicate.xml")))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("two changesets with id 1-accounts by alice in histories/liquibase-bad/duplicate.xml");
        assertThatThrownBy(() -> Histories.rehearse(RehearsalSettings.of("classpath:histories/liquibase-bad/missing-include.xml")))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("changes/002-gone.xml");
    }

    @Test
    void aHaltingPreconditionFailsItsChangesetWithTheMessage() {
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of(
                "classpath:histories/liquibase-bad/halting-precondition.xml"))) {
            r.migrateTo("1-accounts");
            assertThatThrownBy(() -> r.migrateTo("2-migrate-legacy"))
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageStartingWith("up of migration histories/liquibase-bad/halting-precondition.xml::2-migrate-legacy::alice failed\n  script:    "
                            + "histories/liquibase-bad/halting-precondition.xml::2-migrate-legacy::alice\n")
                    .hasMessageContaining("error:     its precondition failed, and a failed precondition halts Liquibase"
                            + " (onFail=\"HALT\", the default): histories/liquibase-bad/halting-precondition.xml :"
                            + " legacy_accounts must exist before its rows are moved. Liquibase stops at this changeset"
                            + " in production too");
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("1"));
        }
    }

    @Test
    void aFailingStatementIsNamedWithItsSqlStateAndTheDatabasesMessage() {
        // in an update of both changesets (Liquibase's command), and applied alone after the first (one step)
        for (boolean alone : new boolean[] {false, true}) {
            failingStatementNamed(alone);
        }
    }

    private static void failingStatementNamed(boolean alone) {
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of(
                "classpath:histories/liquibase-bad/failing-sql.xml"))) {
            if (alone) {
                r.migrateTo("1-accounts");
            }
            assertThatThrownBy(() -> r.migrateTo("latest"))
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("up of migration histories/liquibase-bad/failing-sql.xml::2-accounts-owner::alice failed")
                    .hasMessageContaining("script:    histories/liquibase-bad/failing-sql.xml::2-accounts-owner::alice")
                    .hasMessageContaining("statement: ALTER TABLE public.accounts ADD CONSTRAINT accounts_owner_fk"
                            + " FOREIGN KEY (owner_id) REFERENCES public.owners (id)")
                    .hasMessageContaining("SQLState:  42P01")
                    .hasMessageContaining("error:     ERROR: relation \"public.owners\" does not exist")
                    .hasMessageNotContaining("liquibase.exception");
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("1"));
        }
    }

    @Test
    void aChangesetEditedAfterItWasAppliedIsNamedWithWhatToDo(@TempDir Path dir) throws Exception {
        Path changelog = dir.resolve("changelog.xml");
        String text = Files.readString(Path.of("src/test/resources/histories/liquibase-bad/halting-precondition.xml"))
                .replace("tableExists tableName=\"legacy_accounts\"", "tableExists tableName=\"accounts\"");
        Files.writeString(changelog, text);
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + changelog))) {
            r.migrateTo("1-accounts");
            Files.writeString(changelog, text.replace("<column name=\"id\" type=\"bigint\"/>",
                    "<column name=\"id\" type=\"bigint\"/><column name=\"name\" type=\"text\"/>"));
            EphemeralDatabase db = r.database();
            MigrationTool edited = MigrationSources.detect(RehearsalSettings.of("filesystem:" + changelog),
                    getClass().getClassLoader()).open(db.dataSource(), db.dialect());
            assertThatThrownBy(() -> edited.upTo(MigrationVersion.parse("2")))
                    .hasMessageContaining("1-accounts")
                    .hasMessageContaining("changelog.xml")
                    .hasMessageContaining("changed since it was applied");
        }
    }
}
