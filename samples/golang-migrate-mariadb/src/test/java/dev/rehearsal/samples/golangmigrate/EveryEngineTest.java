package dev.rehearsal.samples.golangmigrate;

import dev.rehearsal.core.db.Engine;
import dev.rehearsal.junit.MigrationMatrix;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service ships on MariaDB and on PostgreSQL, so every migration is rehearsed on both: once per engine, with the
 * engine and its version in the test's name ({@code [MariaDB 10.11.19 server at 127.0.0.1:3306]},
 * {@code [embedded PostgreSQL 18.6]}). A migration that only works on one of them fails on the other's line.
 */
@MigrationTest(migrations = "classpath:db/migrations", engines = {Engine.MARIADB, Engine.POSTGRES})
class EveryEngineTest {

    @MigrationMatrix
    void everyMigrationRoundTripsOverSeededRowsOnEachEngine(Rehearsal rehearsal) {
        rehearsal.seedEachStep(300);
        assertThat(rehearsal.runRoundTrips()).hasNoFailures();
    }

    @MigrationMatrix
    void golangMigrateBookkeepingIsKeptOnEachEngine(Rehearsal rehearsal) {
        rehearsal.migrateTo("latest");
        assertThat(rehearsal.query("select version, dirty from schema_migrations").rows())
                .hasSize(1).first().satisfies(row -> {
                    assertThat(((Number) row.get(0)).longValue()).isEqualTo(4L);
                    assertThat(row.get(1)).isIn(false, 0, 0L);
                });
    }

    /** Plain tests run on the first engine listed: MariaDB here. */
    @Test
    void seededOrdersFitTheChecksAndForeignKeys(Rehearsal rehearsal) {
        rehearsal.migrateTo("3");
        rehearsal.seed(500);
        assertThat(rehearsal.query("select count(*) from orders where status not in ('new', 'paid', 'shipped')"
                + " or total < 0").rows()).containsExactly(List.of(0L));
        assertThat(rehearsal.query("select count(*) from orders o left join users u on u.id = o.user_id"
                + " where u.id is null").rows()).containsExactly(List.of(0L));
        assertThat(rehearsal.query("select version()").rows().get(0).get(0).toString()).contains("MariaDB");
    }
}
