package dev.rehearsal.core.internal.data;

import org.apiguardian.api.API;

import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rows a backfill had nothing to copy into: for the last {@code UPDATE t [alias] SET c = <expr> [FROM ...] [WHERE
 * ...]} of a script that fills {@code c}, the rows where {@code <expr>} gives NULL, evaluated by the server. A row
 * whose source is NULL ({@code SET c = phone} where {@code phone} is NULL, or a joined row whose value is NULL) was
 * reached and left NULL on purpose, so it is not a row the backfill missed. Without a FROM list the expression is
 * evaluated for every row, whatever the WHERE clause says (a {@code WHERE phone IS NOT NULL} only skips rows with
 * nothing to copy; a {@code WHERE id < 100} skips rows that had a value, and those still count); with one, the joined
 * rows the WHERE clause finds are asked.
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
    private static final Pattern END = Pattern.compile("\\bRETURNING\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern SEQUENCE = Pattern.compile("\\b(nextval|setval)\\s*\\(|\\bNEXT\\s+VALUE\\b",
            Pattern.CASE_INSENSITIVE);

    private BackfillSources() {
    }

    /**
     * The query counting the rows of {@code table} left NULL in {@code column} for which the script's backfill had
     * nothing to copy; empty when the script has no UPDATE of the table that sets the column as this reads it.
     *
     * @param quote quotes a table or column name for the engine
     */
    public static Optional<String> unreachableRowsQuery(String sql, String table, String column, UnaryOperator<String> quote) {
        String text = sql.replaceAll("(?m)--[^\\n]*$", " ").replaceAll("(?s)/\\*.*?\\*/", " ");
        String simpleTable = ScriptWrites.simple(table).toLowerCase(Locale.ROOT);
        String query = null;
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
            if (SEQUENCE.matcher(expression).find()) {
                query = null;
                continue;
            }
            String alias = m.group(2);
            String target = alias != null ? alias : m.group(1).trim();
            String rows = "SELECT count(*) FROM " + m.group(1).trim() + (alias == null ? "" : " " + alias)
                    + " WHERE " + target + "." + quote.apply(column) + " IS NULL AND ";
            int clauseEnd = topLevel(statement, CLAUSE_END);
            if (clauseEnd >= 0 && statement.substring(clauseEnd).regionMatches(true, 0, "FROM", 0, 4)) {
                String joined = statement.substring(clauseEnd + 4);
                int returning = topLevel(joined, END);
                joined = returning < 0 ? joined : joined.substring(0, returning);
                int where = topLevel(joined, WHERE);
                String from = where < 0 ? joined : joined.substring(0, where);
                String whereText = where < 0 ? "" : joined.substring(where + 5).trim();
                String condition = where < 0 ? "" : "(" + whereText + ") AND ";
                // a row whose own join key is NULL matches nothing: it had nothing to copy either
                StringBuilder keys = new StringBuilder();
                Matcher own = Pattern.compile("(?<![\\w$.])" + Pattern.quote(target) + "\\s*\\.\\s*(\"[^\"]+\"|[\\w$]+)")
                        .matcher(whereText);
                java.util.Set<String> seen = new java.util.LinkedHashSet<>();
                while (own.find()) {
                    if (seen.add(own.group(1))) {
                        keys.append(" OR ").append(target).append('.').append(own.group(1)).append(" IS NULL");
                    }
                }
                query = rows + "(EXISTS (SELECT 1 FROM " + from.trim() + " WHERE " + condition + "(" + expression.trim()
                        + ") IS NULL)" + keys + ")";
            } else {
                query = rows + "(" + expression.trim() + ") IS NULL";
            }
        }
        return Optional.ofNullable(query);
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

    private static java.util.List<String> topLevelParts(String set) {
        java.util.List<String> parts = new java.util.ArrayList<>();
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
            String before = text.substring(0, m.start()).replaceAll("'(?:[^']|'')*'", "''");
            long open = before.chars().filter(ch -> ch == '(').count();
            long close = before.chars().filter(ch -> ch == ')').count();
            if (open == close) {
                return m.start();
            }
        }
        return -1;
    }

    private static String unquote(String name) {
        String n = name.trim();
        return n.length() > 1 && (n.startsWith("\"") || n.startsWith("`")) ? n.substring(1, n.length() - 1) : n;
    }
}
