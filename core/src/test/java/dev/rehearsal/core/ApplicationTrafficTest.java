package dev.rehearsal.core;

import dev.rehearsal.core.locks.QueryWaits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's own statements as traffic while each migration runs, on embedded PostgreSQL: a step that holds
 * ACCESS EXCLUSIVE on a table with rows (a type change that rewrites it, held open as a long deploy holds it) fails
 * {@code rehearsal.queries.max-wait} naming the application's statement on that table, its wait and the migration
 * statement and lock behind it; the index built CONCURRENTLY passes; a statement on a table the migrations never touch
 * is never played, so never reported waiting. Budgets are far from the hold, so a busy machine cannot change the
 * verdicts.
 */
class ApplicationTrafficTest {

    private static final String LOOKUP = "select id, customer, total from orders where id = $1";
    private static final String BUMP = "update orders set total = total + 1 where id = $1";
    private static final String AUDIT = "select id, message from audit_log where id = $1";

    private static Path history(Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("migrations"));
        Files.writeString(dir.resolve("V1__orders.sql"), """
                create table orders (id bigint generated always as identity primary key, customer text not null,
                    total integer not null);
                insert into orders (customer, total) select 'customer ' || g, g % 1000 from generate_series(1, 20000) g;
                create table audit_log (id bigint generated always as identity primary key, message text not null);
                insert into audit_log (message) values ('created');
                """);
        // the rewrite holds ACCESS EXCLUSIVE on orders until the deploy's transaction ends, two seconds later
        Files.writeString(dir.resolve("V2__total_bigint.sql"), """
                alter table orders alter column total type bigint;
                select pg_sleep(2);
                """);
        Files.writeString(dir.resolve("U2__total_bigint.sql"), "alter table orders alter column total type integer;\n");
        Files.writeString(dir.resolve("V3__customer_index.sql"),
                "create index concurrently orders_customer_idx on orders (customer);\n");
        Files.writeString(dir.resolve("U3__customer_index.sql"), "drop index concurrently orders_customer_idx;\n");
        return dir;
    }

    private static Path queries(Path root) throws Exception {
        return Files.writeString(root.resolve("queries.sql"), LOOKUP + ";\n" + BUMP + ";\n" + AUDIT + ";\n"
                + "select no_such_column from orders;\n");
    }

    private static RoundTripReport rehearse(Path root, ApplicationQueries queries) throws Exception {
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + history(root))
                .withQueries(queries))) {
            return r.runRoundTrips();
        }
    }

    private static StepResult step(RoundTripReport report, String script) {
        return report.steps().stream().filter(s -> s.script().equals(script)).findFirst().orElseThrow();
    }

    @Test
    void aRewriteUnderAccessExclusiveFailsTheBudgetNamingTheApplicationsStatementAndConcurrentlyPasses(
            @TempDir Path root) throws Exception {
        RoundTripReport report = rehearse(root, ApplicationQueries.of(queries(root)).withMaxWait(Duration.ofSeconds(1)));

        PhaseResult rewrite = step(report, "V2__total_bigint.sql").phase(PhaseResult.Phase.UP).orElseThrow();
        assertThat(rewrite.status()).as(report.toText()).isEqualTo(PhaseResult.Status.FAILED);
        assertThat(rewrite.message()).contains("kept the application waiting longer than its budget"
                        + " (rehearsal.queries.max-wait)")
                .contains("queries.sql:1: " + LOOKUP + " (reads on orders) waited ").contains(" ms (budget 1000 ms)")
                .contains("behind ACCESS EXCLUSIVE on orders taken by V2__total_bigint.sql line 1:")
                .contains("safer:");
        QueryWaits lookup = rewrite.locks().queries().stream().filter(q -> q.query().equals(LOOKUP)).findFirst()
                .orElseThrow(() -> new AssertionError(rewrite.locks().toText()));
        assertThat(lookup.table()).isEqualTo("orders");
        assertThat(lookup.origin()).endsWith("queries.sql:1");
        assertThat(lookup.waited()).isPositive();
        assertThat(lookup.longestWait()).isGreaterThan(Duration.ofSeconds(1));
        assertThat(lookup.behind()).hasValueSatisfying(b -> {
            assertThat(b.lock().relation()).isEqualTo("orders");
            assertThat(b.where()).startsWith("V2__total_bigint.sql line 1:");
        });
        assertThat(rewrite.locks().queries()).extracting(QueryWaits::query).contains(BUMP);
        // the probes still play the table too: the lock budgets and the lock queue are theirs
        assertThat(rewrite.locks().probes()).extracting(p -> p.table()).contains("orders");

        PhaseResult concurrently = step(report, "V3__customer_index.sql").phase(PhaseResult.Phase.UP).orElseThrow();
        assertThat(concurrently.status()).as(report.toText()).isEqualTo(PhaseResult.Status.PASSED);
        assertThat(concurrently.locks().queries()).as("played on the table the index is built on")
                .extracting(QueryWaits::query).contains(LOOKUP, BUMP);

        // the table no migration touches gets no traffic: its statement is never reported, waiting or not
        assertThat(report.steps()).flatExtracting(StepResult::phases).flatExtracting(p -> p.locks().queries())
                .extracting(QueryWaits::query).doesNotContain(AUDIT);
        // a statement that cannot run before the migration is named once, left out of the traffic
        String notes = String.join("\n", report.steps().stream().map(StepResult::note).toList());
        assertThat(notes).contains("left out of its traffic").contains("queries.sql:4: select no_such_column from orders")
                .contains("42703");
        // the text report names each phase's longest-waiting statement, and what it waited behind
        assertThat(report.toText()).containsPattern("application: .*queries.sql:[12]: .* waited \\d+ ms in the up( again)? \\(.*"
                + "\\), behind ACCESS EXCLUSIVE on orders taken by V2__total_bigint.sql line 1");
    }

    @Test
    void aTablesOwnBudgetTakesThePlaceOfTheGeneralOne(@TempDir Path root) throws Exception {
        RoundTripReport report = rehearse(root, ApplicationQueries.of(queries(root)).withMaxWait(Duration.ofSeconds(1))
                .withMaxWaitOn("orders", Duration.ofMinutes(1)));
        assertThat(report.steps()).as(report.toText())
                .allSatisfy(s -> assertThat(s.status()).isEqualTo(PhaseResult.Status.PASSED));
        // it passed with the wait that fails the general budget: the lookup was played and waited out the hold
        QueryWaits lookup = step(report, "V2__total_bigint.sql").phase(PhaseResult.Phase.UP).orElseThrow().locks()
                .queries().stream().filter(q -> q.query().equals(LOOKUP)).findFirst().orElseThrow();
        assertThat(lookup.longestWait()).isGreaterThan(Duration.ofSeconds(1));
    }

    @Test
    void withTrafficOffTheQueriesAreCheckedAfterEachPhaseButNotPlayed(@TempDir Path root) throws Exception {
        RoundTripReport report = rehearse(root, ApplicationQueries.of(queries(root)).withoutTraffic()
                .withMaxWait(Duration.ofSeconds(1)));
        assertThat(report.steps()).flatExtracting(StepResult::phases).flatExtracting(p -> p.locks().queries()).isEmpty();
        assertThat(step(report, "V2__total_bigint.sql").status()).as(report.toText())
                .isEqualTo(PhaseResult.Status.PASSED);
        // the budget cannot hold anything without traffic: it says so rather than passing in silence
        assertThat(String.join("\n", report.steps().stream().map(StepResult::note).toList()))
                .containsOnlyOnce("warning: rehearsal.queries.max-wait is set, but the statements are not played as"
                        + " traffic (rehearsal.queries.traffic=false)");
    }

    @Test
    void aFileWithNoStatementToRunLeavesTheProbesAloneWithAWarning(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("migrations"));
        Files.writeString(dir.resolve("V1__orders.sql"), "create table orders (id bigint primary key, total integer);\n"
                + "insert into orders select g, g from generate_series(1, 100) g;\n");
        Files.writeString(dir.resolve("V2__orders_note.sql"), "alter table orders add column note text;\n");
        Path notSql = Files.writeString(root.resolve("queries.sql"), "this is not sql;\nnor is this;\n");
        RoundTripReport report;
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + dir)
                .withQueries(ApplicationQueries.of(notSql)))) {
            report = r.runRoundTrips();
        }
        assertThat(report.steps()).as(report.toText())
                .allSatisfy(s -> assertThat(s.status()).isEqualTo(PhaseResult.Status.PASSED));
        assertThat(String.join("\n", report.steps().stream().map(StepResult::note).toList()))
                .containsOnlyOnce("warning: the application's statement files (rehearsal.queries.file) hold no"
                        + " statement Rehearsal can run, so the synthetic probes play alone");
        PhaseResult up = report.steps().get(1).phase(PhaseResult.Phase.UP).orElseThrow();
        assertThat(up.locks().queries()).isEmpty();
        assertThat(up.locks().probes()).extracting(p -> p.table()).contains("orders");
    }
}
