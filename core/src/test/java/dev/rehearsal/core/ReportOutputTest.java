package dev.rehearsal.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.StatementTrace;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.Remedies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the reports say, beyond pass or fail: every phase of a step that failed, fixes named in the terms the user
 * configures Rehearsal in, the server's notices counted rather than listed, and why each step that did not run did
 * not.
 */
class ReportOutputTest {

    private static PhaseResult phase(RoundTripReport report, String migrationPrefix, Phase phase) {
        return step(report, migrationPrefix).phase(phase).orElseThrow();
    }

    private static StepResult step(RoundTripReport report, String migrationPrefix) {
        return report.steps().stream().filter(s -> s.migration().startsWith(migrationPrefix + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + migrationPrefix + " in\n" + report.toText()));
    }

    private static PhaseResult result(Phase phase, Status status, String message, LockReport locks) {
        return new PhaseResult(phase, status, Duration.ofMillis(3), Duration.ZERO, message, List.of(), locks);
    }

    private static StatementTrace statement(int index, String script, int line, String sql, List<String> warnings) {
        return new StatementTrace(index, script, line, sql, Duration.ZERO, Duration.ofMillis(1), true, Set.of(), "0",
                false, warnings);
    }

    private static String lineOf(String text, String migration) {
        return text.lines().filter(l -> l.startsWith("  " + migration + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + migration + " in\n" + text));
    }

    // ---- 1. every failed phase of a step ----

    @Test
    void theTableShowsEveryFailedPhaseOfAStepEachOnItsLine() {
        StepResult step = new StepResult("V3 index total", "V3__index_total.sql", List.of(
                result(Phase.UP, Status.PASSED, "", LockReport.NONE),
                result(Phase.DOWN, Status.FAILED, "The down script of V3 index total (U3__index_total.sql) did not"
                        + " restore the schema as it was before V3__index_total.sql ran:\n  + index orders_total_idx"
                        + " ON orders (total)", LockReport.NONE),
                result(Phase.UP_AGAIN, Status.FAILED, "V3 index total cannot be applied again after its down script"
                        + " ran: the down script probably left something behind\nup of migration V3 index total failed",
                        LockReport.NONE)), "", 0);
        String text = new RoundTripReport("Flyway migrations", "PostgreSQL", List.of(step)).toText();

        assertThat(lineOf(text, "V3 index total")).contains("FAILED in down: The down script of V3 index total")
                .contains("+ index orders_total_idx ON orders (total)").doesNotContain("up again");
        assertThat(text).contains("\n      FAILED in up again: V3 index total cannot be applied again after its down"
                + " script ran: the down script probably left something behind");
        assertThat(step.failedPhases()).extracting(PhaseResult::phase).containsExactly(Phase.DOWN, Phase.UP_AGAIN);
    }

    /** A down that forgets an index fails, and its up again then trips over that index: both are in the table. */
    @Test
    void aDownThatForgetsAnIndexAndTheUpAgainThatTripsOverItAreBothInTheTable() {
        RoundTripReport report;
        try (MigrationRehearsal r = Histories.rehearse("forgets-index")) {
            report = r.runRoundTrips();
        }
        assertThat(phase(report, "V3", Phase.DOWN).status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(phase(report, "V3", Phase.UP_AGAIN).status()).as(report.toText()).isEqualTo(Status.FAILED);
        String text = report.toText();
        assertThat(lineOf(text, "V3 index total")).contains("FAILED in down: ").contains("orders_total_idx");
        assertThat(text).containsPattern("\\n {6}FAILED in up again: V3 index total cannot be applied again[^\\n]*\\n");
    }

    // ---- 2. fixes in the user's terms ----

    @Test
    void remediesNameTheFixInTheJUnitExtensionsTermsOrTheCommandLines() {
        MigrationVersion v18 = MigrationVersion.parse("18");
        assertThat(Remedies.ANNOTATIONS.lossy(v18)).isEqualTo("@MigrationTest(lossy = \"18\")");
        assertThat(Remedies.COMMAND_LINE.lossy(v18)).isEqualTo("-D rehearsal.lossy=18");
        assertThat(Remedies.COMMAND_LINE.irreversible(v18))
                .isEqualTo("-D rehearsal.irreversible=18 (or -D rehearsal.minimum-downgrade-version=18)");
        assertThat(Remedies.COMMAND_LINE.dataChanges(v18)).isEqualTo("-D rehearsal.data-changes=18");
        assertThat(Remedies.ANNOTATIONS.seedOverride("orders", "status"))
                .isEqualTo("TableSeed.table(\"orders\").column(\"status\", faker -> ...)");
        assertThat(Remedies.COMMAND_LINE.seedOverride("orders", "status", "total"))
                .isEqualTo("--seed-file with [orders] status = { values = [...] }, total = { values = [...] }");
        assertThat(Remedies.ANNOTATIONS.seedColumn("orders", "status")).isEqualTo(
                "TableSeed.table(\"orders\").column(\"status\", faker -> ...) or .constant(\"status\", value)");
        assertThat(Remedies.COMMAND_LINE.seedColumn("orders", "status"))
                .isEqualTo("--seed-file with [orders] status = { values = [...] } or status = { value = ... }");
        assertThat(Remedies.COMMAND_LINE.seedOf("audit.log")).isEqualTo("--seed-file, section [\"audit.log\"]");
        assertThat(Remedies.ANNOTATIONS.seedOf("orders")).isEqualTo("rehearsal.seed.file or TableSeed.table(\"orders\")");
        assertThat(DataSettings.DEFAULTS.remedies()).isEqualTo(Remedies.ANNOTATIONS);
        assertThat(RehearsalSettings.of("classpath:db/migration").withRemedies(Remedies.COMMAND_LINE).data().remedies())
                .isEqualTo(Remedies.COMMAND_LINE);
    }

    @Test
    void aLossyDownOnTheCommandLineIsDeclaredWithASystemPropertyNotAnAnnotation() {
        DataSettings seeded = DataSettings.DEFAULTS.withRoundTripSeeding(50).withRemedies(Remedies.COMMAND_LINE);
        RoundTripReport report;
        try (MigrationRehearsal r = Histories.rehearse(Histories.dataHistory("lossy-down").withData(seeded))) {
            report = r.runRoundTrips();
        }
        PhaseResult down = phase(report, "V2", Phase.DOWN);
        assertThat(down.status()).as(report.toText()).isEqualTo(Status.FAILED);
        assertThat(down.message()).contains("declare the migration lossy: -D rehearsal.lossy=2.")
                .doesNotContain("@MigrationTest");
    }

    @Test
    void aMissingDownOnTheCommandLineIsDeclaredIrreversibleWithASystemProperty() {
        RoundTripReport report;
        try (MigrationRehearsal r = Histories.rehearse(Histories.settings("irreversible")
                .withMissingDown(RehearsalSettings.MissingDown.FAIL).withRemedies(Remedies.COMMAND_LINE))) {
            report = r.runRoundTrips();
        }
        assertThat(phase(report, "V3", Phase.DOWN).message()).contains("Add one, or declare the migration irreversible:"
                + " -D rehearsal.irreversible=3 (or -D rehearsal.minimum-downgrade-version=3).")
                .doesNotContain("@MigrationTest");
    }

    // ---- 3. the server's notices ----

    @Test
    void noticesAreToldApartFromWarnings() {
        assertThat(StatementTrace.isNotice("00000: table \"a\" does not exist, skipping")).isTrue();
        assertThat(StatementTrace.isNotice("00000: preparing accounts")).isTrue();
        assertThat(StatementTrace.isNotice("42P07: relation \"accounts\" already exists, skipping")).isTrue();
        assertThat(StatementTrace.isNotice("25001: there is already a transaction in progress")).isFalse();
        assertThat(StatementTrace.isNotice("01000: accounts has no owner yet")).isFalse();
    }

    @Test
    void noticesAreOneCountedLinePerPhaseAndWarningsStayLines() {
        List<StatementTrace> statements = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            statements.add(statement(i, "V2__cleanup.sql", i + 1, "DROP TABLE IF EXISTS old_" + i,
                    List.of("00000: table \"old_" + i + "\" does not exist, skipping")));
        }
        statements.add(statement(12, "V2__cleanup.sql", 13, "BEGIN", List.of("25001: there is already a transaction in progress")));
        LockReport up = new LockReport(statements, List.of(), List.of(), List.of(), Optional.empty());
        LockReport down = new LockReport(List.of(statement(0, "U2__cleanup.sql", 1, "DROP TABLE IF EXISTS old_0",
                List.of("00000: table \"old_0\" does not exist, skipping"))), List.of(), List.of(), List.of(), Optional.empty());
        StepResult step = new StepResult("V2 cleanup", "V2__cleanup.sql", List.of(result(Phase.UP, Status.PASSED, "", up),
                result(Phase.DOWN, Status.PASSED, "", down), result(Phase.UP_AGAIN, Status.PASSED, "", LockReport.NONE)),
                "", 0);
        String text = new RoundTripReport("Flyway migrations", "PostgreSQL", List.of(step)).toText();

        assertThat(text).contains("\n      server up: 12 notices (first: V2__cleanup.sql line 1: DROP TABLE IF EXISTS"
                + " old_0  <- 00000: table \"old_0\" does not exist, skipping)\n");
        assertThat(text).contains("\n      server up: V2__cleanup.sql line 13: BEGIN  <- 25001: there is already a"
                + " transaction in progress\n");
        assertThat(text).contains("\n      server down: 1 notice: U2__cleanup.sql line 1: DROP TABLE IF EXISTS old_0  <-"
                + " 00000: table \"old_0\" does not exist, skipping\n");
        assertThat(text).doesNotContain("old_5");
        assertThat(text.lines().filter(l -> l.contains("server up:"))).hasSize(2);
    }

    /** A migration whose statements raise notices (IF EXISTS on missing tables, RAISE NOTICE) and one warning. */
    @Test
    void aMigrationsNoticesAreCountedInTheTableAndEachIsInTheJson(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("V1__create_accounts.sql"), """
                DROP TABLE IF EXISTS legacy_accounts;
                DROP TABLE IF EXISTS legacy_orders;
                DO $$ BEGIN RAISE NOTICE 'preparing accounts'; END $$;
                DO $$ BEGIN RAISE WARNING 'accounts has no owner yet'; END $$;
                CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
                CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY);
                """);
        Files.writeString(dir.resolve("U1__create_accounts.sql"), """
                DROP TABLE accounts;
                DROP TABLE IF EXISTS legacy_accounts;
                """);
        RoundTripReport report;
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + dir))) {
            report = r.runRoundTrips();
        }
        String text = report.toText();
        assertThat(report.failed()).as(text).isFalse();
        PhaseResult up = phase(report, "V1", Phase.UP);
        assertThat(up.locks().statements().stream().mapToInt(st -> st.notices().size()).sum()).as(text).isEqualTo(4);

        assertThat(text).contains("server up: 4 notices (first: V1__create_accounts.sql line 1: DROP TABLE IF EXISTS"
                + " legacy_accounts").contains("<- 00000: table \"legacy_accounts\" does not exist, skipping)");
        assertThat(text).contains("server up: V1__create_accounts.sql line 4: DO $$ BEGIN RAISE WARNING")
                .contains("<- 01000: accounts has no owner yet");
        assertThat(text).contains("server down: 1 notice: U1__create_accounts.sql line 2: DROP TABLE IF EXISTS"
                + " legacy_accounts");
        assertThat(text).doesNotContain("legacy_orders").doesNotContain("preparing accounts")
                .doesNotContain("already exists, skipping");

        JsonNode json = new ObjectMapper().readTree(report.toJson());
        List<String> warnings = new ArrayList<>();
        json.get("steps").get(0).get("phases").get(0).get("locks").get("statements")
                .forEach(st -> st.path("warnings").forEach(w -> warnings.add(w.asText())));
        assertThat(warnings).containsExactlyInAnyOrder(
                "00000: table \"legacy_accounts\" does not exist, skipping",
                "00000: table \"legacy_orders\" does not exist, skipping",
                "00000: preparing accounts",
                "01000: accounts has no owner yet",
                "42P07: relation \"accounts\" already exists, skipping");
        assertThat(step(report, "V1").note()).doesNotContain("skipping");
    }

    // ---- 4. why each step did not run ----

    @Test
    void everyStepNotRunSaysWhichEarlierStepFailedAndHowOnceInTextAndJson(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("V1__create_accounts.sql"), "CREATE TABLE accounts (id int PRIMARY KEY, email text);\n");
        Files.writeString(dir.resolve("U1__create_accounts.sql"), "DROP TABLE accounts;\n");
        Files.writeString(dir.resolve("V2__add_phone.sql"), "ALTER TABLE acounts ADD COLUMN phone text;\n");
        Files.writeString(dir.resolve("U2__add_phone.sql"), "ALTER TABLE accounts DROP COLUMN phone;\n");
        Files.writeString(dir.resolve("V3__create_t3.sql"), "CREATE TABLE t3 (id int PRIMARY KEY);\n");
        Files.writeString(dir.resolve("U3__create_t3.sql"), "DROP TABLE t3;\n");
        Files.writeString(dir.resolve("V4__create_t4.sql"), "CREATE TABLE t4 (id int PRIMARY KEY);\n");
        Files.writeString(dir.resolve("U4__create_t4.sql"), "DROP TABLE t4;\n");
        RoundTripReport report;
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + dir))) {
            report = r.runRoundTrips();
        }
        String text = report.toText();
        assertThat(phase(report, "V2", Phase.UP).status()).as(text).isEqualTo(Status.FAILED);
        String why = "not run: V2 add phone failed to apply: ERROR: relation \"acounts\" does not exist [SQLState 42P01]";
        for (String later : List.of("V3", "V4")) {
            for (PhaseResult p : step(report, later).phases()) {
                assertThat(p.status()).as(later + " " + p.phase().label()).isEqualTo(Status.SKIPPED);
                assertThat(p.message()).as(later + " " + p.phase().label()).startsWith(why).doesNotContain("\n");
            }
        }
        // the failed step's own later phases say why once, not "not run: not run: ..."
        assertThat(phase(report, "V2", Phase.DOWN).message()).isEqualTo("not run: the up phase of V2 add phone did not apply");
        assertThat(phase(report, "V2", Phase.UP_AGAIN).message()).isEqualTo("not run: the up phase of V2 add phone did not apply");

        assertThat(lineOf(text, "V3 create t3")).contains(why).doesNotContain("skipped:");
        assertThat(lineOf(text, "V4 create t4")).contains(why);
        assertThat(report.toJson()).doesNotContain("not run: not run:");
        JsonNode v3 = new ObjectMapper().readTree(report.toJson()).get("steps").get(2);
        assertThat(v3.get("migration").asText()).isEqualTo("V3 create t3");
        v3.get("phases").forEach(p -> assertThat(p.get("message").asText()).startsWith(why));
    }

    @Test
    void aStepTheRehearsalNeverReachedSaysSo() {
        StepResult never = new StepResult("V9 later", "V9__later.sql", List.of(PhaseResult.notRun(Phase.UP),
                PhaseResult.notRun(Phase.DOWN), PhaseResult.notRun(Phase.UP_AGAIN)), "", 0);
        assertThat(lineOf(new RoundTripReport("Flyway migrations", "PostgreSQL", List.of(never)).toText(), "V9 later"))
                .endsWith("not run: the rehearsal did not reach it");
    }
}
