package dev.rehearsal.core.internal.sql;

import dev.rehearsal.core.db.SqlStatement;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Cuts a PostgreSQL script into statements the way psql does: semicolons end statements except inside
 * single-quoted strings (including {@code E''} strings with backslash escapes), quoted identifiers, dollar-quoted
 * bodies ({@code $$...$$}, {@code $fn$...$fn$}), line comments, nested block comments, and SQL-standard function
 * bodies ({@code BEGIN ATOMIC ... END}), and the data block after {@code COPY ... FROM stdin;} (up to {@code \.}),
 * which the statement carries. Each statement keeps the line where its first token stands.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PostgresScriptSplitter {

    private static final Pattern COPY_FROM_STDIN = Pattern.compile(
            "^COPY\\b.*\\bFROM\\s+STDIN\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private PostgresScriptSplitter() {
    }

    /** Splits {@code script}; statements that hold only comments or white space are dropped. */
    public static List<SqlStatement> split(String script) {
        List<SqlStatement> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1;
        int startLine = -1;
        int atomicDepth = 0;
        int n = script.length();
        int i = 0;
        while (i < n) {
            char c = script.charAt(i);
            char next = i + 1 < n ? script.charAt(i + 1) : '\0';
            if (c == '-' && next == '-') {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                if (startLine >= 0) {
                    current.append(script, i, end);
                }
                i = end;
                continue;
            }
            if (c == '/' && next == '*') {
                int depth = 0;
                int j = i;
                while (j < n) {
                    if (script.startsWith("/*", j)) {
                        depth++;
                        j += 2;
                    } else if (script.startsWith("*/", j)) {
                        depth--;
                        j += 2;
                        if (depth == 0) {
                            break;
                        }
                    } else {
                        j++;
                    }
                }
                String comment = script.substring(i, j);
                line += SqlText.lineFeeds(comment);
                if (startLine >= 0) {
                    current.append(comment);
                }
                i = j;
                continue;
            }
            if (Character.isWhitespace(c)) {
                if (c == '\n') {
                    line++;
                }
                if (startLine >= 0) {
                    current.append(c);
                }
                i++;
                continue;
            }
            if (startLine < 0) {
                startLine = line;
            }
            if (c == '\'') {
                boolean escapes = isEscapeStringPrefix(script, i);
                int j = SqlText.skipQuoted(script, i, '\'', escapes);
                String quoted = script.substring(i, j);
                line += SqlText.lineFeeds(quoted);
                current.append(quoted);
                i = j;
                continue;
            }
            if (c == '"') {
                int j = SqlText.skipQuoted(script, i, '"', false);
                String quoted = script.substring(i, j);
                line += SqlText.lineFeeds(quoted);
                current.append(quoted);
                i = j;
                continue;
            }
            if (c == '$' && !precededByIdentifierChar(script, i)) {
                String tag = dollarTag(script, i);
                if (tag != null) {
                    int close = script.indexOf(tag, i + tag.length());
                    int j = close < 0 ? n : close + tag.length();
                    String body = script.substring(i, j);
                    line += SqlText.lineFeeds(body);
                    current.append(body);
                    i = j;
                    continue;
                }
            }
            if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(script.charAt(j)) || script.charAt(j) == '_'
                        || script.charAt(j) == '$')) {
                    j++;
                }
                String word = script.substring(i, j).toUpperCase(Locale.ROOT);
                if (atomicDepth > 0 && (word.equals("CASE") || word.equals("BEGIN"))) {
                    atomicDepth++;
                } else if (atomicDepth > 0 && word.equals("END")) {
                    atomicDepth--;
                } else if (word.equals("ATOMIC") && endsWithWord(current, "BEGIN") && isRoutineDefinition(current)) {
                    atomicDepth = 1;
                }
                current.append(script, i, j);
                i = j;
                continue;
            }
            if (c == ';' && atomicDepth == 0) {
                String sql = current.toString().strip();
                i++;
                if (!sql.isEmpty()) {
                    if (COPY_FROM_STDIN.matcher(sql).find()) {
                        // psql reads the data from the next line up to a line holding only \.
                        int dataStart = script.indexOf('\n', i);
                        dataStart = dataStart < 0 ? n : dataStart + 1;
                        line += SqlText.lineFeeds(script.substring(i, dataStart));
                        int end = dataStart;
                        StringBuilder data = new StringBuilder();
                        while (end < n) {
                            int eol = script.indexOf('\n', end);
                            String row = script.substring(end, eol < 0 ? n : eol);
                            end = eol < 0 ? n : eol + 1;
                            line++;
                            if (row.stripTrailing().equals("\\.")) {
                                break;
                            }
                            data.append(row).append('\n');
                        }
                        out.add(new SqlStatement(sql, startLine, data.toString()));
                        i = end;
                    } else {
                        out.add(new SqlStatement(sql, startLine));
                    }
                }
                current.setLength(0);
                startLine = -1;
                continue;
            }
            current.append(c);
            i++;
        }
        String rest = current.toString().strip();
        if (!rest.isEmpty()) {
            out.add(new SqlStatement(rest, startLine));
        }
        return out;
    }


    private static boolean isEscapeStringPrefix(String s, int quote) {
        if (quote == 0) {
            return false;
        }
        char p = s.charAt(quote - 1);
        return (p == 'E' || p == 'e') && !precededByIdentifierChar(s, quote - 1);
    }


    private static boolean precededByIdentifierChar(String s, int i) {
        if (i == 0) {
            return false;
        }
        char p = s.charAt(i - 1);
        return Character.isLetterOrDigit(p) || p == '_' || p == '$';
    }

    /** {@code $tag$} or {@code $$} starting at {@code i}, or null (a positional parameter like {@code $1}). */
    private static String dollarTag(String s, int i) {
        int j = i + 1;
        if (j < s.length() && Character.isDigit(s.charAt(j))) {
            return null;
        }
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            j++;
        }
        if (j < s.length() && s.charAt(j) == '$') {
            return s.substring(i, j + 1);
        }
        return null;
    }

    private static boolean endsWithWord(StringBuilder sb, String word) {
        String s = sb.toString().stripTrailing();
        return s.toUpperCase(Locale.ROOT).endsWith(word)
                && (s.length() == word.length() || !Character.isLetterOrDigit(s.charAt(s.length() - word.length() - 1)));
    }

    private static boolean isRoutineDefinition(StringBuilder sb) {
        String head = sb.toString().stripLeading().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        return head.startsWith("CREATE FUNCTION") || head.startsWith("CREATE PROCEDURE")
                || head.startsWith("CREATE OR REPLACE FUNCTION") || head.startsWith("CREATE OR REPLACE PROCEDURE");
    }
}
