package dev.rehearsal.samples.flyway;

import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Tests at chosen versions: the schema each migration produces, and rows carried through the rename. */
@MigrationTest
class ShopSchemaTest {

    private static List<String> strings(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    private static void execute(DataSource dataSource, String... statements) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    @Test
    void orderStatusIsANotNullTextWithAPartialIndex(Rehearsal rehearsal) {
        MigrationRun run = rehearsal.migrateTo("5");
        assertThat(run.migrations()).hasSize(5);
        assertThat(rehearsal.schema())
                .table("orders")
                .column("status").hasType("text").isNotNull().hasDefault("'pending'::text")
                .and().hasConstraint("orders_status_check")
                .hasIndex("orders_status_idx")
                .hasIndexOn("customer_id");
    }

    /**
     * The schema at V5 is the one its golden file records (src/test/resources/rehearsal/schema/V5.sql); the round trips
     * check every version the same way. After a reviewed change: mvn test -Drehearsal.snapshots.update=true.
     */
    @Test
    void theSchemaAtV5IsTheOneItsGoldenFileRecords(Rehearsal rehearsal) {
        assertThat(rehearsal.schemaAt("5")).matchesGolden()
                .schema().table("orders").hasIndex("orders_status_idx");
        assertThat(rehearsal.currentVersion()).as("read from a scratch database").isEmpty();
    }

    @Test
    void renameInThreeStepsKeepsEveryCustomersName(Rehearsal rehearsal, DataSource dataSource) throws SQLException {
        rehearsal.migrateTo("5");
        execute(dataSource,
                "insert into customers (email, full_name) values ('ada@example.com', 'Ada Lovelace')",
                "insert into customers (email, full_name) values ('alan@example.com', 'Alan Turing')");

        rehearsal.migrateTo("6");          // expand: new column, kept in sync by a trigger
        execute(dataSource, "insert into customers (email, full_name) values ('grace@example.com', 'Grace Hopper')");
        assertThat(rehearsal.schema()).table("customers").hasTrigger("customers_sync_display_name")
                .column("display_name").isNullable();

        rehearsal.migrateTo("8");          // backfill, then contract
        assertThat(rehearsal.schema()).table("customers").hasNoColumn("full_name")
                .column("display_name").isNotNull();
        assertThat(rehearsal.schema()).hasNoFunction("customers_sync_display_name");
        assertThat(strings(dataSource, "select display_name from customers order by id"))
                .containsExactly("Ada Lovelace", "Alan Turing", "Grace Hopper");

        rehearsal.migrateDown();           // the undo script restores the old column from the new one
        assertThat(strings(dataSource, "select full_name from customers order by id"))
                .containsExactly("Ada Lovelace", "Alan Turing", "Grace Hopper");
    }

    @Test
    void statusChangesAreAuditedFromVersion10(Rehearsal rehearsal, DataSource dataSource) throws SQLException {
        rehearsal.migrateTo("10");
        execute(dataSource,
                "insert into customers (email, display_name) values ('ada@example.com', 'Ada')",
                "insert into orders (customer_id) select id from customers",
                "update orders set status = 'paid'");
        assertThat(strings(dataSource, "select old_status || ' -> ' || new_status from order_status_audit"))
                .containsExactly("pending -> paid");
    }

    @Test
    void latestAppliesTheRepeatableView(Rehearsal rehearsal) {
        rehearsal.migrateTo("latest");
        assertThat(rehearsal.schema()).hasView("customer_order_counts").hasView("order_totals")
                .hasSequence("order_number_seq")
                .table("orders").column("order_number").hasType("bigint").isNotNull();
    }
}
