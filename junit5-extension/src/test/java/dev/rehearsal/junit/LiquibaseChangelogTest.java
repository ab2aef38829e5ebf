package dev.rehearsal.junit;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.stream.Stream;

/** {@code @MigrationTest(migrations = "...changelog.yaml")} detects Liquibase from the file and rehearses each changeset. */
class LiquibaseChangelogTest {

    @TempDir
    static Path reports;

    @Test
    void aChangelogFileIsDetectedAndEachChangesetGetsItsThreeTests() {
        EngineRuns.run(reports, Changelog.class).testEvents().assertStatistics(s -> s.started(6).succeeded(6));
    }

    @Test
    void contextsAndLabelsFromTheSettingsLeaveChangesetsOutOfTheTests() {
        // 6 changesets for PostgreSQL without a filter; prod leaves out the demo one, !billing the labelled one
        EngineRuns.run(reports, Filtered.class).testEvents().assertStatistics(s -> s.started(18));
        EngineRuns.run(reports, Filtered.class, "rehearsal.liquibase.contexts", "prod",
                "rehearsal.liquibase.labels", "!billing").testEvents().assertStatistics(s -> s.started(12));
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/liquibase-contexts/db.changelog-master.xml")
    static class Filtered {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/liquibase-yaml/changelog.yaml")
    static class Changelog {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }
}
