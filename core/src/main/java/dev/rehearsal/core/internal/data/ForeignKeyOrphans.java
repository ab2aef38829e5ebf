package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
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

    /** The foreign key of {@code schema} that an orphans problem is about; empty for other problems. */
    public static Optional<SchemaObject> keyOf(DataProblem problem, SchemaSnapshot schema) {
        if (problem.kind() != DataProblem.Kind.FOREIGN_KEY_ORPHANS) {
            return Optional.empty();
        }
        return schema.objects(ObjectKind.CONSTRAINT).stream()
                .filter(c -> c.table() != null && c.table().equals(problem.table()) && applies(c))
                .filter(c -> Pattern.compile("\\(foreign key " + Pattern.quote(c.simpleName())
                        + "[,);]").matcher(problem.message()).find())
                .findFirst();
    }

    /**
     * Whether the orphans of {@code foreignKey} were there before the migration that adds it: the key is new, its
     * columns existed before with no foreign key over them, and the migration left their values as they were. Such
     * orphans are values Rehearsal's seeder (or a fixture) gave a column that had no key yet, not the migration's
     * doing.
     */
    public static boolean heldBeforeTheKey(SchemaObject foreignKey, SchemaSnapshot before, DataFingerprint was,
                                           DataFingerprint is) {
        String table = foreignKey.table();
        List<String> columns = foreignKey.list(SchemaFact.COLUMNS);
        if (before.find(ObjectKind.CONSTRAINT, foreignKey.name()).isPresent() || columns.isEmpty()
                || columns.stream().anyMatch(c -> before.column(table, c).isEmpty())
                || before.objects(ObjectKind.CONSTRAINT).stream().anyMatch(c -> table.equals(c.table()) && applies(c)
                && c.list(SchemaFact.COLUMNS).equals(columns))) {
            return false;
        }
        DataFingerprint.TableFingerprint then = was.tables().get(table);
        DataFingerprint.TableFingerprint now = is.tables().get(table);
        return then != null && now != null && then.rows() == now.rows() && columns.stream()
                .allMatch(c -> then.columns().get(c) != null && then.columns().get(c).equals(now.columns().get(c)));
    }

    /**
     * What the report says of orphans that were there before {@code migration} added {@code foreignKey}, instead of
     * failing it: why they are not its doing, and how to find such rows in production before validating the key.
     */
    public static String heldBeforeNote(SchemaObject foreignKey, String migration, UnaryOperator<String> quote) {
        return migration + " adds " + foreignKey.simpleName() + " over " + foreignKey.table() + " ("
                + foreignKey.requireFact(SchemaFact.COLUMNS) + "), columns without a foreign key before it whose values"
                + " it left as they were: their orphans are values those rows held before the key existed (Rehearsal's"
                + " seeded rows, or fixtures), not " + migration + "'s doing. Production's rows may hold such values too;"
                + " find them before validating the key with: " + countQuery(foreignKey, quote);
    }

    /** The problem for {@code orphans} rows; {@code cause} says how the engine lets such rows in. */
    public static DataProblem problem(SchemaObject foreignKey, long orphans, String cause) {
        return new DataProblem(DataProblem.Kind.FOREIGN_KEY_ORPHANS, foreignKey.table(), null, orphans + " rows of "
                + foreignKey.table() + " have a " + foreignKey.requireFact(SchemaFact.COLUMNS)
                + " that matches no row of " + foreignKey.requireFact(SchemaFact.REFERENCED_TABLE)
                + " (foreign key " + foreignKey.simpleName() + cause);
    }
}
