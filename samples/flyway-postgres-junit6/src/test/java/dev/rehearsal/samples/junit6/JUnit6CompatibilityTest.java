package dev.rehearsal.samples.junit6;

import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The extension under JUnit 6: parameters, dynamic round trips, store cleanup. */
@MigrationTest(migrations = "classpath:db/migration")
class JUnit6CompatibilityTest {

    @Test
    void runsOnJUnit6() {
        assertThat(Test.class.getPackage().getImplementationVersion()).startsWith("6.");
    }

    @TestFactory
    Stream<DynamicNode> everyMigrationRoundTrips(Rehearsal rehearsal) {
        return rehearsal.roundTrips();
    }

    @Test
    void migratesToAVersion(Rehearsal rehearsal) {
        rehearsal.migrateTo("4");
        assertThat(rehearsal.schema()).table("orders").column("status").hasType("text").isNotNull();
    }
}
