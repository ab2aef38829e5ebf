package dev.rehearsal.core.internal.queries;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One query of the running application as JDBC runs it: {@code $1}-style parameters (pg_stat_statements, psql)
 * turned into {@code ?} outside literals, identifiers and comments, with the number each {@code ?} stood for, and what
 * the check needs to bind its parameters: the statement's kind, its target table and the column each parameter is
 * compared with or written to.
 *
 * @param jdbc       the text with {@code ?} parameters
 * @param numbers    for each {@code ?}, in order, the {@code $n} it was (1-based); the position itself for {@code ?}
 * @param kind       what the statement does
 * @param table      the table an INSERT, UPDATE or DELETE writes, unquoted; null otherwise
 * @param columns    for each {@code ?}, the column of {@link #table} it is compared with or written to, or null
 * @param inWhere    for each {@code ?}, whether it stands in the WHERE clause (a key of a row the statement reaches)
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record QueryText(String jdbc, List<Integer> numbers, Kind kind, String table, List<String> columns,
                        List<Boolean> inWhere) {

    /** What a statement of the corpus does. */
    public enum Kind {
        READ, INSERT, UPDATE, DELETE, OTHER;

        /** Whether the check runs the statement (in a transaction it rolls back) besides preparing it. */
        public boolean writes() {
            return this == INSERT || this == UPDATE || this == DELETE;
        }
    }

    private static final String NAME = "((?:\"[^\"]+\"|`[^`]+`|[\\w$]+)(?:\\s*\\.\\s*(?:\"[^\"]+\"|`[^`]+`|[\\w$]+))?)";
    private static final Pattern INSERT = Pattern.compile("^\\s*insert\\s+into\\s+" + NAME + "\\s*(\\(([^)]*)\\))?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern UPDATE = Pattern.compile("^\\s*update\\s+(?:only\\s+)?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern DELETE = Pattern.compile("^\\s*delete\\s+from\\s+(?:only\\s+)?" + NAME,
            Pattern.CASE_INSENSITIVE);
    private static final Pattern COMPARED = Pattern.compile(NAME + "\\s*(?:=|<>|!=|<=|>=|<|>|\\blike\\b|\\bilike\\b)\\s*\\?$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern WHERE = Pattern.compile("\\bwhere\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern FIRST_WORD = Pattern.compile("^\\s*(?:\\(\\s*)*([A-Za-z]+)");

    /** The query {@code sql} as JDBC runs it. */
    public static QueryText of(String sql) {
        StringBuilder jdbc = new StringBuilder(sql.length());
        List<Integer> numbers = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            int end = skipQuoted(sql, i);
            if (end > i) {
                jdbc.append(sql, i, end);
                i = end;
            } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))
                    && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)) && sql.charAt(i - 1) != '_')) {
                int j = i + 1;
                while (j < n && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
                numbers.add(Integer.parseInt(sql.substring(i + 1, j)));
                jdbc.append('?');
                i = j;
            } else if (c == '?' && !(i + 1 < n && (sql.charAt(i + 1) == '|' || sql.charAt(i + 1) == '&'
                    || sql.charAt(i + 1) == '?'))) {
                numbers.add(numbers.size() + 1);
                jdbc.append('?');
                i++;
            } else {
                jdbc.append(c);
                i++;
            }
        }
        String text = jdbc.toString().strip();
        Kind kind = kind(text);
        String table = null;
        List<String> columns = new ArrayList<>();
        List<Boolean> inWhere = new ArrayList<>();
        Matcher m = switch (kind) {
            case INSERT -> INSERT.matcher(text);
            case UPDATE -> UPDATE.matcher(text);
            case DELETE -> DELETE.matcher(text);
            default -> null;
        };
        if (m != null && m.find()) {
            table = unquote(m.group(1));
        }
        List<String> insertColumns = kind == Kind.INSERT && m != null && m.group(3) != null
                ? List.of(m.group(3).split(",")).stream().map(s -> unquote(s.strip())).toList() : List.of();
        int valuesAt = kind == Kind.INSERT ? text.toLowerCase(Locale.ROOT).indexOf("values") : -1;
        Matcher where = WHERE.matcher(text);
        int whereAt = where.find() ? where.start() : Integer.MAX_VALUE;
        int valueIndex = 0;
        int depth = 0;
        for (int k = 0; k < text.length(); k++) {
            int skipped = skipQuoted(text, k);
            if (skipped > k) {
                k = skipped - 1;
                continue;
            }
            char c = text.charAt(k);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 1 && valuesAt >= 0 && k > valuesAt) {
                valueIndex++;
            } else if (c == '?') {
                String column = null;
                if (valuesAt >= 0 && k > valuesAt && depth == 1 && valueIndex < insertColumns.size()
                        && text.substring(0, k).stripTrailing().endsWith(valueIndex == 0 ? "(" : ",")) {
                    column = insertColumns.get(valueIndex);
                } else {
                    Matcher compared = COMPARED.matcher(text.substring(Math.max(0, k - 200), k + 1));
                    if (compared.find()) {
                        String name = unquote(compared.group(1));
                        column = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : name;
                    }
                }
                columns.add(column);
                inWhere.add(k > whereAt);
            }
        }
        return new QueryText(text, List.copyOf(numbers), kind, table, Collections.unmodifiableList(columns),
                List.copyOf(inWhere));
    }

    /** The statement's first keyword, upper case: {@code SELECT}, {@code WITH}... */
    public static Optional<String> firstWord(String sql) {
        Matcher m = FIRST_WORD.matcher(stripComments(sql));
        return m.find() ? Optional.of(m.group(1).toUpperCase(Locale.ROOT)) : Optional.empty();
    }

    private static Kind kind(String text) {
        String first = firstWord(text).orElse("");
        return switch (first) {
            case "SELECT", "WITH", "VALUES", "TABLE", "SHOW" -> first.equals("WITH") ? withKind(text) : Kind.READ;
            case "INSERT", "REPLACE" -> Kind.INSERT;
            case "UPDATE" -> Kind.UPDATE;
            case "DELETE" -> Kind.DELETE;
            default -> Kind.OTHER;
        };
    }

    /** A WITH query that writes is run like the statement it ends in. */
    private static Kind withKind(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (Pattern.compile("\\)\\s*(insert|update|delete)\\b").matcher(lower).find()) {
            return lower.matches("(?s).*\\)\\s*insert\\b.*") ? Kind.INSERT
                    : lower.matches("(?s).*\\)\\s*update\\b.*") ? Kind.UPDATE : Kind.DELETE;
        }
        return Kind.READ;
    }

    private static String stripComments(String sql) {
        return sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
    }

    /** The end of the literal, quoted identifier or comment starting at {@code i}; {@code i} when none starts there. */
    static int skipQuoted(String s, int i) {
        int n = s.length();
        char c = s.charAt(i);
        if (c == '\'' || c == '"' || c == '`') {
            int j = i + 1;
            while (j < n) {
                if (s.charAt(j) == '\\' && c != '"' && j + 1 < n) {
                    j += 2;
                    continue;
                }
                if (s.charAt(j) == c) {
                    if (j + 1 < n && s.charAt(j + 1) == c) {
                        j += 2;
                        continue;
                    }
                    return j + 1;
                }
                j++;
            }
            return n;
        }
        if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
            int end = s.indexOf('\n', i);
            return end < 0 ? n : end;
        }
        if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
            int end = s.indexOf("*/", i + 2);
            return end < 0 ? n : end + 2;
        }
        if (c == '$' && (i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1)))) {
            int j = i + 1;
            while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_') && !Character.isDigit(s.charAt(i + 1))) {
                j++;
            }
            if (j < n && s.charAt(j) == '$') {
                String tag = s.substring(i, j + 1);
                int end = s.indexOf(tag, j + 1);
                return end < 0 ? n : end + tag.length();
            }
        }
        return i;
    }

    private static String unquote(String name) {
        String s = name.replaceAll("\\s*\\.\\s*", ".");
        StringBuilder out = new StringBuilder();
        for (String part : s.split("\\.")) {
            if (out.length() > 0) {
                out.append('.');
            }
            boolean quoted = part.length() > 1 && (part.startsWith("\"") || part.startsWith("`"));
            out.append(quoted ? part.substring(1, part.length() - 1) : part.toLowerCase(Locale.ROOT));
        }
        String result = out.toString();
        return result.startsWith("public.") ? result.substring("public.".length()) : result;
    }
}
