package dev.rehearsal.core;

import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Liquibase changelogs through Liquibase's own API (issue 14, part 1, first slice): detected from the changelog file,
 * one migration per changeset (XML and formatted SQL, an include), up by Liquibase's update, down by its rollback
 * (automatic or explicit); a wrong explicit rollback is caught; a changeset Liquibase cannot roll back is rehearsed by
 * restore and re-apply; DATABASECHANGELOG is kept as Liquibase keeps it and left out of schema comparisons.
 */
class LiquibaseTest {

    private static final String CHANGELOG = "classpath:histories/liquibase/db.changelog-master.xml";

    @Test
    void eachChangesetIsAMigrationRehearsedThroughLiquibase() {
        RoundTripReport report;
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of(CHANGELOG)
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(20)))) {
            assertThat(r.history().versioned()).extracting(Migration::displayName).containsExactly(
                    // as Liquibase names a changeset: file::id::author
                    "histories/liquibase/db.changelog-master.xml::1-customers::alice", "histories/liquibase/db.changelog-master.xml::2-customer-name::alice",
                    "histories/liquibase/changes/003-orders.sql::3-orders::carol",
                    "histories/liquibase/db.changelog-master.xml::4-orders-status-index::bob", "histories/liquibase/db.changelog-master.xml::5-normalize-emails::bob");
            assertThat(r.history().versioned().get(2).up().location()).endsWith("changes/003-orders.sql");
            assertThat(r.history().versioned().get(1).up().sql()).contains("CREATE INDEX customers_name_idx");
            report = r.runRoundTrips();

            // the wrong explicit rollback leaves its index behind, named
            StepResult index = report.steps().get(3);
            assertThat(index.phase(PhaseResult.Phase.DOWN)).hasValueSatisfying(p -> {
                assertThat(p.status()).isEqualTo(PhaseResult.Status.FAILED);
                assertThat(p.message()).contains("orders_status_idx");
            });
            // raw SQL has no automatic rollback: restore and re-apply instead of a down
            assertThat(report.steps().get(4).phase(PhaseResult.Phase.RESTORE)).hasValueSatisfying(p ->
                    assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED));
            for (int i : List.of(0, 1, 2)) {
                assertThat(report.steps().get(i).phases()).as(report.toText())
                        .allSatisfy(p -> assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED));
            }
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("5"));
            assertThat(r.query("select id, author, orderexecuted from databasechangelog order by orderexecuted").rows())
                    .extracting(row -> row.get(0) + " " + row.get(1)).containsExactly("1-customers alice",
                            "2-customer-name alice", "3-orders carol", "4-orders-status-index bob", "5-normalize-emails bob");
            assertThat(r.schema().table("databasechangelog")).isEmpty();
        }
    }

    @Test
    void migrateToTakesAChangesetIdOrPositionAndGoesBackWithRollbacks() {
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of(CHANGELOG))) {
            r.migrateTo("3-orders"); // a changeset's id names it as well as its position
            assertThat(r.schema().table("orders")).isPresent();
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("3"));
            r.migrateTo("1");
            assertThat(r.schema().table("orders")).isEmpty();
            assertThat(r.schema().column("customers", "name")).isEmpty();
            assertThat(r.query("select count(*) from databasechangelog").rows().get(0).get(0)).isEqualTo(1L);
        }
    }

    @Test
    void yamlChangelogsAreRehearsedToo() {
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("classpath:histories/liquibase-yaml/changelog.yaml"))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps()).extracting(StepResult::migration).containsExactly(
                    "histories/liquibase-yaml/changelog.yaml::accounts::dana", "histories/liquibase-yaml/changelog.yaml::accounts-owner::dana");
        }
    }

    @Test
    void aChangelogThatDoesNotParseOrDoesNotExistIsNamed() {
        Assertions.assertThatThrownBy(() -> Histories.rehearse(RehearsalSettings.of(
                        "classpath:histories/liquibase-broken/db.changelog-master.xml")))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("Liquibase could not read the changelog classpath:histories/liquibase-broken/db.changelog-master.xml")
                .hasMessageContaining("Error parsing line 2 column 72 of histories/liquibase-broken/db.changelog-master.xml");
        Assertions.assertThatThrownBy(() -> Histories.rehearse(RehearsalSettings.of(
                        "classpath:histories/liquibase/nothing.xml")))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("the Liquibase changelog classpath:histories/liquibase/nothing.xml does not exist");
    }

    @Test
    void jsonAndFormattedSqlChangelogsAreRehearsedToo() {
        for (String changelog : List.of("classpath:histories/liquibase-json/changelog.json",
                "classpath:histories/liquibase-sql/db.changelog.sql",
                "filesystem:src/test/resources/histories/liquibase-sql/db.changelog.sql")) {
            try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of(changelog))) {
                RoundTripReport report = r.runRoundTrips();
                assertThat(report.failed()).as(changelog + "\n" + report.toText()).isFalse();
                assertThat(report.steps()).as(changelog).isNotEmpty();
            }
        }
    }
}
