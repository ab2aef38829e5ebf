package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Column positions are recorded but not compared unless rehearsal.schema.column-order=true: a down that re-adds a
 * dropped column puts it last on PostgreSQL, which a team whose application reads columns by position must know.
 */
class ColumnOrderTest {

    private static PhaseResult down(RoundTripReport report, String prefix) {
        return report.steps().stream().filter(s -> s.migration().startsWith(prefix)).findFirst().orElseThrow()
                .phase(Phase.DOWN).orElseThrow();
    }

    @Test
    void aDownThatPutsAColumnBackLastPassesByDefaultAndFailsWhenOrderIsCompared() {
        try (MigrationRehearsal r = Histories.rehearse(Histories.settings("column-order"))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
        }
        try (MigrationRehearsal r = Histories.rehearse(Histories.settings("column-order").withColumnOrder(true))) {
            PhaseResult down = down(r.runRoundTrips(), "V2");
            assertThat(down.status()).isEqualTo(Status.FAILED);
            assertThat(down.message()).contains("The down of V2 drop email put columns back at other positions")
                    .contains("people.email is column 3 where it was column 2")
                    .contains("people.name is column 2 where it was column 3")
                    .contains("recreate the table");
        }
    }

    /**
     * MariaDB can put a column back where it was (AFTER), and a column re-added last that was last is in place; one
     * re-added in the middle without AFTER is not.
     */
    @Test
    void onMariaDbADownThatRestoresThePositionPassesAndOneThatDoesNotFails() {
        try (DatabaseProvider mariadb = DatabaseProviders.server(MariaDbTest.URL, "root", "");
             MigrationRehearsal r = MigrationRehearsal.start(Histories.settings("mariadb-column-order")
                     .withColumnOrder(true), mariadb, getClass().getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.steps()).filteredOn(s -> s.status() == Status.FAILED).extracting(StepResult::migration)
                    .as(report.toText()).singleElement().asString().startsWith("V5");
            assertThat(down(report, "V5").message()).as(report.toText()).contains("people.label is column 3 where it was column 2").contains("people.note is column 2 where it was column 3");
        }
    }
}
