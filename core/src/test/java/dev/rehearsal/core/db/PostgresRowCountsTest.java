package dev.rehearsal.core.db;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Row counts over many tables ask first which tables have storage: a table whose own heap is empty still counts the
 * rows of its inheritance children and partitions, and a table emptied by DELETE still has pages and is counted.
 */
class PostgresRowCountsTest {

    @Test
    void countsEveryTableRightWhetherOrNotItsOwnHeapHasPages() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection c = db.dataSource().getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute("create table empty_one (id int)");
                st.execute("create table empty_two (id int)");
                st.execute("create table filled (id int)");
                st.execute("insert into filled select generate_series(1, 7)");
                st.execute("create table emptied (id int)");
                st.execute("insert into emptied values (1)");
                st.execute("delete from emptied");
                st.execute("create table parent (id int)");
                st.execute("create table child () inherits (parent)");
                st.execute("insert into child values (1), (2)");
                st.execute("create table events (id int, at date) partition by range (at)");
                st.execute("create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01')");
                st.execute("insert into events values (1, '2026-05-01'), (2, '2026-06-01'), (3, '2026-07-01')");
                st.execute("create schema audit");
                st.execute("create table audit.\"Log\" (id int)");
                st.execute("insert into audit.\"Log\" values (1)");
            }
            Map<String, Long> counts = db.dialect().data(c).counts(List.of("empty_one", "empty_two", "filled",
                    "emptied", "parent", "events", "audit.Log"));
            assertThat(counts).containsOnly(entry("empty_one", 0L), entry("empty_two", 0L), entry("filled", 7L),
                    entry("emptied", 0L), entry("parent", 2L), entry("events", 3L), entry("audit.Log", 1L));
            assertThat(counts.keySet()).as("in the order asked")
                    .containsExactly("empty_one", "empty_two", "filled", "emptied", "parent", "events", "audit.Log");
        }
    }
}
