package dev.rehearsal.core.internal.data;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Whether a script names a table: the per-script word set answers as the pattern does, table by table. */
class MentionsTest {

    private static final String SCRIPT = """
            ALTER TABLE "Orders" ADD COLUMN note text;
            update shop.order_items set qty = 1 where order_id in (select id from orders_archive);
            insert into "line items" values (1);
            create index on customer$v (email);
            -- a comment that names commandé
            """;

    private static final List<String> TABLES = List.of("orders", "Orders", "ORDERS", "public.orders", "order_items",
            "shop.order_items", "order", "items", "orders_archive", "archive", "line items", "line", "customer$v",
            "customer", "commandé", "command", "note", "missing", "qty1");

    @Test
    void theWordSetAgreesWithThePatternForEveryName() {
        Predicate<String> mentioned = DataChecks.mentionedIn(SCRIPT);
        for (String table : TABLES) {
            assertThat(mentioned.test(table)).as(table).isEqualTo(DataChecks.mentions(SCRIPT, table));
        }
    }

    @Test
    void wholeNamesInAnyCaseQuotedOrQualifiedAreMentionedAndPartsOfOtherNamesAreNot() {
        Predicate<String> mentioned = DataChecks.mentionedIn(SCRIPT);
        assertThat(TABLES.stream().filter(mentioned).toList()).containsExactly("orders", "Orders", "ORDERS",
                "public.orders", "order_items", "shop.order_items", "items", "orders_archive", "line items", "line",
                "customer$v", "commandé", "command", "note");
    }
}
