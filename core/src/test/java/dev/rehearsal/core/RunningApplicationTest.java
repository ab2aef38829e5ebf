package dev.rehearsal.core;

import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.locks.LockRisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The running application's queries after each migration, on embedded PostgreSQL: the queries of the version before
 * (histories' running-app corpus) prepared and, for writes, run and rolled back over seeded rows after every up. A
 * NOT NULL column without a default, a narrowed type, a dropped column still read and a rename each break a query and
 * are a breaks-running-app risk naming it; an added nullable column, a new table, an index and a column nobody reads
 * pass.
 */
class RunningApplicationTest {

    private static final Path CORPUS = Path.of("src/test/resources/queries/running-app.sql");
    private static final Path NEW_APP = Path.of("src/test/resources/queries/new-app.sql");
    private static final String RULE = "breaks-running-app";

    private static RehearsalSettings settings(ApplicationQueries queries) {
        return Histories.settings("running-app").withQueries(queries)
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(20).withBoundaryValues(false)
                        .declareLossy("5", "8")); // dropping a column loses its values: the downs cannot bring them back
    }

    private static Map<String, List<LockRisk>> risksByStep(RoundTripReport report) {
        return report.steps().stream().collect(Collectors.toMap(StepResult::script, s -> s.phases().stream()
                .flatMap(p -> p.locks().risks().stream()).filter(r -> r.rule().equals(RULE)).toList()));
    }

    private static LockRisk guessed(RoundTripReport report, String script, String rule) {
        return report.steps().stream().filter(s -> s.script().equals(script)).flatMap(s -> s.phases().stream())
                .flatMap(p -> p.locks().risks().stream()).filter(r -> r.rule().equals(rule)).findFirst()
                .orElseThrow(() -> new AssertionError(script + " has no " + rule + " risk"));
    }

    @Test
    void eachBreakNamesTheQueryAndTheServersErrorAndHarmlessChangesPass() {
        RoundTripReport report;
        try (MigrationRehearsal r = Histories.rehearse(settings(ApplicationQueries.of(CORPUS)))) {
            report = r.runRoundTrips();
        }
        Map<String, List<LockRisk>> risks = risksByStep(report);
        assertThat(report.steps()).allSatisfy(s -> assertThat(s.status()).as(s.migration()).isEqualTo(PhaseResult.Status.PASSED));
        for (String harmless : List.of("V1__customers_and_orders.sql", "V2__orders_note.sql", "V3__invoices.sql",
                "V4__orders_status_index.sql", "V5__drop_unread_column.sql", "V10__orders_guard.sql")) {
            assertThat(risks.get(harmless)).as(harmless).isEmpty();
        }
        assertThat(single(risks, "V6__orders_channel.sql").reason())
                .contains("insert into orders (customer_id, total) values ($1, $2) (23502: null value in column \"channel\"");
        assertThat(single(risks, "V6__orders_channel.sql").alternative()).contains("give channel a default");
        assertThat(single(risks, "V7__narrow_full_name.sql").reason())
                .contains("insert into customers (email, full_name) values ($1, $2) (22001: value too long");
        assertThat(single(risks, "V8__drop_order_status.sql").reason())
                .contains("select id, status from orders where customer_id = $1 order by id (42703: column \"status\" does not exist)")
                .contains("select * from orders where id = $1 (returns status text no more");
        LockRisk rename = single(risks, "V9__rename_full_name.sql");
        assertThat(rename.reason()).startsWith("breaks 1 of ")
                .contains("select id, email, full_name from customers where id = $1 (42703: column \"full_name\" does not exist)");
        assertThat(rename.alternative()).startsWith("contract after every running version stops reading customers.full_name");
        assertThat(rename.table()).isEqualTo("customers");
        assertThat(risks.get("V10__orders_guard.sql")).isEmpty();
        // the rules that guess from the text are answered by the queries: a column nobody reads may go, and the
        // rename is reported once, by what broke
        assertThat(guessed(report, "V5__drop_unread_column.sql", "drop-column").suppressed())
                .matches("none of the running application's \\d+ queries breaks");
        assertThat(guessed(report, "V9__rename_full_name.sql", "rename").suppressed())
                .isEqualTo("the running application's queries were run: see " + RULE);
        // a function alone changed: the writes to tables with triggers run again
        assertThat(single(risks, "V11__freeze_orders.sql").reason())
                .contains("update orders set total = $1 where id = $2 (P0001: orders are frozen)");

        String notes = report.steps().stream().map(StepResult::note).collect(Collectors.joining("\n"));
        assertThat(notes).contains("reads return more columns after the up: select * from orders where id = $1 (now also returns note text)")
                .contains("running-app.sql:10: neither reads nor writes rows (SET)")
                .contains("running-app.sql:11: not SQL: this is not sql at all")
                .contains("select no_such_column from customers (42703: column \"no_such_column\" does not exist)")
                .doesNotContain("(42P01"); // a query is not reported for failing before the migration creating its table
        assertThat(notes.split("not SQL: this is not sql", -1)).as("reported once").hasSize(2);
    }

    /**
     * A read column whose type changes but whose values reach the application as the same kind of value (varchar to
     * an enum: a String either way) is noted; one that reaches it as another kind (an integer becoming text) breaks.
     */
    @Test
    void aTypeChangeBreaksAReadOnlyWhereTheApplicationGetsAnotherKindOfValue(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("migrations"));
        Files.writeString(dir.resolve("V1__posts.sql"), """
                create table posts (id bigint generated always as identity primary key,
                    status varchar(20) not null default 'draft' check (status in ('draft', 'live')), code integer);
                """);
        Files.writeString(dir.resolve("V2__status_enum.sql"), """
                create type post_status as enum ('draft', 'live');
                alter table posts alter column status drop default;
                alter table posts alter column status type post_status using status::post_status;
                """);
        Files.writeString(dir.resolve("U2__status_enum.sql"), """
                alter table posts alter column status type varchar(20) using status::text;
                alter table posts alter column status set default 'draft';
                drop type post_status;
                """);
        Files.writeString(dir.resolve("V3__code_text.sql"),
                "alter table posts alter column code type text using code::text;\n");
        Files.writeString(dir.resolve("U3__code_text.sql"),
                "alter table posts alter column code type integer using code::integer;\n");
        Path queries = Files.writeString(root.resolve("queries.sql"),
                "select id, status, code from posts where id = $1;\n");
        RoundTripReport report;
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + dir)
                .withQueries(ApplicationQueries.of(queries))
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(10).withBoundaryValues(false)))) {
            report = r.runRoundTrips();
        }
        Map<String, List<LockRisk>> risks = risksByStep(report);
        assertThat(risks.get("V2__status_enum.sql")).isEmpty();
        assertThat(report.steps().get(1).note()).contains("reads return a column of another type after the up, as the"
                + " same kind of value: select id, status, code from posts where id = $1 (status is post_status, was"
                + " varchar; still a java.lang.String to the application)");
        assertThat(single(risks, "V3__code_text.sql").reason()).contains("select id, status, code from posts where"
                + " id = $1 (returns code int4 no more; now id bigserial, status post_status, code text)");
    }

    /**
     * A write the server can no longer prepare after the up (its condition names the dropped column, its parameters
     * columns that remain) breaks with the server's error, as one whose parameter is the dropped column does, and
     * neither is reported for failing before its table existed.
     */
    @Test
    void aWriteTheServerCanNoLongerPrepareBreaksWithItsError(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("migrations"));
        Files.writeString(dir.resolve("V1__accounts.sql"), """
                create table accounts (id bigint generated always as identity primary key, email text not null,
                    nickname text);
                """);
        Files.writeString(dir.resolve("V2__drop_nickname.sql"), "alter table accounts drop column nickname;\n");
        Files.writeString(dir.resolve("U2__drop_nickname.sql"), "alter table accounts add column nickname text;\n");
        Path queries = Files.writeString(root.resolve("queries.sql"), """
                update accounts set email = $1 where id = $2 and nickname is not null;
                insert into accounts (email, nickname) values ($1, $2);
                insert into accounts (email) values ($1);
                """);
        RoundTripReport report;
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + dir)
                .withQueries(ApplicationQueries.of(queries).withoutTraffic()))) {
            report = r.runRoundTrips();
        }
        Map<String, List<LockRisk>> risks = risksByStep(report);
        assertThat(risks.get("V1__accounts.sql")).isEmpty();
        assertThat(single(risks, "V2__drop_nickname.sql").reason()).startsWith("breaks 2 of 3 queries")
                .contains("update accounts set email = $1 where id = $2 and nickname is not null (42703: column"
                        + " \"nickname\" does not exist)")
                .contains("insert into accounts (email, nickname) values ($1, $2) (42703: column \"nickname\"");
        assertThat(report.steps().stream().map(StepResult::note).collect(Collectors.joining("\n")))
                .doesNotContain("42P01").doesNotContain("could not be checked");
    }

    @Test
    void anAllowedBreakIsReportedButSuppressed() {
        RehearsalSettings settings = settings(ApplicationQueries.of(CORPUS));
        settings = settings.withLocks(settings.locks().allowRisk("9", RULE, "no version running at V9 reads full_name"));
        try (MigrationRehearsal r = Histories.rehearse(settings)) {
            LockRisk rename = single(risksByStep(r.runRoundTrips()), "V9__rename_full_name.sql");
            assertThat(rename.suppressed()).isEqualTo("no version running at V9 reads full_name");
        }
    }

    @Test
    void theNewApplicationsQueriesAreCheckedAfterEachDown() {
        try (MigrationRehearsal r = Histories.rehearse(settings(ApplicationQueries.of(CORPUS).withAfter(NEW_APP)))) {
            RoundTripReport report = r.runRoundTrips();
            StepResult rename = report.steps().stream().filter(s -> s.script().equals("V9__rename_full_name.sql"))
                    .findFirst().orElseThrow();
            LockRisk afterDown = rename.phase(PhaseResult.Phase.DOWN).orElseThrow().locks().risks().stream()
                    .filter(k -> k.rule().equals(RULE)).findFirst().orElseThrow();
            assertThat(afterDown.reason()).contains("of the new application after a rollback")
                    .contains("select id, display_name from customers where id = $1 (42703: column \"display_name\" does not exist)");
            assertThat(afterDown.statement()).isEqualTo("U9__rename_full_name.sql");
        }
    }

    /**
     * The checks after each phase leave no trace; the same writes played as traffic during the migrations leave no
     * rows either, though their inserts advance sequences, as the application's rolled-back inserts do in production.
     */
    @Test
    void theWritesLeaveNoTraceInSequencesOrRows() {
        String sequences = "select string_agg(sequencename || '=' || coalesce(last_value, 0), ',' order by sequencename)"
                + " from pg_sequences where schemaname = 'public'";
        String rows = "select (select count(*) from customers) || '/' || (select count(*) from orders)";
        Object withQueries;
        Object without;
        Object rowsPlayed;
        try (MigrationRehearsal r = Histories.rehearse(settings(ApplicationQueries.of(CORPUS).withoutTraffic()))) {
            r.runRoundTrips();
            withQueries = r.query(sequences).rows().get(0).get(0) + " " + r.query(rows).rows().get(0).get(0);
        }
        try (MigrationRehearsal r = Histories.rehearse(settings(ApplicationQueries.of(CORPUS)))) {
            r.runRoundTrips();
            rowsPlayed = r.query(rows).rows().get(0).get(0);
        }
        try (MigrationRehearsal r = Histories.rehearse(settings(ApplicationQueries.NONE))) {
            r.runRoundTrips();
            without = r.query(sequences).rows().get(0).get(0) + " " + r.query(rows).rows().get(0).get(0);
        }
        assertThat(withQueries).isEqualTo(without);
        assertThat(without.toString()).endsWith(" " + rowsPlayed);
    }

    /**
     * On MariaDB, from a performance_schema digest export: the server prepares each digest, so a rename fails there,
     * and the old INSERT fails under strict mode once a NOT NULL column without a default is added.
     */
    @Test
    void onMariaDbTheDigestsOfTheRunningApplicationAreCheckedToo() {
        RehearsalSettings settings = Histories.settings("mariadb-running-app")
                .withQueries(ApplicationQueries.of(Path.of("src/test/resources/queries/mariadb-digests.csv")))
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(10).withBoundaryValues(false));
        Object nextId;
        try (DatabaseProvider mariadb = DatabaseProviders.server(
                MariaDbTest.URL, "root", "");
             MigrationRehearsal r = MigrationRehearsal.start(settings.withQueries(ApplicationQueries.NONE), mariadb,
                     getClass().getClassLoader())) {
            r.runRoundTrips();
            nextId = r.query("select auto_increment from information_schema.tables where table_schema = database()"
                    + " and table_name = 'customers'").singleValue().orElseThrow();
        }
        try (DatabaseProvider mariadb = DatabaseProviders.server(
                MariaDbTest.URL, "root", "");
             MigrationRehearsal r = MigrationRehearsal.start(settings.withQueries(settings.queries().withoutTraffic()),
                     mariadb, getClass().getClassLoader())) {
            // the checks after each phase alone: the same INSERTs played as traffic draw AUTO_INCREMENT values, as
            // the application's rolled-back ones do in production
            RoundTripReport report = r.runRoundTrips();
            Map<String, List<LockRisk>> risks = risksByStep(report);
            assertThat(risks.get("V2__nickname.sql")).as(report.toText()).isEmpty();
            assertThat(single(risks, "V3__tier_without_default.sql").reason()).as(report.toText())
                    .contains("INSERT INTO `customers` ( `email` , `full_name` ) VALUES (...)")
                    .contains("Field 'tier' doesn't have a default value");
            assertThat(single(risks, "V3__tier_without_default.sql").alternative()).startsWith("give tier a default");
            assertThat(single(risks, "V4__rename_full_name.sql").reason())
                    .contains("SELECT `id` , `full_name` FROM `customers` WHERE `id` = ? (42S22: Unknown column 'full_name'");
            assertThat(single(risks, "V4__rename_full_name.sql").alternative())
                    .startsWith("contract after every running version stops reading customers.full_name");
            // InnoDB keeps the AUTO_INCREMENT values rolled-back INSERTs drew: the probe sets them back
            assertThat(r.query("select auto_increment from information_schema.tables where table_schema = database()"
                    + " and table_name = 'customers'").singleValue()).hasValue(nextId);
        }
    }

    private static LockRisk single(Map<String, List<LockRisk>> risks, String script) {
        assertThat(risks.get(script)).as(script).hasSize(1);
        return risks.get(script).get(0);
    }
}
