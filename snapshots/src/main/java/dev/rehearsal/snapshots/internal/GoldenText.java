package dev.rehearsal.snapshots.internal;

import org.apiguardian.api.API;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaDdl;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of a schema golden file, format 1: two header lines, then one entry per object, each introduced by its
 * title line ({@code -- table orders}) and separated by a blank line. Writing and reading are the two halves of one
 * format, kept together: {@link #write} gives the text, {@link #parse} the entries back or a {@link Unreadable} that
 * says which line is wrong.
 *
 * <pre>
 * -- Rehearsal schema golden file, format 1: the PostgreSQL schema after version 5.
 * -- Written by Rehearsal from the migrations; review changes like code. Rewrite: -Drehearsal.snapshots.update=true
 *
 * -- table orders
 * CREATE TABLE orders (
 *     id bigint NOT NULL
 * );
 * </pre>
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class GoldenText {

    /** The format this version writes and the newest it reads. */
    public static final int FORMAT = 1;

    private static final Pattern FIRST_LINE = Pattern.compile(
            "-- Rehearsal schema golden file, format (\\d+): the (.+) schema after version (.+)\\.");
    /** Kind labels longest first, so that {@code materialized view} is tried before {@code view}. */
    private static final List<ObjectKind> KINDS = Arrays.stream(ObjectKind.values())
            .sorted(Comparator.comparingInt((ObjectKind k) -> k.label().length()).reversed()).toList();

    private GoldenText() {
    }

    /** The golden file's text for the schema {@code ddl} at {@code version}, ending with a newline. */
    public static String write(SchemaDdl ddl, String version) {
        String header = "-- Rehearsal schema golden file, format " + FORMAT + ": the " + ddl.engine()
                + " schema after version " + version + ".\n"
                + "-- Written by Rehearsal from the migrations; review changes like code."
                + " Rewrite: -Drehearsal.snapshots.update=true\n";
        String body = ddl.toText();
        return header + (body.isEmpty() ? "" : "\n" + body + "\n");
    }

    /** Line endings as Unix writes them, so that a checkout with CRLF endings compares equal. */
    public static String normalise(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }

    /**
     * The entries of a golden file's text, by title line, each with its text.
     *
     * @param expectedEngine the engine the rehearsal runs on, which the file must have been written for
     * @throws Unreadable naming the line and what is wrong with it
     */
    public static Parsed parse(String text, String expectedEngine) throws Unreadable {
        List<String> lines = normalise(text).lines().toList();
        if (lines.isEmpty()) {
            throw new Unreadable(1, "the file is empty");
        }
        Matcher first = FIRST_LINE.matcher(lines.get(0));
        if (!first.matches()) {
            throw new Unreadable(1, "the first line should be \"-- Rehearsal schema golden file, format 1: the <engine>"
                    + " schema after version <version>.\" but is \"" + abbreviate(lines.get(0)) + "\"");
        }
        int format = Integer.parseInt(first.group(1));
        if (format > FORMAT) {
            throw new Unreadable(1, "it was written in format " + format + " by a newer Rehearsal; this one reads format "
                    + FORMAT + " and older. Upgrade Rehearsal");
        }
        if (!first.group(2).equals(expectedEngine)) {
            throw new Unreadable(1, "it holds the " + first.group(2) + " schema but this rehearsal runs on "
                    + expectedEngine + ". Keep one folder of golden files per engine (rehearsal.snapshots.dir)");
        }
        Map<String, StringBuilder> entries = new LinkedHashMap<>();
        StringBuilder current = null;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            String title = title(line);
            if (title != null) {
                if (entries.containsKey(title)) {
                    throw new Unreadable(i + 1, "\"" + title + "\" appears twice; each object has one entry");
                }
                current = new StringBuilder();
                entries.put(title, current);
            } else if (current != null) {
                current.append(line).append('\n');
            } else if (!line.isBlank() && !line.startsWith("--")) {
                throw new Unreadable(i + 1, "\"" + abbreviate(line) + "\" stands outside any object's entry; each entry"
                        + " starts with a line such as \"-- table orders\"");
            }
        }
        Map<String, String> result = new LinkedHashMap<>();
        entries.forEach((title, sql) -> result.put(title, sql.toString().strip()));
        return new Parsed(first.group(3), result);
    }

    /** The title a line introduces ({@code -- table orders}), or null when it is not a title line. */
    private static String title(String line) {
        if (!line.startsWith("-- ") || line.startsWith("--  ")) {
            return null;
        }
        for (ObjectKind kind : KINDS) {
            String prefix = "-- " + kind.label() + " ";
            if (line.startsWith(prefix) && line.length() > prefix.length() && !line.substring(prefix.length()).contains(": ")) {
                return line;
            }
        }
        return null;
    }

    private static String abbreviate(String line) {
        return line.length() > 80 ? line.substring(0, 77) + "..." : line;
    }

    /**
     * A golden file read back.
     *
     * @param version the version its first line names
     * @param entries each object's text by its title line, in the file's order
     */
    public record Parsed(String version, Map<String, String> entries) {
    }

    /** A golden file that is not in the format: the line and what is wrong with it. */
    public static final class Unreadable extends Exception {
        private final int line;

        Unreadable(int line, String problem) {
            super("line " + line + ": " + problem);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }
}
