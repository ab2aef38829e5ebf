package dev.rehearsal.core;

import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.internal.containers.ContainerProvider;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Testcontainers for real: PostgreSQL 15 in the image .ci/build-images.sh builds from Debian's packages with
 * debootstrap (no registry here), declared a substitute for the official postgres image; one container for the run;
 * likewise MariaDB 10.11.
 */
class ContainerProviderTest {

    static final String IMAGE = "rehearsal/postgres:15-debian";
    static final String MARIADB_IMAGE = "rehearsal/mariadb:10.11-debian";

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

    @Test
    void postgresDatabasesInTheContainerAreTemplateClones() throws Exception {
        DatabaseProvider provider = DatabaseProviders.container(IMAGE);
        try (var a = provider.createDatabase(); var b = provider.createDatabase();
             var c = a.dataSource().getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("select count(*) from pg_database where datname = 'rehearsal_template'"
                     + " and datistemplate and not datallowconn")) {
            assertThat(a.name()).startsWith("rehearsal_").isNotEqualTo(b.name());
            rs.next();
            assertThat(rs.getInt(1)).as("the template nobody may connect to").isEqualTo(1);
        }
    }

    @Test
    void mariaDbRunsInAContainerWithLockInstrumentsOn() {
        DatabaseProvider provider = DatabaseProviders.container(MARIADB_IMAGE);
        assertThat(DatabaseProviders.container(MARIADB_IMAGE)).isSameAs(provider);
        assertThat(provider.describe()).matches("MariaDB 10\\.11\\.\\d+.* in container rehearsal/mariadb:10.11-debian");
        try (MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("mariadb-shop")
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(50)), provider,
                getClass().getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.database()).contains("in container " + MARIADB_IMAGE);
            assertThat(report.steps().get(0).status()).as(report.toText()).isEqualTo(PhaseResult.Status.PASSED);
            assertThat(report.steps().get(1).phase(PhaseResult.Phase.DOWN).orElseThrow().message())
                    .as("the lossy down of 000002").contains("customers.country");
            assertThat(r.query("select @@performance_schema, (select enabled from performance_schema.setup_instruments"
                    + " where name = 'wait/lock/metadata/sql/mdl')").rows()).containsExactly(List.of(1L, "YES"));
        }
    }

    @Test
    void mysqlImagesAreRefusedWithTheAlternatives() {
        Assertions.assertThatThrownBy(() -> DatabaseProviders.container("mysql:8.4"))
                .hasMessageContaining("looks like MySQL").hasMessageContaining("rehearsal.jdbc.url");
    }
}
