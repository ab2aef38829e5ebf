package com.example.demo;

import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's own Flyway history, found where Spring Boot finds it ({@code spring.flyway.locations} with
 * {@code {vendor}}) and applied by the Flyway Spring Boot manages, with the application's placeholders: each
 * migration up, down and up again.
 */
@MigrationTest
class DemoMigrationsTest {

    @TestFactory
    Stream<DynamicNode> everyMigrationRoundTrips(Rehearsal rehearsal) {
        return rehearsal.roundTrips();
    }

    @Test
    void theApplicationsPlaceholdersReachItsMigrations(Rehearsal rehearsal) {
        rehearsal.migrateTo("3");
        assertThat(rehearsal.query("select col_description('orders'::regclass, 4)").singleValue())
                .hasValue("read by demo_reader");
    }

    /** The Flyway on the class path is the one Spring Boot manages, not one Rehearsal brought. */
    @Test
    void runsTheFlywaySpringBootManages() {
        assertThat(MigrationVersion.class.getProtectionDomain().getCodeSource().getLocation().toString())
                .contains("flyway-core-" + System.getProperty("expected.flyway", "11.14"));
    }
}
