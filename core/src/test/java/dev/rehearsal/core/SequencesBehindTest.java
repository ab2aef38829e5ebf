package dev.rehearsal.core;

import dev.rehearsal.core.data.DataProblem;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The integrity check that a sequence will not hand out a value its column already holds, on the three ways a
 * sequence's next value is made: an identity column, a default of {@code nextval} on a sequence with its own start
 * and increment, and a sequence no one has called yet (its next value is its start); and found in the same check as
 * violated NOT VALID constraints and foreign-key orphans.
 */
class SequencesBehindTest {

    @Test
    void eachSequenceIsComparedWithItsOwnNextValue(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("V1__tables.sql"), """
                create table a (id bigint generated always as identity primary key, note text);
                create sequence b_seq start 100 increment 5;
                create table b (id bigint default nextval('b_seq') primary key, note text);
                create sequence c_seq start 1000;
                create table c (id bigint default nextval('c_seq') primary key, note text);
                """);
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + dir))) {
            r.migrateTo("latest");
            sql(r, "insert into a (note) values ('x'), ('y'), ('z')",   // ids 1-3, next 4
                    "insert into b (note) values ('x'), ('y')",          // ids 100 and 105, next 110
                    "insert into b (id) values (107)",
                    "insert into c (id) values (5)");                    // c_seq never called: next 1000
            assertThat(r.integrityProblems()).as("every sequence is ahead of its column").isEmpty();

            sql(r, "insert into a (id) overriding system value values (10)",
                    "insert into b (id) values (110)",
                    "insert into c (id) values (1000)");
            assertThat(r.integrityProblems()).extracting(DataProblem::kind).containsOnly(DataProblem.Kind.SEQUENCE_BEHIND);
            assertThat(r.integrityProblems()).extracting(DataProblem::message).satisfiesExactlyInAnyOrder(
                    m -> assertThat(m).contains("will hand out 4 next, but a.id already holds values up to 10"),
                    m -> assertThat(m).contains("sequence b_seq will hand out 110 next, but b.id already holds values"
                            + " up to 110"),
                    m -> assertThat(m).contains("sequence c_seq will hand out 1000 next, but c.id already holds"
                            + " values up to 1000"));
        }
    }

    @Test
    void violatedConstraintsOrphansAndSequencesBehindAreAllFoundInOneCheck(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("V1__tables.sql"), """
                create table parent (id bigint generated always as identity primary key);
                create table child (id bigint generated always as identity primary key, parent_id bigint
                    references parent, qty int);
                """);
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + dir))) {
            r.migrateTo("latest");
            sql(r, "insert into parent default values",
                    "insert into child (parent_id, qty) values (1, -1), (1, 2)",
                    "alter table child add constraint qty_positive check (qty > 0) not valid",
                    "set session_replication_role = replica",
                    "insert into child (parent_id, qty) values (42, 3)",
                    "set session_replication_role = default",
                    "insert into parent (id) overriding system value values (7)");
            // the constraints' counts and the sequences' rows come back from one round trip, in that order
            assertThat(r.integrityProblems()).extracting(DataProblem::kind, DataProblem::table).containsExactly(
                    Tuple.tuple(DataProblem.Kind.FOREIGN_KEY_ORPHANS, "child"),
                    Tuple.tuple(DataProblem.Kind.CONSTRAINT_VIOLATED, "child"),
                    Tuple.tuple(DataProblem.Kind.SEQUENCE_BEHIND, "parent"));
            assertThat(r.integrityProblems()).extracting(DataProblem::message).satisfiesExactly(
                    m -> assertThat(m).startsWith("1 rows of child have a parent_id that matches no row of parent"),
                    m -> assertThat(m).startsWith("1 rows of child violate qty_positive"),
                    m -> assertThat(m).contains("will hand out 2 next, but parent.id already holds values up to 7"));
        }
    }

    private static void sql(MigrationRehearsal r, String... statements) throws Exception {
        try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
