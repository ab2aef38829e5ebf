package dev.rehearsal.core.internal.data;

import org.junit.jupiter.api.Test;

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

    @Test
    void noQueryForOtherColumnsOtherTablesOrSequences() {
        assertThat(query("UPDATE customers SET phone = email;", "customers", "contact")).isNull();
        assertThat(query("UPDATE orders SET contact = 'x';", "customers", "contact")).isNull();
        assertThat(query("UPDATE customers SET contact = nextval('contact_seq');", "customers", "contact")).isNull();
        assertThat(query("-- UPDATE customers SET contact = phone;\nSELECT 1;", "customers", "contact")).isNull();
    }
}
