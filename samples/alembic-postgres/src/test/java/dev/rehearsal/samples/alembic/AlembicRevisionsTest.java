package dev.rehearsal.samples.alembic;

import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import dev.rehearsal.junit.Seed;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.stream.Stream;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static dev.rehearsal.junit.RehearsalAssertions.row;

/**
 * The revision files (src/main/resources/alembic/versions), rehearsed by the project's own Alembic through its
 * alembic.ini and env.py: Alembic lists the graph (a branch and a merge) and applies each revision up, down and up
 * again over 500 generated rows per table. The Python is set in src/test/resources/junit-platform.properties.
 */
@MigrationTest(migrations = "classpath:alembic/versions")
@Seed(rows = 500)
class AlembicRevisionsTest {

    @TestFactory
    Stream<DynamicNode> everyRevisionRoundTrips(Rehearsal rehearsal) {
        return rehearsal.roundTrips();
    }

    @Test
    void revisionsAreNamedByTheirIdsAndTheMergeLeavesOneHead(Rehearsal rehearsal) {
        rehearsal.migrateTo("27c6a30d7c24");
        assertThat(rehearsal.query("select version_num from alembic_version order by 1"))
                .containsExactly(row("27c6a30d7c24"), row("ae1027a6acf"));
        rehearsal.migrateTo("latest");
        assertThat(rehearsal.query("select version_num from alembic_version")).containsExactly(row("5b7c9d1e2f3a"));
        assertThat(rehearsal.schema()).table("orders").column("total").hasType("numeric(10,2)").isNotNull();
    }

    @Test
    void emailsAreBackfilledForExistingUsers(Rehearsal rehearsal) {
        rehearsal.migrateTo("1975ea83b712");
        rehearsal.insert("users", Map.of("id", 1, "name", "ada"));
        rehearsal.migrateTo("27c6a30d7c24");
        assertThat(rehearsal.query("select email from users")).containsExactly(row("ada@example.com"));
    }
}
