package dev.rehearsal.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.TableSeed;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data defects that only show over rows. Each test rehearses a history whose V2 has one defect: with seeded data
 * the round trip must catch it and say what was lost or changed; on empty tables (the feature off) it passes.
 */
class RoundTripDataTest {

    private static final DataSettings SEEDED = DataSettings.DEFAULTS.withRoundTripSeeding(300);

    private static RoundTripReport roundTrip(String history, DataSettings data) {
        return roundTrip(history, data, r -> { });
    }

    private static RoundTripReport roundTrip(String history, DataSettings data, Consumer<MigrationRehearsal> setUp) {
        try (MigrationRehearsal rehearsal = Histories.rehearse(Histories.dataHistory(history).withData(data))) {
            setUp.accept(rehearsal);
            return rehearsal.runRoundTrips();
        }
    }

    private static PhaseResult v2(RoundTripReport report, Phase phase) {
        return step(report, "V2", phase);
    }

    private static PhaseResult step(RoundTripReport report, String version, Phase phase) {
        return report.steps().stream().filter(s -> s.migration().startsWith(version + " ")).findFirst()
                .flatMap(s -> s.phase(phase)).orElseThrow();
    }

    private static List<DataProblem.Kind> kinds(PhaseResult phase) {
        return phase.problems().stream().map(DataProblem::kind).toList();
    }

    @Test
    void goodHistoryPassesOverSeededData() {
        RoundTripReport report = roundTrip("data-good", SEEDED);
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(report.steps().get(1).rows()).isEqualTo(600);
        assertThat(report.steps().get(0).note()).contains("seeded 600 rows after the up");
        assertThat(report.toText()).contains("rows");
    }

    @Test
    void backfillThatSkipsRowsIsCaught() {
        PhaseResult up = v2(roundTrip("partial-backfill", SEEDED), Phase.UP);
        assertThat(up.status()).isEqualTo(Status.FAILED);
        assertThat(kinds(up)).containsExactly(DataProblem.Kind.PARTIAL_BACKFILL);
        assertThat(up.message())
                .contains("V2 backfill display name added customers.display_name and filled it for 99 of 300 rows")
                .contains("201 rows are still NULL")
                .contains("dataChanges = \"2\"");
        assertThat(v2(roundTrip("partial-backfill", DataSettings.DEFAULTS), Phase.UP).status()).isEqualTo(Status.PASSED);
    }

    @Test
    void rowsWhoseBackfillSourceIsNullAreNotAPartialBackfill() {
        DataSettings phonesOftenMissing = DataSettings.DEFAULTS.withRoundTripSeeding(300,
                TableSeed.table("customers").nulls("phone", 0.3));
        // a copy guarded by "phone IS NOT NULL", and a join that reaches customers without a phone
        assertThat(v2(roundTrip("null-source-backfill", phonesOftenMissing), Phase.UP).status()).isEqualTo(Status.PASSED);

        // a copy that skips rows still counts the rows that had a phone to copy, and only those
        PhaseResult up = v2(roundTrip("null-source-partial-backfill", phonesOftenMissing), Phase.UP);
        assertThat(kinds(up)).containsExactly(DataProblem.Kind.PARTIAL_BACKFILL);
        Matcher counts = Pattern.compile("filled it for (\\d+) of 300 rows; (\\d+) rows are"
                + " still NULL though the backfill's value for them is not \\((\\d+) more, whose value is NULL, had nothing"
                + " to copy and are not counted\\)").matcher(up.message());
        assertThat(counts.find()).as(up.message()).isTrue();
        long filled = Long.parseLong(counts.group(1));
        long missed = Long.parseLong(counts.group(2));
        long nothingToCopy = Long.parseLong(counts.group(3));
        assertThat(filled + missed + nothingToCopy).isEqualTo(300);
        assertThat(nothingToCopy).isBetween(50L, 130L); // about 30% of the rows have no phone
    }

    @Test
    void keysSeededBeforeTheirTableExistedAreTheKeysItGets() {
        // threads.channelid is seeded at V1; channels only exists from V2: its rows take the keys threads hold, so the
        // backfill by join at V3 and the foreign key at V4 find them, as in production
        RoundTripReport report;
        try (MigrationRehearsal rehearsal = Histories.rehearse(RehearsalSettings.of("classpath:histories/links-across-time")
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(60)))) {
            report = rehearsal.runRoundTrips();
        }
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(report.toText()).containsPattern("channels.id: \\d+ of its new rows take keys that"
                + " threads.channelid already held");
    }

    @Test
    void reportCarriesTheDataProblemsAsJson() throws Exception {
        RoundTripReport report = roundTrip("partial-backfill", SEEDED);
        JsonNode json = new ObjectMapper()
                .readTree(report.toJson());
        JsonNode v2 = json.get("steps").get(1);
        assertThat(v2.get("rows").asLong()).isEqualTo(600);
        JsonNode problem = v2.get("phases").get(0).get("dataProblems").get(0);
        assertThat(problem.get("kind").asText()).isEqualTo("PARTIAL_BACKFILL");
        assertThat(problem.get("table").asText()).isEqualTo("customers");
        assertThat(problem.get("column").asText()).isEqualTo("display_name");
        assertThat(report.toText()).contains("FAILED in up: V2 backfill display name applied, but its data is wrong:"
                + " - V2 backfill display name added customers.display_name");
    }

    @Test
    void declaredPartialBackfillPassesWithANote() {
        RoundTripReport report = roundTrip("partial-backfill", SEEDED.declareDataChanges("2"));
        assertThat(v2(report, Phase.UP).status()).isEqualTo(Status.PASSED);
        assertThat(report.steps().get(1).note()).contains("declared dataChanges").contains("filled it for 99 of 300 rows");
    }

    @Test
    void downThatDropsTheDataTheUpMovedIsLossy() {
        RoundTripReport report = roundTrip("lossy-down", SEEDED);
        PhaseResult down = v2(report, Phase.DOWN);
        assertThat(down.status()).isEqualTo(Status.FAILED);
        assertThat(kinds(down)).containsOnly(DataProblem.Kind.LOSSY_DOWN);
        assertThat(down.message())
                .contains("restored the schema but not the data")
                .containsPattern("U2__merge_names.sql lost \\d+ of \\d+ non-null values of customers.first_name \\(the column came back empty\\)")
                .contains("customers.last_name")
                .contains("declare the migration lossy: @MigrationTest(lossy = \"2\")");
        assertThat(v2(roundTrip("lossy-down", DataSettings.DEFAULTS), Phase.DOWN).status()).isEqualTo(Status.PASSED);
    }

    @Test
    void declaredLossyDownPassesAndSaysWhatWasLost() {
        RoundTripReport report = roundTrip("lossy-down", SEEDED.declareLossy("2"));
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(v2(report, Phase.DOWN).message()).contains("declared: ").contains("customers.first_name");
        assertThat(report.steps().get(1).note()).contains("data not compared after up again: the down did not restore the data");
    }

    @Test
    void uniqueIndexOverGeneratedDuplicatesFails() {
        DataSettings withDuplicates = DataSettings.DEFAULTS.withRoundTripSeeding(300,
                TableSeed.table("customers").duplicates("email", 0.05));
        PhaseResult up = v2(roundTrip("unique-over-duplicates", withDuplicates), Phase.UP);
        assertThat(up.status()).isEqualTo(Status.FAILED);
        assertThat(up.message()).contains("V2").contains("23505").contains("customers_email_key");
        assertThat(v2(roundTrip("unique-over-duplicates", DataSettings.DEFAULTS), Phase.UP).status()).isEqualTo(Status.PASSED);
    }

    @Test
    void notNullOverSeededNullsFails() {
        RoundTripReport report = roundTrip("not-null-over-nulls", SEEDED);
        PhaseResult up = v2(report, Phase.UP);
        assertThat(up.status()).isEqualTo(Status.FAILED);
        assertThat(up.message()).contains("V2").contains("23502").contains("phone");
        // the text report's row carries the cause: the server's message, SQLState, script, line and statement
        assertThat(report.toText().lines().filter(l -> l.contains("FAILED in up")).findFirst().orElseThrow())
                .contains("up of migration V2 phone required failed: ERROR: column \"phone\"")
                .contains("[SQLState 23502] at V2__phone_required.sql, line 1: ALTER TABLE customers ALTER COLUMN"
                        + " phone SET NOT NULL");
        assertThat(v2(roundTrip("not-null-over-nulls", DataSettings.DEFAULTS), Phase.UP).status()).isEqualTo(Status.PASSED);
    }

    @Test
    void brokenInvariantIsCaughtWithBothResults() {
        Consumer<MigrationRehearsal> invariant = r -> r.invariant("paid orders keep their total",
                "select count(*), sum(total) from orders where status = 'paid'");
        // without boundary values: a total of 99,999,999.99 times 1.2 overflows numeric(10, 2) before the invariant is read
        RoundTripReport report = roundTrip("breaks-invariant", SEEDED.withBoundaryValues(false), invariant);
        PhaseResult up = v2(report, Phase.UP);
        assertThat(up.status()).isEqualTo(Status.FAILED);
        assertThat(kinds(up)).containsExactly(DataProblem.Kind.INVARIANT_BROKEN);
        assertThat(up.message()).contains("invariant \"paid orders keep their total\" broken by V2 add vat")
                .containsPattern("before: \\d+, [\\d.]+")
                .containsPattern("after:  \\d+, [\\d.]+");
        // V1 creates the tables: the invariant cannot run before it, so it is not checked there
        assertThat(report.steps().get(0).status()).isEqualTo(Status.PASSED);
        assertThat(v2(roundTrip("breaks-invariant", DataSettings.DEFAULTS, invariant), Phase.UP).status())
                .isEqualTo(Status.PASSED);
    }

    @Test
    void rowsDeletedByAFunctionTheMigrationCallsAreCaught() {
        PhaseResult up = step(roundTrip("hidden-delete", SEEDED), "V3", Phase.UP);
        assertThat(up.status()).isEqualTo(Status.FAILED);
        assertThat(kinds(up)).containsExactly(DataProblem.Kind.ROW_COUNT_CHANGED);
        assertThat(up.message()).containsPattern("changed the row count of orders from 300 to \\d+ \\(\\d+ rows lost\\), a table it does not even name");
    }

    /** Marker rows a migration inserts itself (also from a DO block) are changes it said it makes: no dataChanges. */
    @Test
    void rowsTheScriptItselfInsertsAreIntended() {
        RoundTripReport report = roundTrip("marker-rows", SEEDED);
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(step(report, "V3", Phase.UP).status()).isEqualTo(Status.PASSED);
        assertThat(step(report, "V4", Phase.UP).status()).isEqualTo(Status.PASSED);
    }

    @Test
    void sequenceLeftBehindExplicitIdsIsCaught() {
        PhaseResult up = v2(roundTrip("sequence-behind", SEEDED), Phase.UP);
        assertThat(up.status()).isEqualTo(Status.FAILED);
        assertThat(kinds(up)).containsExactly(DataProblem.Kind.SEQUENCE_BEHIND);
        assertThat(up.message()).contains("sequence orders_archive_id_seq will hand out 1 next")
                .contains("orders_archive.id already holds values up to 300")
                .contains("setval");
    }

    @Test
    void randomBackfillIsNotReproduced() {
        PhaseResult again = v2(roundTrip("random-backfill", SEEDED), Phase.UP_AGAIN);
        assertThat(again.status()).isEqualTo(Status.FAILED);
        assertThat(kinds(again)).containsExactly(DataProblem.Kind.NOT_REPRODUCED);
        assertThat(again.message()).contains("gave different values in customers.score");
    }

    @Test
    void notValidConstraintThatRowsViolateIsCaught() {
        RoundTripReport report = roundTrip("not-valid-violated", SEEDED, r -> {
            r.migrateTo("1");
            r.seed(TableSeed.table("orders").rows(20).column("total", f -> -5));
        });
        PhaseResult up = v2(report, Phase.UP);
        assertThat(up.status()).isEqualTo(Status.FAILED);
        assertThat(kinds(up)).containsExactly(DataProblem.Kind.CONSTRAINT_VIOLATED);
        assertThat(up.message()).contains("20 rows of orders violate orders_total_positive")
                .contains("VALIDATE CONSTRAINT orders_total_positive will fail");
    }

    /**
     * Rows seeded before a step fire the schema's own triggers (V1's trigger creates order_archive), and rows seeded
     * into the tables an up created fire theirs (V3's writes order_events and creates payment_archive): Rehearsal's
     * doing, so no down is blamed for what they made and no up again for not making it.
     */
    @Test
    void whatSeededRowsMakeTheSchemasTriggersDoIsNoMigrationsChange() {
        RoundTripReport report;
        try (MigrationRehearsal rehearsal = Histories.rehearse(Histories.settings("seeded-triggers").withData(SEEDED))) {
            report = rehearsal.runRoundTrips();
        }
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(step(report, "V2", Phase.DOWN).status()).isEqualTo(Status.PASSED);
        assertThat(step(report, "V3", Phase.DOWN).status()).isEqualTo(Status.PASSED);
        assertThat(step(report, "V3", Phase.UP_AGAIN).status()).isEqualTo(Status.PASSED);
        StepResult v3 = report.steps().stream().filter(s -> s.migration().startsWith("V3 ")).findFirst().orElseThrow();
        assertThat(v3.note()).contains("rows Rehearsal seeded into payments after V3 payments fired their triggers or"
                + " rules, which created table payment_archive, wrote rows of order_events");
    }

    /** Rows a backfill's own WHERE leaves out by a condition on the row were not meant to be filled. */
    @Test
    void rowsABackfillsOwnWhereLeavesOutAreNotAPartialBackfill() {
        DataSettings phonesOftenMissing = SEEDED.withRoundTripSeeding(300, TableSeed.table("customers").nulls("phone", 0.3));
        RoundTripReport report = roundTrip("backfill-by-where", phonesOftenMissing);
        PhaseResult up = v2(report, Phase.UP);
        assertThat(up.status()).as(report.toText()).isEqualTo(Status.PASSED);
        assertThat(kinds(up)).doesNotContain(DataProblem.Kind.PARTIAL_BACKFILL);
    }

    /** A join that finds no row for some targets missed them, whatever the statement's condition on the target. */
    @Test
    void rowsAJoinMissesStillMakeAPartialBackfill() {
        // twice as many customers as orders: at least half of the customers have no order to copy from
        DataSettings moreCustomers = SEEDED.withRoundTripSeeding(300, TableSeed.table("customers").rows(600));
        PhaseResult up = v2(roundTrip("backfill-join-misses", moreCustomers), Phase.UP);
        assertThat(up.status()).isEqualTo(Status.FAILED);
        assertThat(kinds(up)).containsExactly(DataProblem.Kind.PARTIAL_BACKFILL);
        assertThat(up.message()).contains("V2 last order total added customers.last_order_total and filled it for")
                .containsPattern("of 600 rows; \\d+ rows are still NULL")
                .contains("dataChanges = \"2\"");
    }

    /**
     * A foreign key added NOT VALID over a column that had none finds the values its rows held before (here a seed
     * of rows pointing nowhere): they are reported, not counted against the migration.
     */
    @Test
    void orphansHeldBeforeAForeignKeyWasAddedAreNotTheMigrations() {
        RoundTripReport report = roundTrip("fk-over-seeded-values", DataSettings.DEFAULTS, r -> {
            r.migrateTo("2");
            r.seed(TableSeed.table("referrals").rows(20).column("customer_id", f -> 999999));
        });
        PhaseResult up = step(report, "V3", Phase.UP);
        assertThat(up.status()).as(report.toText()).isEqualTo(Status.PASSED);
        assertThat(kinds(up)).as(report.toText()).containsExactly(DataProblem.Kind.FOREIGN_KEY_ORPHANS);
        StepResult v3 = report.steps().stream().filter(s -> s.migration().startsWith("V3 ")).findFirst().orElseThrow();
        assertThat(v3.note()).containsPattern("held before V3 referral customer fk added the key, not counted against"
                        + " it: \\d+ rows of referrals have a customer_id that matches no row of customers")
                .contains("V3 referral customer fk adds referrals_customer_fk over referrals (customer_id)")
                .contains("find them before validating the key with: select count(*) from \"referrals\" c");
    }

    /** Orphans the migration makes itself, before adding the key NOT VALID, still fail it. */
    @Test
    void orphansTheMigrationMakesBeforeAddingTheKeyStillFail() {
        PhaseResult up = step(roundTrip("fk-over-own-orphans", SEEDED), "V3", Phase.UP);
        assertThat(up.status()).isEqualTo(Status.FAILED);
        assertThat(kinds(up)).containsExactly(DataProblem.Kind.FOREIGN_KEY_ORPHANS);
        assertThat(up.message()).containsPattern("\\d+ rows of referrals have a customer_id that matches no row of"
                + " customers \\(foreign key referrals_customer_fk, NOT VALID\\)")
                .contains("VALIDATE CONSTRAINT referrals_customer_fk will fail");
    }

    /**
     * Reference rows a migration inserts are its data changes: into a table it creates, into one a tool names quoted
     * ({@code "public"."Type"}), and into an existing one; each down deletes them again.
     */
    @Test
    void referenceRowsAMigrationInsertsAreIntended() {
        RoundTripReport report = roundTrip("reference-rows", SEEDED);
        assertThat(report.failed()).as(report.toText()).isFalse();
        PhaseResult up = step(report, "V3", Phase.UP);
        assertThat(up.status()).isEqualTo(Status.PASSED);
        assertThat(kinds(up)).isEmpty();
        assertThat(step(report, "V3", Phase.DOWN).status()).isEqualTo(Status.PASSED);
    }

    @Test
    void fixtureRowsInsertedAtAVersionAreCheckedToo() {
        RoundTripReport report = roundTrip("lossy-down", DataSettings.DEFAULTS, r -> {
            r.migrateTo("1");
            r.insert("customers", Map.of("first_name", "Ada", "last_name", "Lovelace", "email", "ada@example.com"));
        });
        PhaseResult down = v2(report, Phase.DOWN);
        assertThat(down.status()).isEqualTo(Status.FAILED);
        assertThat(down.message()).contains("lost 1 of 1 non-null values of customers.first_name");
    }
}
