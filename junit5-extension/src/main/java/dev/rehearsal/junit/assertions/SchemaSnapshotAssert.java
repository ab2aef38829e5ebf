package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

import java.util.stream.Collectors;

/** Assertions on a {@link SchemaSnapshot}; failure messages list what the schema does have. */
@API(status = API.Status.STABLE, since = "0.1")
public class SchemaSnapshotAssert extends AbstractAssert<SchemaSnapshotAssert, SchemaSnapshot> {

    public SchemaSnapshotAssert(SchemaSnapshot actual) {
        super(actual, SchemaSnapshotAssert.class);
    }

    /** Verifies the table exists and continues with assertions on it. */
    public TableAssert table(String name) {
        isNotNull();
        SchemaObject table = actual.table(name).orElse(null);
        if (table == null) {
            failWithMessage("Expecting the schema to have table %s, but its tables are: %s", name, names(ObjectKind.TABLE));
        }
        return new TableAssert(actual, table);
    }

    /** Verifies the table exists. */
    public SchemaSnapshotAssert hasTable(String name) {
        table(name);
        return this;
    }

    /** Verifies there is no table of that name. */
    public SchemaSnapshotAssert hasNoTable(String name) {
        isNotNull();
        if (actual.table(name).isPresent()) {
            failWithMessage("Expecting the schema to have no table %s, but it has: %s", name, actual.table(name).get().summary());
        }
        return this;
    }

    /** Verifies an index of that name exists (on any table). */
    public SchemaSnapshotAssert hasIndex(String name) {
        return has(ObjectKind.INDEX, name);
    }

    /** Verifies no index of that name exists. */
    public SchemaSnapshotAssert hasNoIndex(String name) {
        return hasNo(ObjectKind.INDEX, name);
    }

    /** Verifies a view of that name exists. */
    public SchemaSnapshotAssert hasView(String name) {
        return has(ObjectKind.VIEW, name);
    }

    /** Verifies a sequence of that name exists. */
    public SchemaSnapshotAssert hasSequence(String name) {
        return has(ObjectKind.SEQUENCE, name);
    }

    /** Verifies no sequence of that name exists. */
    public SchemaSnapshotAssert hasNoSequence(String name) {
        return hasNo(ObjectKind.SEQUENCE, name);
    }

    /** Verifies a function exists whose name (with or without its argument list) matches. */
    public SchemaSnapshotAssert hasFunction(String name) {
        isNotNull();
        boolean found = actual.objects(ObjectKind.FUNCTION).stream()
                .anyMatch(f -> f.name().equals(name) || f.name().startsWith(name + "("));
        if (!found) {
            failWithMessage("Expecting the schema to have function %s, but its functions are: %s", name, names(ObjectKind.FUNCTION));
        }
        return this;
    }

    /** Verifies a function of that name (any arguments) does not exist. */
    public SchemaSnapshotAssert hasNoFunction(String name) {
        isNotNull();
        actual.objects(ObjectKind.FUNCTION).stream()
                .filter(f -> f.name().equals(name) || f.name().startsWith(name + "("))
                .findFirst()
                .ifPresent(f -> failWithMessage("Expecting the schema to have no function %s, but it has: %s", name, f.summary()));
        return this;
    }

    /** Verifies an object of any kind exists ({@code has(ObjectKind.TRIGGER, "orders.orders_touch")}). */
    public SchemaSnapshotAssert has(ObjectKind kind, String name) {
        isNotNull();
        if (actual.find(kind, name).isEmpty()) {
            failWithMessage("Expecting the schema to have %s %s, but its %ss are: %s", kind.label(), name, kind.label(), names(kind));
        }
        return this;
    }

    /** Verifies no object of that kind and name exists. */
    public SchemaSnapshotAssert hasNo(ObjectKind kind, String name) {
        isNotNull();
        actual.find(kind, name).ifPresent(o ->
                failWithMessage("Expecting the schema to have no %s %s, but it has: %s", kind.label(), name, o.summary()));
        return this;
    }

    /** Verifies the two snapshots are equal; the message lists every difference. */
    public SchemaSnapshotAssert isSameSchemaAs(SchemaSnapshot expected) {
        isNotNull();
        var diff = expected.diff(actual);
        if (!diff.isEmpty()) {
            failWithMessage("Expecting the same schema, but going from the expected to the actual one:%n%s", diff);
        }
        return this;
    }

    private String names(ObjectKind kind) {
        String names = actual.objects(kind).stream().map(SchemaObject::name).collect(Collectors.joining(", "));
        return names.isEmpty() ? "(none)" : names;
    }
}
