package dev.rehearsal.core.schema;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snapshot's order and its lookups by binary search: the same answers as a scan over the objects in order,
 * whatever order they were given in.
 */
class SchemaSnapshotLookupTest {

    private static SchemaObject object(ObjectKind kind, String name, String table, String value) {
        return new SchemaObject(kind, name, table, name, Map.of("value", value));
    }

    private final SchemaObject orders = object(ObjectKind.TABLE, "orders", null, "1");
    private final SchemaObject customers = object(ObjectKind.TABLE, "customers", null, "1");
    private final SchemaObject ordersId = object(ObjectKind.COLUMN, "orders.id", "orders", "1");
    private final SchemaObject ordersTotal = object(ObjectKind.COLUMN, "orders.total", "orders", "1");
    private final SchemaObject customersId = object(ObjectKind.COLUMN, "customers.id", "customers", "1");
    private final SchemaObject ordersIndex = object(ObjectKind.INDEX, "orders_total_idx", "orders", "1");

    @Test
    void objectsAreInKindThenNameOrderWhateverTheOrderGiven() {
        SchemaSnapshot snapshot = new SchemaSnapshot(List.of(ordersIndex, ordersTotal, orders, customersId, customers,
                ordersId));
        assertThat(snapshot.objects()).containsExactly(customers, orders, customersId, ordersId, ordersTotal,
                ordersIndex);
        assertThat(snapshot).isEqualTo(new SchemaSnapshot(List.of(customers, orders, customersId, ordersId,
                ordersTotal, ordersIndex)));
    }

    @Test
    void findsEachObjectByKindAndNameAndNothingElse() {
        SchemaSnapshot snapshot = new SchemaSnapshot(List.of(ordersIndex, ordersTotal, orders, customersId, customers,
                ordersId));
        for (SchemaObject o : snapshot.objects()) {
            assertThat(snapshot.find(o.kind(), o.name())).containsSame(o);
        }
        assertThat(snapshot.table("orders")).containsSame(orders);
        assertThat(snapshot.column("orders", "total")).containsSame(ordersTotal);
        assertThat(snapshot.find(ObjectKind.TABLE, "orders.id")).isEmpty(); // a column's name, not a table's
        assertThat(snapshot.table("order")).isEmpty();
        assertThat(snapshot.table("ordersx")).isEmpty();
        assertThat(snapshot.table("zzz")).isEmpty();
        assertThat(snapshot.table(null)).isEmpty();
        assertThat(snapshot.find(ObjectKind.VIEW, "orders")).isEmpty();
        assertThat(new SchemaSnapshot(List.of()).table("orders")).isEmpty();
    }

    @Test
    void ofTwoObjectsWithOneKeyTheFirstGivenIsFound() {
        SchemaObject again = object(ObjectKind.TABLE, "orders", null, "2");
        SchemaSnapshot snapshot = new SchemaSnapshot(List.of(ordersId, orders, customers, again));
        assertThat(snapshot.table("orders")).containsSame(orders);
        assertThat(snapshot.objects(ObjectKind.TABLE)).containsExactly(customers, orders, again);
    }

    @Test
    void objectsOfAKindAndOfATable() {
        SchemaSnapshot snapshot = new SchemaSnapshot(List.of(ordersIndex, ordersTotal, orders, customersId, customers,
                ordersId));
        assertThat(snapshot.objects(ObjectKind.TABLE)).containsExactly(customers, orders);
        assertThat(snapshot.objects(ObjectKind.COLUMN)).containsExactly(customersId, ordersId, ordersTotal);
        assertThat(snapshot.objects(ObjectKind.INDEX)).containsExactly(ordersIndex);
        assertThat(snapshot.objects(ObjectKind.VIEW)).isEmpty();
        assertThat(snapshot.on("orders", ObjectKind.COLUMN)).containsExactly(ordersId, ordersTotal);
        assertThat(snapshot.on("orders", ObjectKind.INDEX)).containsExactly(ordersIndex);
        assertThat(snapshot.on("customers", ObjectKind.INDEX)).isEmpty();
    }
}
