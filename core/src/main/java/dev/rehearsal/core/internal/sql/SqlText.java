package dev.rehearsal.core.internal.sql;

/** Small text helpers shared by the script splitters. */
final class SqlText {

    private SqlText() {
    }

    /** The number of line feeds in {@code s}. */
    static int lineFeeds(String s) {
        int lines = 0;
        for (int k = 0; k < s.length(); k++) {
            if (s.charAt(k) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    /**
     * The index just past the quoted token that starts at {@code start} with {@code quote}: a doubled quote stays
     * inside, and with {@code backslashEscapes} a backslash escapes the next character. The end of the text when
     * the quote is not closed.
     */
    static int skipQuoted(String s, int start, char quote, boolean backslashEscapes) {
        int j = start + 1;
        while (j < s.length()) {
            char ch = s.charAt(j);
            if (backslashEscapes && ch == '\\') {
                j += 2;
                continue;
            }
            if (ch == quote) {
                if (j + 1 < s.length() && s.charAt(j + 1) == quote) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return s.length();
    }
}
