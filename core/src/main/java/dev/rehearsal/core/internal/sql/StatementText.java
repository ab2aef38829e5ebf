package dev.rehearsal.core.internal.sql;

import org.apiguardian.api.API;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A statement's text as a key that matches what a tool sent with the statement in the script: line comments, block
 * comments before it, runs of white space, trailing semicolons and case do not count.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class StatementText {

    private static final Pattern COMMENT_LINE = Pattern.compile("(?m)^\\s*--.*$");
    /** Block comments before the statement; not MySQL's executable comments ({@code /*!}) or hints ({@code /*+}). */
    private static final Pattern LEADING_BLOCK_COMMENTS = Pattern.compile("^(?:\\s*/\\*(?![!+]).*?\\*/)+",
            Pattern.DOTALL);
    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

    private StatementText() {
    }

    /** The key of {@code sql}; empty for a statement of comments only. */
    public static String normalize(String sql) {
        String s = WHITE_SPACE.matcher(LEADING_BLOCK_COMMENTS.matcher(COMMENT_LINE.matcher(sql).replaceAll(" ").strip())
                .replaceAll(" ")).replaceAll(" ").trim();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        return s.toLowerCase(Locale.ROOT);
    }
}
