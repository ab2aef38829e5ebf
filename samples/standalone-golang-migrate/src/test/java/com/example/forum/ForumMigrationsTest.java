package com.example.forum;

import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import dev.rehearsal.junit.Seed;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forum's whole golang-migrate history, as the Go service's team would rehearse it: each migration up, down and
 * up again over 200 generated rows per table, with no per-column set-up. The history has a numbering gap (4, 9),
 * a marker row, JSON and enum conversions of columns the service always filled that way, and a column that points
 * at posts without a foreign key until version 11.
 */
@MigrationTest(lossy = "12") // U12 cannot know which full names were NULL before the backfill: declared
@Seed(rows = 200)
class ForumMigrationsTest {

    @TestFactory
    Stream<DynamicNode> everyMigrationRoundTrips(Rehearsal rehearsal) {
        return rehearsal.roundTrips();
    }

    /**
     * Rehearsal runs the PostgreSQL major the binaries on the test class path give: 18, the README's, with nothing but
     * rehearsal-junit5; another where the pom imports zonky's BOM (the postgres-16 and postgres-14 profiles). The pom
     * also sets rehearsal.postgres.major, which refuses a run on another major before any migration.
     */
    @Test
    void runsOnTheProductionMajor(Rehearsal rehearsal) {
        assertThat(rehearsal.query("select current_setting('server_version_num')::int / 10000").singleValue())
                .hasValue(Integer.getInteger("rehearsal.postgres.major"));
    }

    /** V12 backfills, then asks for ACCESS EXCLUSIVE in the same transaction: writers deadlock with it. */
    @Test
    void backfillThenNotNullDeadlocksWithWriters(Rehearsal rehearsal) {
        rehearsal.migrateTo("11");
        rehearsal.seed(2_000);
        MigrationRun run = rehearsal.migrateTo("12");
        assertThat(run).hasRisk("deadlock-with-writers").hasRisk("set-not-null");
    }
}
