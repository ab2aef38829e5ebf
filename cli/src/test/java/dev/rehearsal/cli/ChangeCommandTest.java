package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.cli.CheckCommandTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rehearsal.cli.CheckCommandTest.assertOneLine;
import static dev.rehearsal.cli.CheckCommandTest.rehearsal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rehearsal check} on a change in a real git repository: which migrations it adds (the merge base, the base
 * branch CI names, {@code --risks-since}), whose risks are judged and whose are reported only, down scripts' risks,
 * and {@code --only-new}, which rehearses only what the change adds over the released migrations.
 */
class ChangeCommandTest {

    /**
     * Risks are judged for the migrations a change adds (a risk not allowed exits 1) and reported for those released
     * already: the base branch in git, or the last released version; without either, every migration is judged.
     */
    @Test
    void onlyTheRisksOfMigrationsTheChangeAddsFailTheCheck(@TempDir Path repo) throws Exception {
        Path migrations = Files.createDirectories(repo.resolve("db/migrations"));
        Files.writeString(migrations.resolve("1_accounts.up.sql"), "CREATE TABLE accounts (id bigint PRIMARY KEY);\n");
        Files.writeString(migrations.resolve("1_accounts.down.sql"), "DROP TABLE accounts;\n");
        Files.writeString(migrations.resolve("2_email.up.sql"), "ALTER TABLE accounts ADD COLUMN email text;\n");
        Files.writeString(migrations.resolve("2_email.down.sql"), "ALTER TABLE accounts DROP COLUMN email;\n");
        releasedOnMainThenFeatureBranch(repo);
        // the change: a new migration, not even committed yet
        Files.writeString(migrations.resolve("3_name.up.sql"), "ALTER TABLE accounts ADD COLUMN name text;\n");
        Files.writeString(migrations.resolve("3_name.down.sql"), "ALTER TABLE accounts DROP COLUMN name;\n");

        Run byBranch = rehearsal("check", migrations.toString(), "-q", "--risks-base", "main");
        assertThat(byBranch.exit()).as(byBranch.err()).isEqualTo(1);
        assertThat(byBranch.err()).contains("risks judged for the 1 migration added or changed since main")
                .contains("1 risk not allowed; 1 risk of released migrations reported, not judged");

        Run byDefault = rehearsal("check", migrations.toString(), "-q");
        assertThat(byDefault.err()).as("main is found without saying").contains("since main")
                .contains("1 risk not allowed; 1 risk of released migrations reported, not judged");

        Path sarif = repo.resolve("released.sarif");
        Run bySince = rehearsal("check", migrations.toString(), "-q", "--risks-since", "3", "-f", "sarif", "-o",
                sarif.toString());
        for (JsonNode r : new ObjectMapper().readTree(sarif.toFile()).at("/runs/0/results")) {
            assertThat(r.at("/suppressions/0/justification").asText()).as("released, or a down's: information only")
                    .isIn("a released migration: reported, not judged", "a down script's risk: reported, not judged"
                            + " (rehearsal.risks.downs=judge judges it)");
        }
        assertThat(bySince.exit()).as(bySince.err()).isZero();
        assertThat(bySince.err()).contains("0 risks not allowed; 2 risks of released migrations reported, not judged");

        assertOneLine(rehearsal("check", migrations.toString(), "-q", "--risks-base", "no-such-branch"),
                "rehearsal.risks.base (--risks-base) is no-such-branch, which git cannot resolve");
        Run badSince = rehearsal("check", migrations.toString(), "-q", "--risks-since", "42");
        assertThat(badSince.exit()).isEqualTo(2);
        assertThat(badSince.err()).contains("rehearsal.risks.since (--risks-since) is 42, which is no migration");

        Path elsewhere = Files.createDirectories(repo.getParent().resolve(repo.getFileName() + "-copy"));
        for (String f : List.of("1_accounts.up.sql", "1_accounts.down.sql", "2_email.up.sql", "2_email.down.sql")) {
            Files.copy(migrations.resolve(f), elsewhere.resolve(f));
        }
        Run noGit = rehearsal("check", elsewhere.toString(), "-q");
        assertThat(noGit.exit()).isEqualTo(1);
        assertThat(noGit.err()).contains("risks judged for every migration: not a git repository")
                .contains("--risks-since").contains("1 risk not allowed");
    }

    /**
     * A table a released migration created is one production has, with rows: a plain CREATE INDEX on it in a change is
     * named with no seeding, and a production volume that says the table is small silences it.
     */
    @Test
    void anIndexOnAReleasedTableIsNamedWithNoSeedingUnlessItsVolumeIsSmall(@TempDir Path repo) throws Exception {
        Path migrations = Files.createDirectories(repo.resolve("db/migrations"));
        Files.writeString(migrations.resolve("1_orders.up.sql"), "create table orders (id bigint primary key, total numeric not null);\n");
        Files.writeString(migrations.resolve("1_orders.down.sql"), "drop table orders;\n");
        releasedOnMainThenFeatureBranch(repo);
        Files.writeString(migrations.resolve("2_orders_total_idx.up.sql"), "create index orders_total_idx on orders (total);\n");
        Files.writeString(migrations.resolve("2_orders_total_idx.down.sql"), "drop index orders_total_idx;\n");

        Run check = rehearsal("check", migrations.toString());
        assertThat(check.exit()).as(check.err()).isEqualTo(1);
        assertThat(check.out()).contains("risk [non-concurrent-index, no-lock-timeout] 2_orders_total_idx.up.sql line 1");
        assertThat(check.out() + check.err()).doesNotContain("could not seed");
        Path json = repo.resolve("report.json");
        rehearsal("check", migrations.toString(), "-q", "-f", "json", "-o", json.toString());
        assertThat(Files.readString(json)).contains("a production table: judged as production has it");

        Path volumes = Files.writeString(repo.resolve("volumes.csv"), "table_name,rows\norders,20\n");
        Run small = rehearsal("check", migrations.toString(), "--volumes", volumes.toString());
        assertThat(small.out()).as(small.err()).doesNotContain("non-concurrent-index")
                .contains("risk [no-lock-timeout] 2_orders_total_idx.up.sql line 1");
        assertThat(small.err()).doesNotContain("names a table no migration creates");

        // a whole database's export: its tool's bookkeeping table is no typo
        Path typo = Files.writeString(repo.resolve("typo.csv"), "table_name,rows\nordres,20\nschema_migrations,2\n");
        Run misnamed = rehearsal("check", migrations.toString(), "--volumes", typo.toString());
        assertThat(misnamed.err()).contains("the production volume of ordres").contains("names a table no migration"
                + " creates, so it is not used: did you mean orders?");
        assertThat(misnamed.out()).as("its volume is not used").contains("non-concurrent-index");
        assertThat(misnamed.err()).doesNotContain("volume of schema_migrations");
    }

    /**
     * A down script's risk (a plain DROP INDEX on a production table, what an operator rolling back meets) is named
     * and counted, not judged by default, and the note names the setting that judges it; with that setting it fails
     * the check as an up's would.
     */
    @Test
    void aDownsRiskIsCountedAndJudgedOnlyWhenTheSettingsSaySo(@TempDir Path repo) throws Exception {
        Path migrations = Files.createDirectories(repo.resolve("db/migrations"));
        Files.writeString(migrations.resolve("1_orders.up.sql"),
                "create table orders (id bigint primary key, total numeric not null);\n");
        Files.writeString(migrations.resolve("1_orders.down.sql"), "drop table orders;\n");
        Files.writeString(migrations.resolve("2_orders_total_idx.up.sql"),
                "create index concurrently orders_total_idx on orders (total);\n");
        Files.writeString(migrations.resolve("2_orders_total_idx.down.sql"), "set lock_timeout = '2s';\n"
                + "drop index orders_total_idx;\n");

        // its index, cancelled while it builds, would be kept INVALID by a retry: allowed here, as a risk is
        String retry = "2 not-retry-safe: the deploy drops an invalid index first";
        Run reported = rehearsal("check", migrations.toString(), "--allow-risk", "2 no-lock-timeout: a test",
                "--allow-risk", retry);
        assertThat(reported.exit()).as(reported.out() + reported.err()).isZero();
        assertThat(reported.out()).contains("risk in the down (judged only with rehearsal.risks.downs=judge)"
                + " [non-concurrent-drop-index] 2_orders_total_idx.down.sql line 2");
        assertThat(reported.err()).contains("1 risk of down scripts reported, not judged (rehearsal.risks.downs=judge"
                + " judges them)");
        assertThat(reported.out()).contains("risk in the retry [not-retry-safe] 2_orders_total_idx.up.sql line 1")
                .contains("(allowed: the deploy drops an invalid index first)");

        Run judged = rehearsal("check", migrations.toString(), "--allow-risk", "2 no-lock-timeout: a test",
                "--allow-risk", retry, "-D", "rehearsal.risks.downs=judge");
        assertThat(judged.exit()).as(judged.out() + judged.err()).isEqualTo(1);
        assertThat(judged.err()).contains("0 failed round trips, 1 risk not allowed");
    }

    /**
     * --only-new: the released migrations are applied by the tool without checks, and only the one the change adds
     * is rehearsed; its defect (a down that forgets the index its up made) is still named. Without a base it says
     * how to give one; with nothing new it exits 0 saying so.
     */
    @Test
    void onlyNewRehearsesWhatTheChangeAddsOverTheReleasedOnes(@TempDir Path repo) throws Exception {
        Path migrations = Files.createDirectories(repo.resolve("db/migrations"));
        Files.writeString(migrations.resolve("1_accounts.up.sql"), "create table accounts (id bigint primary key);\n");
        Files.writeString(migrations.resolve("1_accounts.down.sql"), "drop table accounts;\n");
        Files.writeString(migrations.resolve("2_email.up.sql"), "alter table accounts add column email text;\n");
        Files.writeString(migrations.resolve("2_email.down.sql"), "alter table accounts drop column email;\n");

        Run noBase = rehearsal("check", migrations.toString(), "--only-new");
        assertOneLine(noBase, "rehearsal.only-new (--only-new) needs a base");

        releasedOnMainThenFeatureBranch(repo);
        Path sarif = repo.resolve("nothing-new.sarif");
        Run nothingNew = rehearsal("check", migrations.toString(), "--only-new", "-f", "sarif", "-o", sarif.toString());
        assertThat(nothingNew.exit()).as(nothingNew.err()).isZero();
        assertThat(nothingNew.err()).contains("the change adds no migration");
        // the CI step that uploads the report still finds it, a SARIF run with nothing in it
        JsonNode run = new ObjectMapper().readTree(sarif.toFile()).at("/runs/0");
        assertThat(run.at("/tool/driver/name").asText()).isNotEmpty();
        assertThat(run.get("results")).isNotNull().isEmpty();

        Files.writeString(migrations.resolve("3_email_idx.up.sql"),
                "create index concurrently accounts_email on accounts (email);\n");
        Files.writeString(migrations.resolve("3_email_idx.down.sql"), "select 1;\n");
        Run onlyNew = rehearsal("check", migrations.toString(), "--only-new");
        assertThat(onlyNew.exit()).as(onlyNew.out() + onlyNew.err()).isEqualTo(1);
        assertThat(onlyNew.err()).contains("only new: 2 migrations taken as released, up to 2_email, applied by the"
                + " tool's own ups without checks");
        // the up passed: it needs the released migrations' table; the down, which forgets the index, failed
        assertThat(onlyNew.out()).contains("3_email_idx").contains("FAILED in down").contains("accounts_email")
                .doesNotContain("FAILED in up:").doesNotContain("1_accounts").contains("1 steps: 0 passed, 1 failed")
                .contains("note: only new: the 2 migrations before it, up to 2_email, were taken as released and"
                        + " applied by the tool's own ups without checks");

        // a released migration edited by the change is not new, and the edit would never reach production: a finding
        Files.writeString(migrations.resolve("1_accounts.up.sql"),
                "create table accounts (id bigint primary key, plan text);\n");
        Run edited = rehearsal("check", migrations.toString(), "--only-new");
        assertThat(edited.exit()).as(edited.out() + edited.err()).isEqualTo(1);
        assertThat(edited.err()).contains("released and edited since: 1_accounts")
                .contains("The change edits a released migration").contains("1_accounts (" + migrations.resolve(
                        "1_accounts.up.sql")).contains("Undo the edit and add a new migration")
                .doesNotContain("\tat ");
        assertThat(edited.out()).doesNotContain("Rehearsal of"); // nothing was rehearsed over the edit

        // the same edit committed, with nothing added: still a finding, not "nothing new"
        Files.delete(migrations.resolve("3_email_idx.up.sql"));
        Files.delete(migrations.resolve("3_email_idx.down.sql"));
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "edit");
        Run editOnly = rehearsal("check", migrations.toString(), "--only-new");
        assertThat(editOnly.exit()).as(editOnly.out() + editOnly.err()).isEqualTo(1);
        assertThat(editOnly.err()).contains("The change edits a released migration").doesNotContain("adds no migration");
    }

    /**
     * --keep-base on a named PostgreSQL server: the first run applies the released migrations and keeps their base,
     * the next copies it, and both name the new migration's defect. The history holds a token of its own, so that its
     * base is this test's alone on the shared server; the test drops it after.
     */
    @Test
    void aSecondPullRequestRunCopiesTheBaseTheFirstKept(@TempDir Path repo) throws Exception {
        Path migrations = Files.createDirectories(repo.resolve("db/migrations"));
        Files.writeString(migrations.resolve("1_accounts.up.sql"), "-- " + UUID.randomUUID()
                + "\ncreate table accounts (id bigint primary key, email text);\n");
        Files.writeString(migrations.resolve("1_accounts.down.sql"), "drop table accounts;\n");
        releasedOnMainThenFeatureBranch(repo);
        Files.writeString(migrations.resolve("2_email_idx.up.sql"), "create index accounts_email on accounts (email);\n");
        Files.writeString(migrations.resolve("2_email_idx.down.sql"), "select 1;\n");
        String[] check = {"check", migrations.toString(), "--only-new", "--keep-base", "--jdbc-url",
                "jdbc:postgresql://127.0.0.1:5432/postgres", "--jdbc-user", "postgres"};
        String kept = null;
        try {
            Run first = rehearsal(check);
            Matcher name = Pattern.compile("kept as (rehearsal_base_[0-9a-f]+) for later runs").matcher(first.err());
            assertThat(name.find()).as(first.err()).isTrue();
            kept = name.group(1);
            Run second = rehearsal(check);

            for (Run run : List.of(first, second)) {
                assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
                assertThat(run.out()).contains("2_email_idx").contains("FAILED in down").contains("accounts_email");
            }
            assertThat(second.err()).contains("only new: 1 migration taken as released, up to 1_accounts, copied"
                    + " from " + kept + ", the base an earlier run kept of the same released migrations");
            assertThat(second.out()).contains("were taken as released and copied from " + kept);

            Run whole = rehearsal(Arrays.stream(check).filter(a -> !a.equals("--only-new")).toArray(String[]::new));
            assertThat(whole.err()).contains("warning: --keep-base (rehearsal.only-new.keep-base) keeps the base of"
                    + " --only-new, and this run rehearses every migration: nothing is kept").doesNotContain("kept as")
                    .doesNotContain("copied from");
        } finally {
            if (kept != null) {
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres",
                        "postgres", ""); Statement st = c.createStatement()) {
                    st.execute("drop database if exists " + kept + " with (force)");
                }
            }
        }
    }

    @Test
    void aChangesetAddedToAReleasedChangelogIsTheOnlyNewOne(@TempDir Path repo) throws Exception {
        Path changelog = Files.createDirectories(repo.resolve("db")).resolve("changelog.xml");
        String head = "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\"\n"
                + "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
                + "    xsi:schemaLocation=\"http://www.liquibase.org/xml/ns/dbchangelog"
                + " http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd\">\n"
                + "  <changeSet id=\"1\" author=\"ann\">\n"
                + "    <createTable tableName=\"accounts\"><column name=\"id\" type=\"bigint\"><constraints"
                + " primaryKey=\"true\"/></column><column name=\"email\" type=\"text\"/></createTable>\n"
                + "  </changeSet>\n";
        Files.writeString(changelog, head + "</databaseChangeLog>\n");
        releasedOnMainThenFeatureBranch(repo);
        Files.writeString(changelog, head + "  <changeSet id=\"2\" author=\"ann\">\n"
                + "    <createIndex tableName=\"accounts\" indexName=\"accounts_email\"><column name=\"email\"/></createIndex>\n"
                + "  </changeSet>\n</databaseChangeLog>\n");

        Run run = rehearsal("check", changelog.toString(), "-q");
        assertThat(run.err()).as(run.err()).contains("risks judged for the 1 migration added or changed since main");
        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        // the new index on the released accounts table: non-concurrent-index and no-lock-timeout
        assertThat(run.err()).contains("2 risks not allowed");
    }

    /** A repository whose main branch holds what is there now, released; the change goes on a feature branch. */
    private static void releasedOnMainThenFeatureBranch(Path repo) throws Exception {
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "released");
        git(repo, "checkout", "-q", "-b", "feature");
    }

    private static void git(Path dir, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(arguments));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
