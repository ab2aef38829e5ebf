package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import org.apiguardian.api.API;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Rows whose foreign key matches no parent row: the same SQL on every engine (only quoting differs), counted by
 * each engine's data access as part of its integrity checks.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ForeignKeyOrphans {

    private ForeignKeyOrphans() {
    }

    /** Whether {@code constraint} is a foreign key whose columns the snapshot recorded. */
    public static boolean applies(SchemaObject constraint) {
        return "foreign key".equals(constraint.fact(SchemaFact.TYPE).orElse(""))
                && constraint.fact(SchemaFact.COLUMNS).isPresent() && constraint.fact(SchemaFact.REFERENCED_COLUMNS).isPresent();
    }

    /** {@code select count(*)} of the child rows with all key columns set and no parent row. */
    public static String countQuery(SchemaObject foreignKey, UnaryOperator<String> quote) {
        List<String> columns = foreignKey.list(SchemaFact.COLUMNS);
        List<String> referenced = foreignKey.list(SchemaFact.REFERENCED_COLUMNS);
        String notNull = columns.stream().map(c -> "c." + quote.apply(c) + " is not null")
                .collect(Collectors.joining(" and "));
        String join = IntStream.range(0, columns.size())
                .mapToObj(i -> "p." + quote.apply(referenced.get(i)) + " = c." + quote.apply(columns.get(i)))
                .collect(Collectors.joining(" and "));
        return "select count(*) from " + quote.apply(foreignKey.table()) + " c where " + notNull
                + " and not exists (select 1 from " + quote.apply(foreignKey.requireFact(SchemaFact.REFERENCED_TABLE))
                + " p where " + join + ")";
    }

    /** The problem for {@code orphans} rows; {@code cause} says how the engine lets such rows in. */
    public static DataProblem problem(SchemaObject foreignKey, long orphans, String cause) {
        return new DataProblem(DataProblem.Kind.FOREIGN_KEY_ORPHANS, foreignKey.table(), null, orphans + " rows of "
                + foreignKey.table() + " have a " + foreignKey.requireFact(SchemaFact.COLUMNS)
                + " that matches no row of " + foreignKey.requireFact(SchemaFact.REFERENCED_TABLE)
                + " (foreign key " + foreignKey.simpleName() + cause);
    }
}
