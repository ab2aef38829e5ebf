package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.schema.SchemaDiff;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

import java.util.List;

/** Assertions on a {@link SchemaDiff}. */
@API(status = API.Status.STABLE, since = "0.1")
public class SchemaDiffAssert extends AbstractAssert<SchemaDiffAssert, SchemaDiff> {

    public SchemaDiffAssert(SchemaDiff actual) {
        super(actual, SchemaDiffAssert.class);
    }

    /** Verifies there are no differences; the message lists them. */
    public SchemaDiffAssert isEmpty() {
        isNotNull();
        if (!actual.isEmpty()) {
            failWithMessage("Expecting no schema differences, but found:%n%s", actual);
        }
        return this;
    }

    /** Verifies the diff has exactly these lines ({@code "+ index orders_status_idx ON orders (status)"}), in order. */
    public SchemaDiffAssert containsExactly(String... lines) {
        isNotNull();
        List<String> actualLines = actual.changes().stream().map(Object::toString).toList();
        if (!actualLines.equals(List.of(lines))) {
            failWithMessage("Expecting the schema differences to be:%n%s%nbut they are:%n%s",
                    String.join("\n", lines), actual);
        }
        return this;
    }
}
