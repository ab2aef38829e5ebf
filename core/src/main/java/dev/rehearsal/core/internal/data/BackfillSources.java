package dev.rehearsal.core.internal.data;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rows a backfill had nothing to copy into, or was not meant to fill: for the last {@code UPDATE t [alias] SET c =
 * <expr> [FROM ...] [WHERE ...]} of a script that fills {@code c}, evaluated by the server.
 * <ul>
 * <li>A row whose source is NULL ({@code SET c = phone} where {@code phone} is NULL, or a joined row whose value is
 * NULL) was reached and left NULL on purpose ({@link #unreachableRowsQuery}).</li>
 * <li>A row the statement's own WHERE clause leaves out by a condition on the row itself ({@code WHERE
 * subscription_id IS NOT NULL}, {@code WHERE o.status = 'paid'}) was left NULL on purpose too
 * ({@link #leftOutRowsQuery}): the statement says which rows it means to fill. Not so a condition that only bounds
 * the table's key ({@code WHERE id < 100}, {@code id BETWEEN 1 AND 5000}) or takes so many rows ({@code LIMIT}):
 * that is a batch, and the rows after it were missed; nor, with a FROM list, a condition on the joined rows
 * ({@code c.id = o.customer_id}, {@code c.active}): a target row that finds no joined row was missed by the join,
 * not chosen.</li>
 * </ul>
 *
 * <p>Read from the script's text; a script that fills the column in a way this does not read (a function, a loop in a
 * DO block, a multi-table UPDATE, a migration tool's code) gives no query, and every row left NULL counts. An
 * expression that draws from a sequence is never evaluated.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class BackfillSources {

    private static final String NAME = "((?:\"[^\"]+\"|`[^`]+`|[\\w$]+)(?:\\s*\\.\\s*(?:\"[^\"]+\"|`[^`]+`|[\\w$]+))?)";
    private static final Pattern UPDATE = Pattern.compile("\\bUPDATE\\s+(?:ONLY\\s+)?" + NAME
            + "(?:\\s+(?:AS\\s+)?(?!SET\\b)([\\w$]+))?\\s+SET\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern CLAUSE_END = Pattern.compile("\\b(FROM|WHERE|RETURNING)\\b|;", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHERE = Pattern.compile("\\bWHERE\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern END = Pattern.compile("\\b(RETURNING|ORDER\\s+BY|LIMIT)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern SEQUENCE = Pattern.compile("\\b(nextval|setval)\\s*\\(|\\bNEXT\\s+VALUE\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LIMIT = Pattern.compile("\\bLIMIT\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern AND_OR_BETWEEN = Pattern.compile("\\b(AND|BETWEEN)\\b", Pattern.CASE_INSENSITIVE);
    private static final String CONSTANT = "(?:[-+]?\\d+(?:\\.\\d+)?|'(?:[^']|'')*'(?:::[\\w ]+)?|\\$\\d+|\\?)";

    private BackfillSources() {
    }

    /**
     * The query counting the rows a backfill's own WHERE clause leaves out on purpose, and the condition that says so
     * (as the script writes it, for messages).
     */
    public record LeftOut(String query, String condition) {
    }

    /** What the script's last UPDATE that fills the column says, read once for both queries. */
    private record Backfill(String rows, String nullSource, String rowFilter) {
    }

    /**
     * The query counting the rows of {@code table} left NULL in {@code column} for which the script's backfill had
     * nothing to copy; empty when the script has no UPDATE of the table that sets the column as this reads it.
     *
     * @param quote quotes a table or column name for the engine
     */
    public static Optional<String> unreachableRowsQuery(String sql, String table, String column, UnaryOperator<String> quote) {
        return read(sql, table, column, List.of(), quote).filter(b -> b.nullSource() != null)
                .map(b -> b.rows() + b.nullSource());
    }

    /**
     * The query counting the rows of {@code table} left NULL in {@code column} that the backfill's own WHERE clause
     * leaves out by a condition on the row itself, other than a bound of {@code keyColumns} (a batch), and whose source
     * is not NULL (those {@link #unreachableRowsQuery} counts); empty when the statement has no such condition.
     *
     * @param keyColumns the table's primary key columns ({@code id} when it has none)
     * @param quote      quotes a table or column name for the engine
     */
    public static Optional<LeftOut> leftOutRowsQuery(String sql, String table, String column, List<String> keyColumns,
                                                     UnaryOperator<String> quote) {
        return read(sql, table, column, keyColumns.isEmpty() ? List.of("id") : keyColumns, quote)
                .filter(b -> b.rowFilter() != null)
                .map(b -> new LeftOut(b.rows() + "(" + b.rowFilter() + ") IS NOT TRUE"
                        + (b.nullSource() == null ? "" : " AND NOT (" + b.nullSource() + ")"), b.rowFilter()));
    }

    private static Optional<Backfill> read(String sql, String table, String column, List<String> keyColumns,
                                           UnaryOperator<String> quote) {
        String text = sql.replaceAll("(?m)--[^\\n]*$", " ").replaceAll("(?s)/\\*.*?\\*/", " ");
        String simpleTable = ScriptWrites.simple(table).toLowerCase(Locale.ROOT);
        Backfill found = null;
        Matcher m = UPDATE.matcher(text);
        while (m.find()) {
            if (!ScriptWrites.simple(m.group(1)).toLowerCase(Locale.ROOT).equals(simpleTable)) {
                continue;
            }
            int end = text.indexOf(';', m.end());
            String statement = text.substring(m.end(), end < 0 ? text.length() : end);
            String expression = assignment(statement, column);
            if (expression == null) {
                continue;
            }
            String alias = m.group(2);
            String target = alias != null ? alias : m.group(1).trim();
            String rows = "SELECT count(*) FROM " + m.group(1).trim() + (alias == null ? "" : " " + alias)
                    + " WHERE " + target + "." + quote.apply(column) + " IS NULL AND ";
            boolean sequence = SEQUENCE.matcher(expression).find();
            int clauseEnd = topLevel(statement, CLAUSE_END);
            String rest = clauseEnd < 0 ? "" : statement.substring(clauseEnd);
            // so many rows at a time (UPDATE ... LIMIT, WHERE id IN (SELECT ... LIMIT n)): the others were missed
            boolean batch = LIMIT.matcher(rest).find();
            if (rest.regionMatches(true, 0, "FROM", 0, 4)) {
                String joined = rest.substring(4);
                int returning = topLevel(joined, END);
                joined = returning < 0 ? joined : joined.substring(0, returning);
                int where = topLevel(joined, WHERE);
                String from = where < 0 ? joined : joined.substring(0, where);
                List<String> conditions = where < 0 ? List.of() : conjuncts(joined.substring(where + 5).trim());
                List<String> join = new ArrayList<>();
                List<String> own = new ArrayList<>();
                for (String c : conditions) {
                    (onlyTarget(c, target) ? own : join).add(c);
                }
                String whereText = String.join(" AND ", conditions);
                String condition = whereText.isEmpty() ? "" : "(" + whereText + ") AND ";
                // a row whose own join key is NULL matches nothing: it had nothing to copy either
                StringBuilder keys = new StringBuilder();
                Matcher ownKey = Pattern.compile("(?<![\\w$.])" + Pattern.quote(target) + "\\s*\\.\\s*(\"[^\"]+\"|[\\w$]+)")
                        .matcher(String.join(" AND ", join));
                Set<String> seen = new LinkedHashSet<>();
                while (ownKey.find()) {
                    if (seen.add(ownKey.group(1))) {
                        keys.append(" OR ").append(target).append('.').append(ownKey.group(1)).append(" IS NULL");
                    }
                }
                String nullSource = sequence ? null : "(EXISTS (SELECT 1 FROM " + from.trim() + " WHERE " + condition
                        + "(" + expression.trim() + ") IS NULL)" + keys + ")";
                found = new Backfill(rows, nullSource, batch ? null : rowFilter(own, target, keyColumns));
            } else {
                String nullSource = sequence ? null : "(" + expression.trim() + ") IS NULL";
                String filter = null;
                if (rest.regionMatches(true, 0, "WHERE", 0, 5)) {
                    String whereText = rest.substring(5);
                    int returning = topLevel(whereText, END);
                    whereText = returning < 0 ? whereText : whereText.substring(0, returning);
                    filter = rowFilter(conjuncts(whereText.trim()), target, keyColumns);
                }
                found = new Backfill(rows, nullSource, batch ? null : filter);
            }
        }
        return Optional.ofNullable(found);
    }

    /** The conditions on the row itself, bounds of its key left out, joined by AND; null when none is left. */
    private static String rowFilter(List<String> conditions, String target, List<String> keyColumns) {
        List<String> kept = conditions.stream().filter(c -> !c.isBlank() && !boundsKey(c, target, keyColumns)).toList();
        return kept.isEmpty() ? null : kept.size() == 1 ? kept.get(0) : "(" + String.join(") AND (", kept) + ")";
    }

    /** Whether {@code condition} only bounds one of the key columns by constants: a batch, not a choice of rows. */
    private static boolean boundsKey(String condition, String target, List<String> keyColumns) {
        String c = condition.trim();
        while (c.startsWith("(") && c.endsWith(")") && topLevel(c.substring(1, c.length() - 1), CLOSE) < 0) {
            c = c.substring(1, c.length() - 1).trim();
        }
        for (String key : keyColumns) {
            String column = "(?:(?:" + Pattern.quote(target) + "|\"" + Pattern.quote(target) + "\")\\s*\\.\\s*)?(?:"
                    + Pattern.quote(key) + "|\"" + Pattern.quote(key) + "\")";
            String compare = "(?:<=?|>=?)";
            if (Pattern.compile("^" + column + "\\s*" + compare + "\\s*" + CONSTANT + "$", Pattern.CASE_INSENSITIVE).matcher(c).matches()
                    || Pattern.compile("^" + CONSTANT + "\\s*" + compare + "\\s*" + column + "$", Pattern.CASE_INSENSITIVE).matcher(c).matches()
                    || Pattern.compile("^" + column + "\\s+BETWEEN\\s+" + CONSTANT + "\\s+AND\\s+" + CONSTANT + "$",
                    Pattern.CASE_INSENSITIVE).matcher(c).matches()) {
                return true;
            }
        }
        return false;
    }

    private static final Pattern CLOSE = Pattern.compile("\\)");

    /** The conditions a WHERE clause joins with AND at its top level (an AND of a BETWEEN stays in it). */
    private static List<String> conjuncts(String where) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        int between = 0;
        Matcher m = AND_OR_BETWEEN.matcher(where);
        while (m.find()) {
            if (!atTopLevel(where, m.start())) {
                continue;
            }
            if (m.group(1).equalsIgnoreCase("BETWEEN")) {
                between++;
            } else if (between > 0) {
                between--;
            } else {
                parts.add(where.substring(start, m.start()).trim());
                start = m.end();
            }
        }
        parts.add(where.substring(start).trim());
        return parts.stream().filter(p -> !p.isEmpty()).toList();
    }

    private static final Pattern QUALIFIER = Pattern.compile("(?<![\\w$.\"])(\"[^\"]+\"|[A-Za-z_][\\w$]*)\\s*\\.\\s*[\"A-Za-z_]");

    /**
     * Whether {@code condition} is about the updated row alone: every name it qualifies ({@code x.col}) is the
     * target's, so it names no joined row (nor a subquery's, nor a schema's: those count as joins, the cautious way).
     */
    private static boolean onlyTarget(String condition, String target) {
        String own = ScriptWrites.simple(target);
        String ownSimple = own.contains(".") ? own.substring(own.lastIndexOf('.') + 1) : own;
        Matcher m = QUALIFIER.matcher(condition.replaceAll("'(?:[^']|'')*'", "''"));
        while (m.find()) {
            String name = ScriptWrites.simple(m.group(1));
            if (!name.equalsIgnoreCase(ownSimple) && !name.equalsIgnoreCase(own)) {
                return false;
            }
        }
        return true;
    }

    /** The expression assigned to {@code column} in a SET clause, or null when the clause does not set it. */
    private static String assignment(String statement, String column) {
        int end = topLevel(statement, CLAUSE_END);
        String set = end < 0 ? statement : statement.substring(0, end);
        for (String part : topLevelParts(set)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String left = unquote(part.substring(0, eq).trim());
            left = left.contains(".") ? left.substring(left.lastIndexOf('.') + 1) : left;
            if (left.equalsIgnoreCase(column)) {
                return part.substring(eq + 1);
            }
        }
        return null;
    }

    private static List<String> topLevelParts(String set) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < set.length(); i++) {
            char ch = set.charAt(i);
            if (ch == '\'') {
                quoted = !quoted;
            } else if (!quoted && ch == '(') {
                depth++;
            } else if (!quoted && ch == ')') {
                depth--;
            } else if (!quoted && depth == 0 && ch == ',') {
                parts.add(set.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(set.substring(start));
        return parts;
    }

    /** Where {@code pattern} first matches outside parentheses and string literals, or -1. */
    private static int topLevel(String text, Pattern pattern) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (atTopLevel(text, m.start())) {
                return m.start();
            }
        }
        return -1;
    }

    /** Whether {@code index} of {@code text} is outside parentheses and string literals. */
    private static boolean atTopLevel(String text, int index) {
        String before = text.substring(0, index);
        if (before.chars().filter(ch -> ch == '\'').count() % 2 != 0) {
            return false;
        }
        before = before.replaceAll("'(?:[^']|'')*'", "''");
        long open = before.chars().filter(ch -> ch == '(').count();
        long close = before.chars().filter(ch -> ch == ')').count();
        return open == close;
    }

    private static String unquote(String name) {
        String n = name.trim();
        return n.length() > 1 && (n.startsWith("\"") || n.startsWith("`")) ? n.substring(1, n.length() - 1) : n;
    }
}
