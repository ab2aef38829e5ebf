package dev.rehearsal.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After each phase only the constraints of the tables that changed are counted again; a foreign key is counted again
 * when its parent table's rows changed too, though its own table's rows did not. On a history of more tables than the
 * fingerprint hashes in one pass, as a real one has.
 */
class IntegrityAcrossPhasesTest {

    @Test
    void rowsDeletedFromAParentAreFoundAsOrphansOfItsUnchangedChild(@TempDir Path dir) throws Exception {
        StringBuilder tables = new StringBuilder("""
                create table parent (id bigint generated always as identity primary key, name text);
                create table child (id bigint generated always as identity primary key,
                    parent_id bigint references parent);
                insert into parent (name) select 'p' || g from generate_series(1, 5) g;
                insert into child (parent_id) select g from generate_series(1, 5) g;
                """);
        for (int i = 0; i < 6; i++) {
            tables.append("create table filler%d (id int primary key, note text);\n".formatted(i))
                    .append("insert into filler%d select g, 'n' || g from generate_series(1, 10) g;\n".formatted(i));
        }
        Files.writeString(dir.resolve("V1__tables.sql"), tables);
        Files.writeString(dir.resolve("U1__tables.sql"), "drop table child, parent, filler0, filler1, filler2,"
                + " filler3, filler4, filler5;\n");
        Files.writeString(dir.resolve("V2__filler_flag.sql"), "alter table filler0 add column flag boolean;\n");
        Files.writeString(dir.resolve("U2__filler_flag.sql"), "alter table filler0 drop column flag;\n");
        // the orphans come from the parent's side: the child's rows stay as they were
        Files.writeString(dir.resolve("V3__drop_first_parent.sql"), """
                set session_replication_role = replica;
                delete from parent where name = 'p1';
                set session_replication_role = origin;
                """);
        Files.writeString(dir.resolve("U3__drop_first_parent.sql"),
                "insert into parent (id, name) overriding system value values (1, 'p1');\n");
        RoundTripReport report;
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + dir))) {
            report = r.runRoundTrips();
        }
        assertThat(report.steps()).extracting(StepResult::status).containsExactly(PhaseResult.Status.PASSED,
                PhaseResult.Status.PASSED, PhaseResult.Status.FAILED);
        assertThat(report.toText()).contains("rows of child have a parent_id that matches no row of parent");
    }
}
