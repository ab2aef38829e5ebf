package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

import java.util.Objects;

/** Assertions on one column: type, nullability, default, identity. {@link #and()} goes back to its table. */
@API(status = API.Status.STABLE, since = "0.1")
public class ColumnAssert extends AbstractAssert<ColumnAssert, SchemaObject> {

    private final TableAssert table;

    ColumnAssert(TableAssert table, SchemaObject column) {
        super(column, ColumnAssert.class);
        this.table = table;
    }

    /** Verifies the type; short spellings work ({@code varchar(255)}, {@code timestamptz}, {@code int}). */
    public ColumnAssert hasType(String type) {
        String actualType = actual.fact(SchemaFact.TYPE).orElse("");
        if (!SqlTypes.normalize(actualType).equals(SqlTypes.normalize(type))) {
            failWithMessage("Expecting column %s to have type %s but it is %s", actual.name(), type, actualType);
        }
        return this;
    }

    /** Verifies the column is NOT NULL. */
    public ColumnAssert isNotNull() {
        if (actual.fact(SchemaFact.NULLABLE).isEmpty() || actual.flag(SchemaFact.NULLABLE, true)) {
            failWithMessage("Expecting column %s to be NOT NULL but it is nullable", actual.name());
        }
        return this;
    }

    /** Verifies the column accepts NULL. */
    public ColumnAssert isNullable() {
        if (!actual.flag(SchemaFact.NULLABLE, false)) {
            failWithMessage("Expecting column %s to be nullable but it is NOT NULL", actual.name());
        }
        return this;
    }

    /** Verifies the default expression as the catalog prints it ({@code 'new'::text}, {@code now()}). */
    public ColumnAssert hasDefault(String expression) {
        String actualDefault = actual.fact(SchemaFact.DEFAULT).orElse(null);
        if (!Objects.equals(actualDefault, expression)) {
            failWithMessage("Expecting column %s to have default %s but it has %s", actual.name(), expression,
                    actualDefault == null ? "no default" : actualDefault);
        }
        return this;
    }

    /** Verifies the column has no default. */
    public ColumnAssert hasNoDefault() {
        actual.fact(SchemaFact.DEFAULT).ifPresent(d ->
                failWithMessage("Expecting column %s to have no default but it has %s", actual.name(), d));
        return this;
    }

    /** Verifies the column is an identity column. */
    public ColumnAssert isIdentity() {
        if (actual.fact(SchemaFact.IDENTITY).isEmpty()) {
            failWithMessage("Expecting column %s to be an identity column but it is not", actual.name());
        }
        return this;
    }

    /** Back to the table, to check more of it. */
    public TableAssert and() {
        return table;
    }
}
