package dev.rehearsal.core.internal.queries;

import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The running application's queries a migration broke, found by comparing what each did on the schema before with
 * what it does now: a query that worked and fails, and a read whose result lost a column or returns one the driver
 * hands to the application as another kind of value. Queries that failed before are not checkable; a read that only
 * gained columns, or whose column changed type but still comes as the same kind of value (varchar to an enum: a
 * {@code String} either way), still works, and is noted.
 *
 * @param broken       {@code select full_name from customers where id = $1 (42703: column "full_name" does not exist)}
 * @param widened      reads that return more columns than before (a {@code SELECT *} over a table that gained one)
 * @param retyped      reads whose column changed type but comes to the application as the same kind of value
 * @param notCheckable {@code file:line: query (why)} for queries that did not work before the migration
 * @param checked      how many queries were compared
 * @param saferWays    what to do instead, one per kind of break
 * @param tables       the tables the broken queries name, where known
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record QueryBreaks(List<String> broken, List<String> widened, List<String> retyped, List<String> notCheckable,
                          int checked,
                          List<String> saferWays, List<String> tables) {

    private static final Pattern QUOTED = Pattern.compile("[\"'`]([^\"'`]+)[\"'`]");

    /** Compares what each query of the corpus did {@code before} and {@code after}, over those schemas. */
    public static QueryBreaks compare(Map<QueryCorpus.CorpusQuery, QueryOutcome> before,
                                      Map<QueryCorpus.CorpusQuery, QueryOutcome> after,
                                      SchemaSnapshot schemaBefore, SchemaSnapshot schemaAfter) {
        List<String> broken = new ArrayList<>();
        List<String> widened = new ArrayList<>();
        List<String> retyped = new ArrayList<>();
        List<String> notCheckable = new ArrayList<>();
        Set<String> safer = new LinkedHashSet<>();
        Set<String> tables = new LinkedHashSet<>();
        Map<String, TableModel> modelsBefore = null;
        for (Map.Entry<QueryCorpus.CorpusQuery, QueryOutcome> e : before.entrySet()) {
            QueryCorpus.CorpusQuery query = e.getKey();
            QueryOutcome was = e.getValue();
            QueryOutcome now = after.get(query);
            if (!was.worked()) {
                notCheckable.add(query.origin() + ": " + query.shown() + " (" + (was.untypable() != null
                        ? was.untypable() : "fails before the migration: " + was.failure()) + ")");
                continue;
            }
            if (now == null) {
                continue;
            }
            if (now.failure() != null) {
                broken.add(query.shown() + " (" + now.failure() + ")");
                if (modelsBefore == null) {
                    modelsBefore = TableModel.all(schemaBefore);
                }
                safer.add(saferWay(now.failure(), modelsBefore, TableModel.all(schemaAfter), tables));
                if (query.text().table() != null) {
                    tables.add(query.text().table());
                }
                continue;
            }
            List<String> lost = new ArrayList<>();
            List<String> sameKind = new ArrayList<>();
            for (QueryOutcome.ResultColumn column : was.columns()) {
                if (now.columns().contains(column)) {
                    continue;
                }
                now.columns().stream().filter(c -> c.name().equals(column.name())
                                && Objects.equals(c.valueClass(), column.valueClass())).findFirst()
                        .ifPresentOrElse(c -> sameKind.add(column.name() + " is " + c.type() + ", was " + column.type()
                                        + "; still a " + c.valueClass() + " to the application"),
                                () -> lost.add(column.toString()));
            }
            if (!lost.isEmpty()) {
                broken.add(query.shown() + " (returns " + String.join(", ", lost) + " no more; now "
                        + now.columns().stream().map(Object::toString).collect(Collectors.joining(", "))
                        + ")");
                safer.add("keep the columns a running version reads until every running version stops reading them");
                continue;
            }
            if (!sameKind.isEmpty()) {
                retyped.add(query.shown() + " (" + String.join("; ", sameKind) + ")");
            }
            Set<String> names = new HashSet<>();
            was.columns().forEach(c -> names.add(c.name()));
            List<String> gained = now.columns().stream().filter(c -> !names.contains(c.name())).map(Object::toString)
                    .toList();
            if (!gained.isEmpty()) {
                widened.add(query.shown() + " (now also returns " + String.join(", ", gained) + ")");
            }
        }
        return new QueryBreaks(broken, widened, retyped, notCheckable, before.size(), new ArrayList<>(safer),
                new ArrayList<>(tables));
    }

    public boolean breaks() {
        return !broken.isEmpty();
    }

    /** The safe way for a failure, by its SQLState, naming the column or table where the message names one. */
    private static String saferWay(String failure, Map<String, TableModel> before, Map<String, TableModel> after,
                                   Set<String> tables) {
        String state = failure.length() >= 5 ? failure.substring(0, 5) : "";
        if (failure.contains("doesn't have a default value") || failure.contains("cannot be null")) {
            state = "23502"; // MariaDB says a NOT NULL column was left out with HY000 (1364)
        }
        Matcher quoted = QUOTED.matcher(failure);
        String name = quoted.find() ? quoted.group(1) : null;
        return switch (state) {
            case "42703", "42S22" -> "contract after every running version stops reading "
                    + vanishedColumn(name, before, after, tables) + " (expand: add the new column and write both;"
                    + " drop the old one in a later release)";
            case "42P01", "42S02" -> "drop or rename " + (name == null ? "the table" : name)
                    + " only after every running version stops using it (a view under the old name bridges a rename)";
            case "23502" -> "give " + (name == null ? "the new column" : name) + " a default, or set it NOT NULL only"
                    + " after every running version writes it";
            case "22001", "22003", "01000" -> "narrow the type only after every running version writes values that fit";
            case "23514", "4025" -> "add the check only after every running version writes values that pass it";
            case "23503" -> "add the foreign key only after every running version writes rows that satisfy it";
            case "42804", "42883", "22P02" -> "change the type only after every running version sends values of the"
                    + " new type (expand with a new column, contract later)";
            default -> "keep what the running version uses until every running version has moved on"
                    + " (expand, migrate, contract)";
        };
    }

    /** {@code customers.full_name}: the table before the migration that had the column and lost it. */
    private static String vanishedColumn(String column, Map<String, TableModel> before, Map<String, TableModel> after,
                                         Set<String> tables) {
        if (column == null) {
            return "the column";
        }
        String bare = column.contains(".") ? column.substring(column.lastIndexOf('.') + 1) : column;
        for (TableModel table : before.values()) {
            TableModel now = after.get(table.name());
            if (table.column(bare).isPresent() && (now == null || now.column(bare).isEmpty())) {
                tables.add(table.name());
                return table.name() + "." + bare;
            }
        }
        return bare;
    }
}
