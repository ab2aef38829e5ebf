package dev.rehearsal.core.internal.sql;

import dev.rehearsal.core.db.SqlStatement;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a MySQL/MariaDB script into statements the way the {@code mysql} client does: the delimiter ends a
 * statement except inside {@code '...'} and {@code "..."} strings (backslash escapes and doubled quotes),
 * {@code `backtick`} identifiers, {@code #} and {@code -- } line comments and {@code /* *}{@code /} comments;
 * a {@code DELIMITER $$} line changes the delimiter (for procedure and trigger bodies) until the next
 * {@code DELIMITER} line. Each statement keeps the line where its first token stands.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class MySqlScriptSplitter {

    private static final Pattern DELIMITER = Pattern.compile("(?i)^[ \\t]*DELIMITER[ \\t]+(\\S+)[ \\t]*$");

    private MySqlScriptSplitter() {
    }

    /** Splits {@code script}; statements that hold only comments or white space are dropped. */
    public static List<SqlStatement> split(String script) {
        List<SqlStatement> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String delimiter = ";";
        int line = 1;
        int startLine = -1;
        int n = script.length();
        int i = 0;
        boolean lineStart = true;
        while (i < n) {
            if (lineStart && startLine < 0) {
                int eol = script.indexOf('\n', i);
                String row = script.substring(i, eol < 0 ? n : eol);
                Matcher m = DELIMITER.matcher(row);
                if (m.matches()) {
                    delimiter = m.group(1);
                    i = eol < 0 ? n : eol + 1;
                    line++;
                    continue;
                }
            }
            lineStart = false;
            char c = script.charAt(i);
            char next = i + 1 < n ? script.charAt(i + 1) : '\0';
            if (c == '#' || (c == '-' && next == '-' && (i + 2 >= n || Character.isWhitespace(script.charAt(i + 2))))) {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                if (startLine >= 0) {
                    current.append(script, i, end);
                }
                i = end;
                continue;
            }
            if (c == '/' && next == '*') {
                int close = script.indexOf("*/", i + 2);
                int j = close < 0 ? n : close + 2;
                String comment = script.substring(i, j);
                line += SqlText.lineFeeds(comment);
                boolean executable = comment.startsWith("/*!");
                if (executable && startLine < 0) {
                    startLine = line - SqlText.lineFeeds(comment);
                }
                if (startLine >= 0) {
                    current.append(comment);
                }
                i = j;
                continue;
            }
            if (c == '\n') {
                line++;
                lineStart = true;
                if (startLine >= 0) {
                    current.append(c);
                }
                i++;
                continue;
            }
            if (Character.isWhitespace(c)) {
                if (startLine >= 0) {
                    current.append(c);
                }
                i++;
                continue;
            }
            if (script.startsWith(delimiter, i)) {
                String sql = current.toString().strip();
                if (!sql.isEmpty()) {
                    out.add(new SqlStatement(sql, startLine));
                }
                current.setLength(0);
                startLine = -1;
                i += delimiter.length();
                continue;
            }
            if (startLine < 0) {
                startLine = line;
            }
            if (c == '\'' || c == '"' || c == '`') {
                int j = SqlText.skipQuoted(script, i, c, c != '`');
                String quoted = script.substring(i, j);
                line += SqlText.lineFeeds(quoted);
                current.append(quoted);
                i = j;
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


}
