package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EngineLocks;
import dev.rehearsal.core.db.EphemeralDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a lock trace starts, on the embedded PostgreSQL: one query says which watched tables hold no rows for certain,
 * and the tracer counts only the others. A table that holds rows, anywhere in its partition or inheritance tree, or
 * that held some once, must never be taken for empty: its probes and its row-dependent risk rules hang on it.
 */
class StartingPointTest {

    @Test
    void onlyTablesWithoutAPageAnywhereInTheirTreeAreKnownEmpty() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("""
                    create table never_written (id int);
                    create table written (id int);
                    insert into written values (1);
                    create table emptied (id int);
                    insert into emptied values (1);
                    delete from emptied;
                    create table events (id int, at date) partition by range (at);
                    create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01');
                    create table events_2027 partition of events for values from ('2027-01-01') to ('2028-01-01');
                    insert into events values (1, '2026-06-01');
                    create table quiet (id int, at date) partition by range (at);
                    create table quiet_2026 partition of quiet for values from ('2026-01-01') to ('2027-01-01');
                    create table parent (id int);
                    create table child (extra int) inherits (parent);
                    insert into child values (1, 2);
                    create schema "Odd Schema";
                    create table "Odd Schema"."Mixed Case" (id int);
                    create view a_view as select 1 as one;
                    """);
            List<String> watched = List.of("never_written", "written", "emptied", "events", "events_2027", "quiet",
                    "parent", "Odd Schema.Mixed Case", "a_view", "no_such_table");

            EngineLocks.StartingPoint start = db.dialect().locks().startingPoint(c, watched);

            assertThat(start.withoutRows()).as("a view or a missing table is not known to be empty: it is counted"
                            + " as before, and a missing one fails there with the server's message")
                    .containsExactlyInAnyOrder("never_written", "events_2027", "quiet", "Odd Schema.Mixed Case");
            assertThat(start.storage()).as("every table and view that exists has its storage identity")
                    .containsOnlyKeys("never_written", "written", "emptied", "events_2027", "parent",
                            "Odd Schema.Mixed Case");
            assertThat(start.walPosition()).as("read in the same round trip").isPresent();
        }
    }

    @Test
    void noWatchedTablesStillGivesTheLogPosition() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection c = db.dataSource().getConnection()) {
            EngineLocks.StartingPoint start = db.dialect().locks().startingPoint(c, List.of());
            assertThat(start.withoutRows()).isEmpty();
            assertThat(start.storage()).isEmpty();
            assertThat(start.walPosition()).isPresent();
        }
    }
}
