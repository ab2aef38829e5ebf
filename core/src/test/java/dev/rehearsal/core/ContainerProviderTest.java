package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.internal.containers.ContainerProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Testcontainers for real: PostgreSQL 15 in the image .ci/build-images.sh builds from Debian's packages with
 * debootstrap (no registry here), declared a substitute for the official postgres image; one container for the run.
 */
class ContainerProviderTest {

    static final String IMAGE = "rehearsal/postgres:15-debian";

    @AfterAll
    static void stop() {
        DatabaseProviders.stopContainers();
    }

    @Test
    void roundTripsInAContainerStartedOnceAndReused() {
        DatabaseProvider provider = DatabaseProviders.container(IMAGE);
        assertThat(DatabaseProviders.container(IMAGE)).as("one container per image for the run").isSameAs(provider);
        assertThat(provider.describe()).matches("PostgreSQL 15\\.\\d+ in container rehearsal/postgres:15-debian");
        assertThat(((ContainerProvider) provider).startMillis()).isPositive();
        try (MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("good"), provider, getClass().getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.database()).contains("in container rehearsal/postgres:15-debian");
        }
        try (MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("pg16-only"), provider, getClass().getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.steps().get(1).status()).as("any_value() is PostgreSQL 16's").isEqualTo(PhaseResult.Status.FAILED);
        }
    }
}
