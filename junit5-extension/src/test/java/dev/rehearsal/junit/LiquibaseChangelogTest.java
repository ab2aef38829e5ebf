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

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/liquibase-yaml/changelog.yaml")
    static class Changelog {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }
}
