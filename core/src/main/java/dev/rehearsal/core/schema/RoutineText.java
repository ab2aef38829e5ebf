package dev.rehearsal.core.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A function's or procedure's definition as the server runs it: its tokens, without comments and without the
 * whitespace between them. Two definitions that differ only in indentation, line breaks or comments are the same
 * routine; one whose tokens differ (an operator, a name, a literal's text) is another, and {@link #firstDifference}
 * names the first token where they part.
 *
 * <p>PostgreSQL's {@code pg_get_functiondef} text is read as SQL around a dollar-quoted body; the body of a {@code sql}
 * or {@code plpgsql} routine is read as code too (its own string literals and dollar quotes stay literal, whitespace
 * and all), while the body of any other language (Python, C...) is compared exactly as written. Any other text (a
 * MariaDB {@code routine_definition}, which is the body alone) is read as MySQL code: {@code #} comments, and
 * backslash escapes in quoted strings.
 */
final class RoutineText {

    private static final Pattern POSTGRES_HEAD = Pattern.compile("^\\s*CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:FUNCTION|PROCEDURE)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LANGUAGE = Pattern.compile("\\bLANGUAGE\\s+'?\"?(\\w+)", Pattern.CASE_INSENSITIVE);

    /** One token of the text: where it starts and its text as the server reads it. */
    record Token(int start, String text) {
    }

    private final String source;
    private final boolean mysql;
    private final boolean bodyIsCode;
    private final List<Token> tokens = new ArrayList<>();

    private RoutineText(String source) {
        this.source = source;
        this.mysql = !POSTGRES_HEAD.matcher(source).find();
        Matcher language = LANGUAGE.matcher(source);
        String lang = language.find() ? language.group(1).toLowerCase(Locale.ROOT) : "sql";
        this.bodyIsCode = lang.equals("sql") || lang.equals("plpgsql");
        read(0, source.length(), true);
    }

    /** The tokens of {@code definition}. */
    static List<Token> tokens(String definition) {
        return new RoutineText(definition).tokens;
    }

    /** The definition as compared: its tokens, each ended by a NUL (which no token of the server's text holds). */
    static String comparable(String definition) {
        StringBuilder sb = new StringBuilder(definition.length());
        for (Token t : tokens(definition)) {
            sb.append(t.text()).append('\0');
        }
        return sb.toString();
    }

    /** Whether {@code o}'s definition is a routine's body, compared by {@link #comparable}. */
    static boolean appliesTo(SchemaObject o) {
        return o.kind() == ObjectKind.FUNCTION || o.kind() == ObjectKind.PROCEDURE;
    }

    /**
     * Where two definitions part: the lines (counted from 1; 0 where a text ends first) holding the first token that
     * differs, in each text, and those lines' text ({@code (end)} where a text ended).
     */
    record Difference(int lineBefore, int lineAfter, String before, String after) {
    }

    /** Where two definitions part; null when they are the same routine (their tokens are equal). */
    static Difference firstDifference(String before, String after) {
        List<Token> a = tokens(before);
        List<Token> b = tokens(after);
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).text().equals(b.get(i).text())) {
            i++;
        }
        if (i == a.size() && i == b.size()) {
            return null;
        }
        int lineA = i < a.size() ? lineOf(before, a.get(i).start()) : -1;
        int lineB = i < b.size() ? lineOf(after, b.get(i).start()) : -1;
        return new Difference(lineA + 1, lineB + 1, lineA < 0 ? "(end)" : lineText(before, lineA),
                lineB < 0 ? "(end)" : lineText(after, lineB));
    }

    private static int lineOf(String text, int offset) {
        int line = 0;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static String lineText(String text, int line) {
        String[] lines = text.split("\n", -1);
        return lines[line].strip();
    }

    /** Reads {@code source[from, to)}; {@code top} for the definition itself, false inside a routine's body. */
    private void read(int from, int to, boolean top) {
        int i = from;
        while (i < to) {
            char c = source.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && at(i + 1, to, '-') && (!mysql || i + 2 >= to || Character.isWhitespace(source.charAt(i + 2)))) {
                i = lineEnd(i, to);
            } else if (mysql && c == '#') {
                i = lineEnd(i, to);
            } else if (c == '/' && at(i + 1, to, '*')) {
                i = blockCommentEnd(i, to);
            } else if (c == '\'' || mysql && c == '"') {
                int end = quotedEnd(i, to, c, mysql || escapes(i, from));
                add(i, end);
                i = end;
            } else if (c == '"' || mysql && c == '`') {
                int end = quotedEnd(i, to, c, false);
                add(i, end);
                i = end;
            } else if (!mysql && c == '$' && dollarTag(i, to) != null) {
                String tag = dollarTag(i, to);
                int close = source.indexOf(tag, i + tag.length());
                int end = close < 0 || close + tag.length() > to ? to : close + tag.length();
                if (top && bodyIsCode && close >= 0) {
                    add(i, i + tag.length());
                    int first = tokens.size();
                    read(i + tag.length(), close, false);
                    while (tokens.size() > first && tokens.get(tokens.size() - 1).text().equals(";")) {
                        tokens.remove(tokens.size() - 1); // a body's last statement may end in a semicolon or not
                    }
                    add(close, end);
                } else {
                    add(i, end);
                }
                i = end;
            } else if (isWord(c)) {
                int end = i + 1;
                while (end < to && (isWord(source.charAt(end)) || source.charAt(end) == '$')) {
                    end++;
                }
                add(i, end);
                i = end;
            } else if (OPERATOR.indexOf(c) >= 0) {
                int end = i + 1;
                while (end < to && OPERATOR.indexOf(source.charAt(end)) >= 0
                        && !(source.charAt(end) == '-' && at(end + 1, to, '-'))
                        && !(source.charAt(end) == '/' && at(end + 1, to, '*'))) {
                    end++;
                }
                add(i, end);
                i = end;
            } else {
                add(i, i + 1);
                i++;
            }
        }
    }

    private static final String OPERATOR = "+-*/<>=~!@#%^&|?:";

    private static boolean isWord(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c > 127;
    }

    private boolean at(int i, int to, char c) {
        return i < to && source.charAt(i) == c;
    }

    private int lineEnd(int i, int to) {
        int nl = source.indexOf('\n', i);
        return nl < 0 || nl > to ? to : nl;
    }

    private int blockCommentEnd(int i, int to) {
        int depth = 0;
        int j = i;
        while (j < to) {
            if (source.startsWith("/*", j)) {
                depth++;
                j += 2;
            } else if (source.startsWith("*/", j)) {
                depth--;
                j += 2;
                if (depth == 0 || mysql) {
                    return j;
                }
            } else {
                j++;
            }
        }
        return to;
    }

    /** Whether the PostgreSQL string literal at {@code i} is an escape string ({@code E'...'}). */
    private boolean escapes(int i, int from) {
        return i > from && (source.charAt(i - 1) == 'E' || source.charAt(i - 1) == 'e')
                && (i - 1 == from || !isWord(source.charAt(i - 2)) && source.charAt(i - 2) != '$');
    }

    /** The end (exclusive) of the literal quoted by {@code q} at {@code i}; doubled quotes stay inside it. */
    private int quotedEnd(int i, int to, char q, boolean backslash) {
        int j = i + 1;
        while (j < to) {
            char c = source.charAt(j);
            if (backslash && c == '\\') {
                j += 2;
            } else if (c == q) {
                if (at(j + 1, to, q)) {
                    j += 2;
                } else {
                    return j + 1;
                }
            } else {
                j++;
            }
        }
        return to;
    }

    /** The dollar-quote tag at {@code i} ({@code $$}, {@code $body$}), or null when {@code $} starts no tag ({@code $1}). */
    private String dollarTag(int i, int to) {
        int j = i + 1;
        if (j < to && (Character.isDigit(source.charAt(j)))) {
            return null;
        }
        while (j < to && (Character.isLetterOrDigit(source.charAt(j)) || source.charAt(j) == '_')) {
            j++;
        }
        return j < to && source.charAt(j) == '$' ? source.substring(i, j + 1) : null;
    }

    private void add(int start, int end) {
        tokens.add(new Token(start, source.substring(start, end)));
    }
}
