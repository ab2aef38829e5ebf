package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.data.DataFingerprint.ColumnFingerprint;
import dev.rehearsal.core.data.DataFingerprint.TableFingerprint;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem.Kind;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The data rules of a round trip, applied to fingerprints taken around each phase. Engine-neutral: the engine
 * computes the fingerprints; this class decides what a difference means.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DataChecks {

    private DataChecks() {
    }

    /**
     * Tables the migration touches: those its schema change concerns, and those its up script names. Their data may
     * change; the data of every other table must not.
     */
    public static Set<String> touchedTables(Migration migration, SchemaDiff diff) {
        Set<String> touched = new HashSet<>();
        for (SchemaChange change : diff.changes()) {
            SchemaObject o = change.object();
            if (o.kind() == ObjectKind.TABLE) {
                touched.add(o.name());
            } else if (o.table() != null) {
                touched.add(o.table());
            }
        }
        return touched;
    }

    /** Whether {@code sql} names {@code table} (its unqualified name, as a whole word, in any case). */
    public static boolean mentions(String sql, String table) {
        String simple = table.contains(".") ? table.substring(table.lastIndexOf('.') + 1) : table;
        return Pattern.compile("(?<![\\w$])\"?" + Pattern.quote(simple) + "\"?(?![\\w$])",
                Pattern.CASE_INSENSITIVE).matcher(sql).find();
    }

    private static final Pattern WORD = Pattern.compile("[\\w$]+");

    /**
     * {@link #mentions} for one script and many tables: the script's words are collected once, so asking about each
     * table of a large schema costs a set lookup instead of a pattern compiled and run over the script.
     */
    public static Predicate<String> mentionedIn(String sql) {
        Set<String> words = new HashSet<>();
        Matcher m = WORD.matcher(sql);
        while (m.find()) {
            words.add(m.group().toLowerCase(Locale.ROOT));
        }
        return table -> {
            String simple = table.contains(".") ? table.substring(table.lastIndexOf('.') + 1) : table;
            // a name of word characters is mentioned exactly when it is one of the script's words; others
            // (quoted names with spaces or dashes) go through the pattern
            return WORD.matcher(simple).matches() ? words.contains(simple.toLowerCase(Locale.ROOT)) : mentions(sql, table);
        };
    }

    /** Runs the counts {@link BackfillSources} writes, on the database the up ran on. */
    public interface RowCounter {
        /** Quotes a table or column name for the engine. */
        String quote(String name);

        /** The count a {@code SELECT count(*)} query gives. */
        long count(String query);
    }

    /**
     * Problems after an up: untouched data changed, rows appeared or vanished, a new column filled for some rows
     * (counting only the rows its backfill could reach: {@link BackfillSources}).
     */
    public static List<DataProblem> afterUp(Migration migration, SchemaSnapshot after, SchemaDiff diff,
                                            DataFingerprint before, DataFingerprint now, RowCounter counter) {
        List<DataProblem> problems = new ArrayList<>();
        Set<String> touched = touchedTables(migration, diff);
        String sql = migration.up().sql();
        ScriptWrites writes = ScriptWrites.of(sql);
        Predicate<String> mentioned = mentionedIn(sql);
        String name = migration.displayName();
        for (Map.Entry<String, TableFingerprint> e : before.tables().entrySet()) {
            String table = e.getKey();
            TableFingerprint was = e.getValue();
            TableFingerprint is = now.tables().get(table);
            if (is == null || was.rows() == 0 && is.rows() == 0) {
                continue;
            }
            boolean named = touched.contains(table) || mentioned.test(table);
            if (was.rows() != is.rows()) {
                long delta = is.rows() - was.rows();
                if (writes.explainsRowCountChange(table, delta)) {
                    continue; // the script's own INSERT, COPY, MERGE, DELETE or TRUNCATE says it is intended
                }
                problems.add(new DataProblem(Kind.ROW_COUNT_CHANGED, table, null, name + " changed the row count of "
                        + table + " from " + was.rows() + " to " + is.rows() + " (" + (delta < 0 ? -delta + " rows lost"
                        : delta + " rows added") + ")" + (named ? "" : ", a table it does not even name")
                        + (writes.writes(table) ? ", which none of its own statements explains (a trigger, a rule or a"
                        + " cascade?)" : "") + ". If that is intended, declare it: dataChanges = \"" + migration.version() + "\"."));
                continue;
            }
            if (named) {
                continue;
            }
            for (Map.Entry<String, ColumnFingerprint> c : was.columns().entrySet()) {
                ColumnFingerprint after2 = is.columns().get(c.getKey());
                if (after2 != null && !after2.equals(c.getValue())) {
                    problems.add(new DataProblem(Kind.UNTOUCHED_DATA_CHANGED, table, c.getKey(), name
                            + " changed the values of " + table + "." + c.getKey() + " (" + c.getValue() + " before, "
                            + after2 + " after), though it does not name " + table
                            + ": a trigger, a cascade or a function did it. Declare it if intended: dataChanges = \""
                            + migration.version() + "\"."));
                }
            }
        }
        for (SchemaChange change : diff.changes()) {
            SchemaObject column = change.object();
            if (change.type() != SchemaChange.Type.ADDED || column.kind() != ObjectKind.COLUMN) {
                continue;
            }
            TableFingerprint was = before.tables().get(column.table());
            TableFingerprint is = now.tables().get(column.table());
            if (was == null || is == null || is.rows() == 0 || column.fact(SchemaFact.DEFAULT).isPresent()
                    || column.fact(SchemaFact.GENERATED).isPresent() || column.fact(SchemaFact.IDENTITY).isPresent()) {
                continue;
            }
            ColumnFingerprint values = is.columns().get(column.simpleName());
            if (values != null && carriesDroppedValues(diff, was, column, values)) {
                continue; // a rename: the values are the ones a dropped column of the table held, NULLs included
            }
            if (values != null && values.nonNull() > 0 && values.nonNull() < is.rows()) {
                long nulls = is.rows() - values.nonNull();
                long unreached = 0;
                long leftOut = 0;
                String unknown = "";
                Optional<String> query = BackfillSources.unreachableRowsQuery(sql, column.table(),
                        column.simpleName(), counter::quote);
                try {
                    unreached = query.isEmpty() ? 0 : counter.count(query.get());
                } catch (RehearsalException e) {
                    unknown = " (which of them had a NULL source could not be asked: " + e.getMessage() + ")";
                }
                Optional<BackfillSources.LeftOut> chosen = BackfillSources.leftOutRowsQuery(sql,
                        column.table(), column.simpleName(), keyColumns(after, column.table()), counter::quote);
                try {
                    leftOut = chosen.isEmpty() ? 0 : counter.count(chosen.get().query());
                } catch (RehearsalException e) {
                    unknown += " (which of them its WHERE clause leaves out could not be asked: " + e.getMessage() + ")";
                }
                if (nulls > unreached + leftOut) {
                    problems.add(new DataProblem(Kind.PARTIAL_BACKFILL, column.table(), column.simpleName(), name
                            + " added " + column.name() + " and filled it for " + values.nonNull() + " of " + is.rows()
                            + " rows; " + (nulls - unreached - leftOut) + " rows are still NULL" + (unreached == 0 ? ""
                            : " though the backfill's value for them is not (" + unreached + " more, whose value is"
                            + " NULL, had nothing to copy and are not counted)") + (leftOut == 0 ? ""
                            : " (" + leftOut + " more, which its WHERE clause leaves out on purpose by "
                            + chosen.get().condition().replaceAll("\\s+", " ") + ", are not counted)") + unknown
                            + ". A backfill that skips rows (a WHERE clause that bounds the key, a join that misses"
                            + " some)? Fill every row, or declare it: dataChanges = \"" + migration.version() + "\"."));
                }
            }
        }
        return problems;
    }

    /** The primary key columns of {@code table} in {@code schema}; empty when it has none. */
    static List<String> keyColumns(SchemaSnapshot schema, String table) {
        return schema.objects(ObjectKind.CONSTRAINT).stream()
                .filter(c -> table.equals(c.table()) && "primary key".equals(c.fact(SchemaFact.TYPE).orElse("")))
                .findFirst().map(c -> c.list(SchemaFact.COLUMNS)).orElse(List.of());
    }

    /** Whether a column the diff removed from the same table held exactly {@code values} before the up. */
    private static boolean carriesDroppedValues(SchemaDiff diff, TableFingerprint was, SchemaObject column,
                                                ColumnFingerprint values) {
        return diff.changes().stream().anyMatch(c -> c.type() == SchemaChange.Type.REMOVED
                && c.object().kind() == ObjectKind.COLUMN && column.table().equals(c.object().table())
                && values.equals(was.columns().get(c.object().simpleName())));
    }

    /**
     * Problems after a down: every column that existed before the up must have its values back. Rows or non-null
     * values that did not come back make the down lossy.
     */
    public static List<DataProblem> afterDown(Migration migration, DataFingerprint beforeUp, DataFingerprint now) {
        List<DataProblem> problems = new ArrayList<>();
        String down = migration.down() == null ? "the down script" : migration.down().name();
        for (Map.Entry<String, TableFingerprint> e : beforeUp.tables().entrySet()) {
            String table = e.getKey();
            TableFingerprint was = e.getValue();
            TableFingerprint is = now.tables().get(table);
            if (is == null || was.rows() == 0) {
                continue;
            }
            if (is.rows() < was.rows()) {
                problems.add(new DataProblem(Kind.LOSSY_DOWN, table, null, down + " lost " + (was.rows() - is.rows())
                        + " of " + was.rows() + " rows of " + table + "."));
            } else if (is.rows() > was.rows()) {
                problems.add(new DataProblem(Kind.DOWN_CHANGED_DATA, table, null, down + " left " + table + " with "
                        + is.rows() + " rows; it had " + was.rows() + " before the up."));
            }
            for (Map.Entry<String, ColumnFingerprint> c : was.columns().entrySet()) {
                ColumnFingerprint back = is.columns().get(c.getKey());
                if (back == null || back.equals(c.getValue())) {
                    continue;
                }
                long lost = c.getValue().nonNull() - back.nonNull();
                if (lost > 0) {
                    problems.add(new DataProblem(Kind.LOSSY_DOWN, table, c.getKey(), down + " lost " + lost + " of "
                            + c.getValue().nonNull() + " non-null values of " + table + "." + c.getKey()
                            + (back.nonNull() == 0 ? " (the column came back empty)" : "") + "."));
                } else if (is.rows() == was.rows() && back.nonNull() > c.getValue().nonNull()) {
                    problems.add(new DataProblem(Kind.DOWN_CHANGED_DATA, table, c.getKey(), down + " left "
                            + (back.nonNull() - c.getValue().nonNull()) + " values in " + table + "." + c.getKey()
                            + " that were NULL before the up (" + c.getValue().nonNull() + " non-null before, "
                            + back.nonNull() + " after)."));
                } else if (is.rows() == was.rows()) {
                    problems.add(new DataProblem(Kind.DOWN_CHANGED_DATA, table, c.getKey(), down + " restored "
                            + table + "." + c.getKey() + " with different values than before the up ("
                            + c.getValue() + " before, " + back + " after)."));
                }
            }
        }
        return problems;
    }

    private static final Pattern VOLATILE = Pattern.compile(
            "now\\(|current_timestamp|clock_timestamp|statement_timestamp|transaction_timestamp|localtimestamp"
                    + "|current_date|current_time|random\\(|gen_random_uuid|uuid_generate", Pattern.CASE_INSENSITIVE);

    /**
     * Problems after up again: the data must equal what the first up produced. Differences in a column whose
     * default is volatile ({@code now()}, {@code gen_random_uuid()}) or whose values come from a sequence (serial,
     * identity) are expected and returned as notes instead.
     */
    public static List<DataProblem> afterUpAgain(Migration migration, SchemaSnapshot schema, DataFingerprint firstUp,
                                                 DataFingerprint now, List<String> notes) {
        List<DataProblem> problems = new ArrayList<>();
        String name = migration.displayName();
        for (Map.Entry<String, TableFingerprint> e : firstUp.tables().entrySet()) {
            String table = e.getKey();
            TableFingerprint first = e.getValue();
            TableFingerprint second = now.tables().get(table);
            if (second == null) {
                continue;
            }
            if (first.rows() != second.rows()) {
                problems.add(new DataProblem(Kind.NOT_REPRODUCED, table, null, "applied again, " + name + " left "
                        + second.rows() + " rows in " + table + "; the first time " + first.rows() + "."));
                continue;
            }
            for (Map.Entry<String, ColumnFingerprint> c : first.columns().entrySet()) {
                ColumnFingerprint again = second.columns().get(c.getKey());
                if (again == null || again.equals(c.getValue())) {
                    continue;
                }
                String def = schema.column(table, c.getKey()).flatMap(o -> o.fact(SchemaFact.DEFAULT)).orElse("");
                if (VOLATILE.matcher(def).find()) {
                    notes.add(table + "." + c.getKey() + " differs between the two ups, as its default " + def
                            + " is volatile");
                    continue;
                }
                boolean fromSequence = def.startsWith("nextval(")
                        || schema.column(table, c.getKey()).flatMap(o -> o.fact(SchemaFact.IDENTITY)).isPresent();
                if (fromSequence) {
                    notes.add(table + "." + c.getKey() + " differs between the two ups: the rows the migration inserts"
                            + " take the next values of its sequence, which the down does not give back");
                    continue;
                }
                problems.add(new DataProblem(Kind.NOT_REPRODUCED, table, c.getKey(), "applied again, " + name
                        + " gave different values in " + table + "." + c.getKey() + " (" + c.getValue()
                        + " the first time, " + again + " the second). A backfill that depends on row order, the"
                        + " clock or randomness?"));
            }
        }
        return problems;
    }

    /** The problems of {@code after} that {@code before} did not have. */
    public static List<DataProblem> newProblems(List<DataProblem> before, List<DataProblem> after) {
        Set<String> old = new HashSet<>();
        for (DataProblem p : before) {
            old.add(key(p));
        }
        return after.stream().filter(p -> !old.contains(key(p))).toList();
    }

    private static String key(DataProblem p) {
        return p.kind() + "|" + p.table() + "|" + p.column() + "|" + p.message().replaceAll("\\d+", "#")
                .toLowerCase(Locale.ROOT);
    }

    /** Lines for an assertion message. */
    public static String describe(String headline, List<DataProblem> problems) {
        StringBuilder sb = new StringBuilder(headline);
        for (DataProblem p : problems) {
            sb.append("\n  - ").append(p.message());
        }
        return sb.toString();
    }
}
