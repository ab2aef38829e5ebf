package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.rehearsal.cli.CheckCommandTest.rehearsal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code rehearsal check} says about a run, on real histories and the embedded PostgreSQL: every failed phase of a
 * migration, fixes in the command line's own terms, the server's notices counted (listed with {@code --verbose}),
 * and why each migration that did not run did not.
 */
class CheckOutputTest {

    private static final String HISTORIES = "src/test/resources/histories/";

    private static String lineOf(String text, String migration) {
        return text.lines().filter(l -> l.startsWith("  " + migration + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + migration + " in\n" + text));
    }

    /** The down leaves its index behind, so the up again trips over it: both failures are on the console. */
    @Test
    void everyFailedPhaseOfAMigrationIsShownInTheTableAndTheProgress() {
        CheckCommandTest.Run run = rehearsal("check", HISTORIES + "broken-down");

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(lineOf(run.out(), "2_index_email")).contains("FAILED in down: ");
        assertThat(run.out()).containsPattern("\\n {6}FAILED in up again: [^\\n]*cannot be applied again after its"
                + " down script ran");
        assertThat(run.err()).contains("[2/2] 2_index_email: FAILED in down: ")
                .containsPattern("\\n {4}FAILED in up again: [^\\n]*cannot be applied again after its down script ran")
                .containsPattern("\\n {4}FAILED in up again: [^\\n]*(\\n {6}[^\\n]*)*\\n {6}SQLState: +42P07");
    }

    /** A migration without a down, where downs are required: the fix named is a -D, and following it passes. */
    @Test
    void aMissingDownNamesTheCommandLinesPropertyAndFollowingItPasses() {
        CheckCommandTest.Run run = rehearsal("check", HISTORIES + "no-down", "-D", "rehearsal.missing-down=fail");

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("[2/2] 2_create_audit: FAILED in down: ")
                .contains("declare the migration irreversible: -D rehearsal.irreversible=2"
                        + " (or -D rehearsal.minimum-downgrade-version=2).")
                .doesNotContain("@MigrationTest");

        CheckCommandTest.Run fixed = rehearsal("check", HISTORIES + "no-down", "-D", "rehearsal.missing-down=fail",
                "-D", "rehearsal.irreversible=2");
        assertThat(fixed.exit()).as(fixed.out() + fixed.err()).isZero();
        assertThat(lineOf(fixed.out(), "2_create_audit")).contains("ok (irreversible, declared irreversible)");
    }

    /** A down that loses the values the up moved, over seeded rows: declared lossy with -D, not an annotation. */
    @Test
    void aLossyDownNamesTheCommandLinesPropertyAndFollowingItPasses(@TempDir Path reports) throws Exception {
        Path json = reports.resolve("lossy.json");
        CheckCommandTest.Run run = rehearsal("check", HISTORIES + "lossy-down", "--seed", "20", "-q",
                "-f", "json", "-o", json.toString());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        JsonNode down = new ObjectMapper().readTree(json.toFile()).get("steps").get(1).get("phases").get(1);
        assertThat(down.get("phase").asText()).isEqualTo("down");
        assertThat(down.get("status").asText()).isEqualTo("FAILED");
        assertThat(down.get("message").asText()).contains("declare the migration lossy: -D rehearsal.lossy=2.")
                .doesNotContain("@MigrationTest");

        Path declared = reports.resolve("declared.json");
        CheckCommandTest.Run fixed = rehearsal("check", HISTORIES + "lossy-down", "--seed", "20", "-q",
                "-D", "rehearsal.lossy=2", "-f", "json", "-o", declared.toString());
        JsonNode downDeclared = new ObjectMapper().readTree(declared.toFile()).get("steps").get(1).get("phases").get(1);
        assertThat(downDeclared.get("status").asText()).as(fixed.out()).isEqualTo("PASSED");
        assertThat(downDeclared.get("message").asText()).startsWith("declared: ");
    }

    /** Notices from IF EXISTS on missing tables and RAISE NOTICE: one counted line in the table, each with -v. */
    @Test
    void theServersNoticesAreCountedInTheTableAndListedOnlyWithVerbose() {
        CheckCommandTest.Run run = rehearsal("check", HISTORIES + "notices");

        assertThat(run.out()).as(run.err()).contains("1 passed, 0 failed");
        assertThat(run.out()).contains("server up: 3 notices (first: 1_create_accounts.up.sql line 1: DROP TABLE IF"
                + " EXISTS legacy_accounts").contains("<- 00000: table \"legacy_accounts\" does not exist, skipping)")
                .contains("server down: 1 notice: 1_create_accounts.down.sql line 2: DROP TABLE IF EXISTS legacy_accounts")
                .doesNotContain("legacy_orders").doesNotContain("preparing accounts");
        assertThat(run.out().lines().filter(l -> l.contains("server up:"))).hasSize(1);
        assertThat(run.err()).doesNotContain("preparing accounts");

        CheckCommandTest.Run verbose = rehearsal("check", HISTORIES + "notices", "--verbose");
        assertThat(verbose.err()).contains("<- 00000: table \"legacy_orders\" does not exist, skipping")
                .contains("<- 00000: preparing accounts")
                .containsPattern("\\n {4}server down: 1_create_accounts.down.sql line 2: DROP TABLE IF EXISTS"
                        + " legacy_accounts[^\\n]*<- 00000: table \"legacy_accounts\" does not exist, skipping");
        assertThat(verbose.out()).doesNotContain("legacy_orders");
    }

    /** After a failed up, the migrations not run say which failed and how: on the console, in the table, in JSON. */
    @Test
    void migrationsNotRunSayWhichMigrationFailedAndHowOnceEverywhere(@TempDir Path reports) throws Exception {
        Path json = reports.resolve("not-run.json");
        CheckCommandTest.Run run = rehearsal("check", HISTORIES + "up-fails-early", "-f", "json", "-o", json.toString());
        String why = "not run: 2_add_phone failed to apply: ERROR: relation \"acounts\" does not exist [SQLState 42P01]";

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("[3-5] 3 migrations not run: " + why.substring("not run: ".length()));
        assertThat(lineOf(run.out(), "3_create_t3")).contains(why).doesNotContain("skipped:");
        assertThat(lineOf(run.out(), "5_create_t5")).contains(why);

        JsonNode steps = new ObjectMapper().readTree(json.toFile()).get("steps");
        assertThat(steps.toString()).doesNotContain("not run: not run:");
        for (int i = 2; i < 5; i++) {
            for (JsonNode phase : steps.get(i).get("phases")) {
                assertThat(phase.get("status").asText()).isEqualTo("SKIPPED");
                assertThat(phase.get("message").asText()).as(steps.get(i).get("migration").asText()).startsWith(why);
            }
        }
        JsonNode ownUpAgain = steps.get(1).get("phases").get(2);
        assertThat(ownUpAgain.get("message").asText()).isEqualTo("not run: the up phase of 2_add_phone did not apply");
    }
}
