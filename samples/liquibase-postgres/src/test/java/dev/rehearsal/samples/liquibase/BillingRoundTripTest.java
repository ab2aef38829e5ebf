package dev.rehearsal.samples.liquibase;

import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import dev.rehearsal.junit.Seed;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * The regression suite over the whole changelog, on realistic data: before each changeset every table is topped up
 * to 1,000 generated rows; then Liquibase applies the changeset, rolls it back (its {@code <rollback>}, or the one
 * Liquibase derives) and applies it again on a throwaway database. The rollback must leave no trace in the schema
 * and give every value back; the changeset applied again must reproduce both. Contexts come from
 * junit-platform.properties ({@code prod}), so the dev-only demo plans are not rehearsed: 8 changesets, 24 tests.
 */
@MigrationTest // the changelog is named in junit-platform.properties, and Liquibase is detected from the file
@Seed(rows = 1000)
class BillingRoundTripTest {

    @TestFactory
    Stream<DynamicNode> everyChangesetRoundTrips(Rehearsal rehearsal) {
        return rehearsal
                .invariant("invoices keep their amounts", "select count(*), sum(amount_cents) from invoices")
                .invariant("every customer keeps their email", "select count(*), count(distinct email) from customers")
                .roundTrips();
    }
}
