package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.schema.SchemaObject;
import org.assertj.core.api.AbstractAssert;

import java.util.Objects;

/** Assertions on one column: type, nullability, default, identity. {@link #and()} goes back to its table. */
public class ColumnAssert extends AbstractAssert<ColumnAssert, SchemaObject> {

    private final TableAssert table;

    ColumnAssert(TableAssert table, SchemaObject column) {
        super(column, ColumnAssert.class);
        this.table = table;
    }

    /** Verifies the type; short spellings work ({@code varchar(255)}, {@code timestamptz}, {@code int}). */
    public ColumnAssert hasType(String type) {
        String actualType = actual.attribute("type").orElse("");
        if (!SqlTypes.normalize(actualType).equals(SqlTypes.normalize(type))) {
            failWithMessage("Expecting column %s to have type %s but it is %s", actual.name(), type, actualType);
        }
        return this;
    }

    /** Verifies the column is NOT NULL. */
    public ColumnAssert isNotNull() {
        if (!"NO".equals(actual.attribute("nullable").orElse(null))) {
            failWithMessage("Expecting column %s to be NOT NULL but it is nullable", actual.name());
        }
        return this;
    }

    /** Verifies the column accepts NULL. */
    public ColumnAssert isNullable() {
        if (!"YES".equals(actual.attribute("nullable").orElse(null))) {
            failWithMessage("Expecting column %s to be nullable but it is NOT NULL", actual.name());
        }
        return this;
    }

    /** Verifies the default expression as the catalog prints it ({@code 'new'::text}, {@code now()}). */
    public ColumnAssert hasDefault(String expression) {
        String actualDefault = actual.attribute("default").orElse(null);
        if (!Objects.equals(actualDefault, expression)) {
            failWithMessage("Expecting column %s to have default %s but it has %s", actual.name(), expression,
                    actualDefault == null ? "no default" : actualDefault);
        }
        return this;
    }

    /** Verifies the column has no default. */
    public ColumnAssert hasNoDefault() {
        actual.attribute("default").ifPresent(d ->
                failWithMessage("Expecting column %s to have no default but it has %s", actual.name(), d));
        return this;
    }

    /** Verifies the column is an identity column. */
    public ColumnAssert isIdentity() {
        if (actual.attribute("identity").isEmpty()) {
            failWithMessage("Expecting column %s to be an identity column but it is not", actual.name());
        }
        return this;
    }

    /** Back to the table, to check more of it. */
    public TableAssert and() {
        return table;
    }
}
