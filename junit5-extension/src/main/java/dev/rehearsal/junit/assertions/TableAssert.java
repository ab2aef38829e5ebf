package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

import java.util.List;
import java.util.stream.Collectors;

/** Assertions on one table of a snapshot: its columns, indexes, constraints and triggers. */
@API(status = API.Status.STABLE, since = "0.1")
public class TableAssert extends AbstractAssert<TableAssert, SchemaObject> {

    private final SchemaSnapshot snapshot;

    TableAssert(SchemaSnapshot snapshot, SchemaObject table) {
        super(table, TableAssert.class);
        this.snapshot = snapshot;
    }

    /** Verifies the column exists and continues with assertions on it. */
    public ColumnAssert column(String name) {
        SchemaObject column = snapshot.column(actual.name(), name).orElse(null);
        if (column == null) {
            failWithMessage("Expecting table %s to have column %s, but its columns are: %s", actual.name(), name, columnNames());
        }
        return new ColumnAssert(this, column);
    }

    /** Verifies the column exists. */
    public TableAssert hasColumn(String name) {
        column(name);
        return this;
    }

    /** Verifies the column does not exist. */
    public TableAssert hasNoColumn(String name) {
        snapshot.column(actual.name(), name).ifPresent(c ->
                failWithMessage("Expecting table %s to have no column %s, but it has: %s", actual.name(), name, c.summary()));
        return this;
    }

    /** Verifies the table's columns, in order. */
    public TableAssert hasColumns(String... names) {
        List<String> actualNames = snapshot.columns(actual.name()).stream().map(SchemaObject::simpleName).toList();
        if (!actualNames.equals(List.of(names))) {
            failWithMessage("Expecting table %s to have columns %s, but they are: %s", actual.name(), List.of(names), actualNames);
        }
        return this;
    }

    /** Verifies an index of that name exists on this table. */
    public TableAssert hasIndex(String name) {
        if (snapshot.on(actual.name(), ObjectKind.INDEX).stream().noneMatch(i -> i.name().equals(name))) {
            failWithMessage("Expecting table %s to have index %s, but its indexes are: %s", actual.name(), name, list(ObjectKind.INDEX));
        }
        return this;
    }

    /** Verifies an index on exactly these columns exists, whatever its name ({@code hasIndexOn("status")}). */
    public TableAssert hasIndexOn(String... columns) {
        String wanted = "(" + String.join(", ", columns) + ")";
        boolean found = snapshot.on(actual.name(), ObjectKind.INDEX).stream()
                .anyMatch(i -> i.fact(SchemaFact.DEFINITION).map(d -> d.endsWith(wanted) || d.contains(wanted + " ")).orElse(false));
        if (!found) {
            failWithMessage("Expecting table %s to have an index on %s, but its indexes are: %s", actual.name(), wanted, list(ObjectKind.INDEX));
        }
        return this;
    }

    /** Verifies no index of that name exists on this table. */
    public TableAssert hasNoIndex(String name) {
        snapshot.on(actual.name(), ObjectKind.INDEX).stream().filter(i -> i.name().equals(name)).findFirst()
                .ifPresent(i -> failWithMessage("Expecting table %s to have no index %s, but it has: %s", actual.name(), name, i.summary()));
        return this;
    }

    /** Verifies a constraint of that name exists on this table. */
    public TableAssert hasConstraint(String name) {
        if (snapshot.find(ObjectKind.CONSTRAINT, actual.name() + "." + name).isEmpty()) {
            failWithMessage("Expecting table %s to have constraint %s, but its constraints are: %s", actual.name(), name,
                    list(ObjectKind.CONSTRAINT));
        }
        return this;
    }

    /** Verifies a trigger of that name exists on this table. */
    public TableAssert hasTrigger(String name) {
        if (snapshot.find(ObjectKind.TRIGGER, actual.name() + "." + name).isEmpty()) {
            failWithMessage("Expecting table %s to have trigger %s, but its triggers are: %s", actual.name(), name,
                    list(ObjectKind.TRIGGER));
        }
        return this;
    }

    private String columnNames() {
        return snapshot.columns(actual.name()).stream().map(SchemaObject::simpleName).collect(Collectors.joining(", "));
    }

    private String list(ObjectKind kind) {
        String s = snapshot.on(actual.name(), kind).stream().map(SchemaObject::summary).collect(Collectors.joining("; "));
        return s.isEmpty() ? "(none)" : s;
    }
}
