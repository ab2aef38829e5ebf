package dev.rehearsal.samples.flyway;

import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * The regression suite over the whole history: every migration applied, reverted with its undo script and
 * applied again on a throwaway database, checking that down leaves no trace and that up reproduces its schema.
 * Prints a per-migration summary and writes target/rehearsal/ShopMigrationsRoundTripTest.everyMigrationRoundTrips.*.
 */
@MigrationTest(migrations = "classpath:db/migration")
class ShopMigrationsRoundTripTest {

    @TestFactory
    Stream<DynamicNode> everyMigrationRoundTrips(Rehearsal rehearsal) {
        return rehearsal.roundTrips();
    }
}
