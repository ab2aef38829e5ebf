package dev.rehearsal.core.internal.data;

import org.apiguardian.api.API;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables a script writes rows of with its own statements: INSERT, COPY ... FROM and MERGE add rows; DELETE,
 * TRUNCATE and MERGE remove them; UPDATE changes them. Read from the text, including the bodies of DO blocks and
 * functions the script defines, so a marker row a migration inserts ({@code INSERT INTO settings ...}) is a change
 * it said it makes, and needs no {@code dataChanges}. Changes no statement explains (a trigger, a cascade) still
 * fail.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record ScriptWrites(Set<String> inserts, Set<String> deletes, Set<String> updates) {

    private static final String NAME = "((?:\"[^\"]+\"|`[^`]+`|[\\w$]+)(?:\\s*\\.\\s*(?:\"[^\"]+\"|`[^`]+`|[\\w$]+))?)";
    private static final Pattern INSERT = Pattern.compile("\\bINSERT\\s+(?:IGNORE\\s+)?INTO\\s+" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern COPY = Pattern.compile("\\bCOPY\\s+" + NAME + "[^;]*?\\bFROM\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern MERGE = Pattern.compile("\\bMERGE\\s+INTO\\s+(?:ONLY\\s+)?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern DELETE = Pattern.compile("\\bDELETE\\s+FROM\\s+(?:ONLY\\s+)?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern TRUNCATE = Pattern.compile("\\bTRUNCATE\\s+(?:TABLE\\s+)?(?:ONLY\\s+)?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern UPDATE = Pattern.compile("\\bUPDATE\\s+(?:ONLY\\s+)?" + NAME + "(?:\\s+(?:AS\\s+)?[\\w$]+)?\\s+SET\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern REPLACE = Pattern.compile("\\bREPLACE\\s+(?:INTO\\s+)?" + NAME + "\\s*[(\\s]", Pattern.CASE_INSENSITIVE);

    public ScriptWrites {
        inserts = Set.copyOf(inserts);
        deletes = Set.copyOf(deletes);
        updates = Set.copyOf(updates);
    }

    /** What {@code sql} (a whole script) writes. Comments are ignored; string literals are read as text. */
    public static ScriptWrites of(String sql) {
        String text = sql.replaceAll("(?m)--[^\\n]*$", " ").replaceAll("(?s)/\\*.*?\\*/", " ");
        Set<String> inserts = new HashSet<>();
        Set<String> deletes = new HashSet<>();
        Set<String> updates = new HashSet<>();
        collect(INSERT, text, inserts);
        collect(COPY, text, inserts);
        collect(REPLACE, text, inserts);
        collect(MERGE, text, inserts);
        collect(MERGE, text, deletes);
        collect(MERGE, text, updates);
        collect(DELETE, text, deletes);
        collect(TRUNCATE, text, deletes);
        collect(REPLACE, text, deletes);
        collect(UPDATE, text, updates);
        return new ScriptWrites(inserts, deletes, updates);
    }

    /**
     * Whether a change of {@code table}'s row count by {@code delta} is one the script's own statements explain.
     * {@code table} is a catalog name ({@code orders}, {@code Type}, {@code audit.log}), as snapshots hold it.
     */
    public boolean explainsRowCountChange(String table, long delta) {
        return delta > 0 ? names(inserts, table) : delta < 0 && names(deletes, table);
    }

    /** Whether the script writes rows of {@code table} (a catalog name) in any way. */
    public boolean writes(String table) {
        return names(inserts, table) || names(deletes, table) || names(updates, table);
    }

    /**
     * Whether {@code written} holds the catalog name {@code table}: as the catalog spells it (a quoted
     * {@code "Type"} in the script), or folded to lower case (an unquoted name, or MariaDB's names).
     */
    private static boolean names(Set<String> written, String table) {
        String exact = table.startsWith("public.") ? table.substring("public.".length()) : table;
        return written.contains(exact) || written.stream().anyMatch(w -> w.equalsIgnoreCase(exact));
    }

    private static void collect(Pattern p, String text, Set<String> into) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            String name = simple(m.group(1));
            // "public"."Type" as written by tools that quote every name is the public schema's Type
            into.add(name.startsWith("public.") ? name.substring("public.".length()) : name);
        }
    }

    /** {@code "Orders"} as written, {@code public.orders} and {@code orders} folded to {@code orders}. */
    public static String simple(String raw) {
        String n = raw.trim().replaceAll("\\s*\\.\\s*", ".");
        if (n.toLowerCase(Locale.ROOT).startsWith("public.")) {
            n = n.substring("public.".length());
        }
        StringBuilder sb = new StringBuilder();
        for (String part : n.split("\\.")) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(part.startsWith("\"") || part.startsWith("`") ? part.substring(1, part.length() - 1)
                    : part.toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }
}
