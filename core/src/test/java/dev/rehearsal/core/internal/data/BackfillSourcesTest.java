package dev.rehearsal.core.internal.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The count queries for rows a backfill had nothing to copy into, as read from a script's UPDATE. */
class BackfillSourcesTest {

    private static String query(String sql, String table, String column) {
        return BackfillSources.unreachableRowsQuery(sql, table, column, n -> "\"" + n + "\"").orElse(null);
    }

    @Test
    void aCopyEvaluatesItsExpressionForEveryRowWhateverItsWhereClause() {
        assertThat(query("ALTER TABLE customers ADD COLUMN contact text;\n"
                + "UPDATE customers SET contact = coalesce(phone, email) WHERE phone IS NOT NULL;", "customers", "contact"))
                .isEqualTo("SELECT count(*) FROM customers WHERE customers.\"contact\" IS NULL AND (coalesce(phone, email)) IS NULL");
    }

    @Test
    void aJoinAsksTheJoinedRowsItsWhereClauseFinds() {
        assertThat(query("UPDATE orders AS o SET note = 'x', phone = c.phone FROM customers c WHERE c.id = o.customer_id"
                + " RETURNING o.id;", "public.orders", "phone"))
                .isEqualTo("SELECT count(*) FROM orders o WHERE o.\"phone\" IS NULL AND (EXISTS (SELECT 1 FROM customers c"
                        + " WHERE (c.id = o.customer_id) AND (c.phone) IS NULL) OR o.customer_id IS NULL)");
    }

    @Test
    void aSubqueryInTheSetClauseIsPartOfTheExpression() {
        assertThat(query("UPDATE threads SET channel_name = (SELECT name FROM channels WHERE channels.id = threads.channelid)"
                + " WHERE id > 0", "threads", "channel_name"))
                .isEqualTo("SELECT count(*) FROM threads WHERE threads.\"channel_name\" IS NULL AND ((SELECT name FROM"
                        + " channels WHERE channels.id = threads.channelid)) IS NULL");
    }

    private static String leftOut(String sql, String table, String column) {
        return BackfillSources.leftOutRowsQuery(sql, table, column, List.of("id"), n -> "\"" + n + "\"")
                .map(BackfillSources.LeftOut::query).orElse(null);
    }

    @Test
    void rowsItsOwnWhereClauseLeavesOutWereNotMeantToBeFilled() {
        assertThat(leftOut("UPDATE customers SET contact = 'x' WHERE phone IS NOT NULL;", "customers", "contact"))
                .isEqualTo("SELECT count(*) FROM customers WHERE customers.\"contact\" IS NULL AND (phone IS NOT NULL)"
                        + " IS NOT TRUE AND NOT (('x') IS NULL)");
        // a bound of the key is a batch, not a choice: the rows after it were missed
        assertThat(leftOut("UPDATE customers SET contact = email WHERE id < 100;", "customers", "contact")).isNull();
        assertThat(leftOut("UPDATE customers SET contact = email WHERE customers.id BETWEEN 1 AND 5000 AND vip;",
                "customers", "contact")).isEqualTo("SELECT count(*) FROM customers WHERE customers.\"contact\" IS NULL"
                + " AND (vip) IS NOT TRUE AND NOT ((email) IS NULL)");
        assertThat(leftOut("UPDATE customers SET contact = email;", "customers", "contact")).isNull();
    }

    @Test
    void withAJoinOnlyTheConditionsOnTheUpdatedRowLeaveRowsOut() {
        assertThat(leftOut("UPDATE orders o SET email = c.email FROM customers c WHERE c.id = o.customer_id"
                + " AND o.status <> 'new';", "orders", "email"))
                .isEqualTo("SELECT count(*) FROM orders o WHERE o.\"email\" IS NULL AND (o.status <> 'new') IS NOT TRUE"
                        + " AND NOT ((EXISTS (SELECT 1 FROM customers c WHERE (c.id = o.customer_id AND o.status <> 'new')"
                        + " AND (c.email) IS NULL) OR o.customer_id IS NULL))");
        // a condition on the joined row is part of the join: a target it drops was missed
        assertThat(leftOut("UPDATE orders o SET email = c.email FROM customers c WHERE c.id = o.customer_id AND c.active;",
                "orders", "email")).isNull();
    }

    @Test
    void noQueryForOtherColumnsOtherTablesOrSequences() {
        assertThat(query("UPDATE customers SET phone = email;", "customers", "contact")).isNull();
        assertThat(query("UPDATE orders SET contact = 'x';", "customers", "contact")).isNull();
        assertThat(query("UPDATE customers SET contact = nextval('contact_seq');", "customers", "contact")).isNull();
        assertThat(query("-- UPDATE customers SET contact = phone;\nSELECT 1;", "customers", "contact")).isNull();
    }
}
