package dev.rehearsal.core.internal.queries;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one query of the running application did on one schema: prepared (and, for a write, run and rolled back),
 * with the columns it returns; or failed, with the server's SQLState and message; or could not be checked at all.
 *
 * @param failure   {@code 42703: column "full_name" does not exist}, or null when it worked
 * @param columns   for a read that prepared, its result columns; else empty
 * @param values    the parameter values a write ran with, to run it with again on the next schema; null for reads
 * @param untypable why the query's parameters could be given no value, or null
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record QueryOutcome(String failure, List<ResultColumn> columns, List<Object> values, String untypable) {

    /**
     * A column a read returns: its label, the server's type name, and the Java class the driver hands its values to
     * the application as ({@code java.lang.String} for text, varchar and enum types alike).
     */
    public record ResultColumn(String name, String type, String valueClass) {
        @Override
        public String toString() {
            return name + " " + type;
        }
    }

    public QueryOutcome {
        columns = List.copyOf(columns);
        values = values == null ? null : Collections.unmodifiableList(new ArrayList<>(values));
    }

    static QueryOutcome failed(String failure) {
        return new QueryOutcome(failure, List.of(), null, null);
    }

    public boolean worked() {
        return failure == null && untypable == null;
    }
}
