package dev.rehearsal.core.internal.data;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the rest of the history says about the data a column holds, so that rows seeded at version N still make sense
 * at N+k, as the application's own data does. Read from the up scripts of the migrations not applied yet:
 * <ul>
 *   <li>a later type change ({@code ALTER COLUMN c TYPE jsonb USING c::jsonb}, {@code TYPE integer}, to an enum
 *       type): the column's values must cast, so text columns get JSON, numbers, booleans, dates, uuids or the
 *       enum's labels;</li>
 *   <li>a later {@code CHECK (c IN (...))}: the values come from the list;</li>
 *   <li>a later {@code FOREIGN KEY (c) REFERENCES t (k)}: the values are keys of {@code t}.</li>
 * </ul>
 * A hint only shapes generated values; it never hides a defect a migration has with data the application could
 * really hold.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SeedHints {

    /** What a column's values must be. */
    public sealed interface Hint permits CastsTo, OneOf, References {
    }

    /** The column is later changed to {@code type} (normalized: json, integer, numeric, boolean, date, timestamp, uuid). */
    public record CastsTo(String type) implements Hint {
    }

    /** The column's values come from these labels (a later enum type or CHECK IN list). */
    public record OneOf(List<String> labels) implements Hint {
        public OneOf {
            labels = List.copyOf(labels);
        }
    }

    /** The column holds keys of {@code table}'s {@code column}. */
    public record References(String table, String column) implements Hint {
    }

    public static final SeedHints NONE = new SeedHints(Map.of());

    private static final String IDENT = "(?:\"[^\"]+\"|`[^`]+`|[\\w$]+)";
    private static final String NAME = "(" + IDENT + "(?:\\s*\\.\\s*" + IDENT + ")?)";
    private static final Pattern ALTER_TABLE = Pattern.compile("\\bALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?" + NAME
            + "(.*?)(?=;|$)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TYPE_CHANGE = Pattern.compile("\\b(?:ALTER|MODIFY)\\s+(?:COLUMN\\s+)?(" + IDENT
            + ")\\s+(?:SET\\s+DATA\\s+)?(?:TYPE\\s+)?(" + NAME.substring(1, NAME.length() - 1) + "(?:\\s+precision)?)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CHECK_IN = Pattern.compile("\\bCHECK\\s*\\(\\s*\\(?\\s*(" + IDENT
            + ")\\s*\\)?\\s+IN\\s*\\(([^)]*)\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern FOREIGN_KEY = Pattern.compile("\\bFOREIGN\\s+KEY\\s*\\(\\s*(" + IDENT
            + ")\\s*\\)\\s*REFERENCES\\s+" + NAME + "\\s*(?:\\(\\s*(" + IDENT + ")\\s*\\))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern ENUM = Pattern.compile("\\bCREATE\\s+TYPE\\s+" + NAME + "\\s+AS\\s+ENUM\\s*\\(([^)]*)\\)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LITERAL = Pattern.compile("'((?:[^']|'')*)'");

    private final Map<String, Hint> hints;

    private SeedHints(Map<String, Hint> hints) {
        this.hints = Map.copyOf(hints);
    }

    /**
     * Hints from the up scripts of the migrations still to come, in order, and every enum the history creates
     * ({@code allScripts}). The first hint for a column wins: it is the next thing that happens to it.
     */
    public static SeedHints fromLaterScripts(List<String> laterScripts, Collection<String> allScripts) {
        Map<String, List<String>> enums = enums(allScripts);
        Map<String, Hint> hints = new LinkedHashMap<>();
        for (String script : laterScripts) {
            of(script, enums).forEach(hints::putIfAbsent);
        }
        return new SeedHints(hints);
    }

    /**
     * The hints of each up script of a history, read once. A seeded round trip asks for the hints after the current
     * version at every step; reading every later script again each time made seeding quadratic in the history's length.
     */
    public static final class PerScript {
        private final List<Map<String, Hint>> scripts;

        private PerScript(List<Map<String, Hint>> scripts) {
            this.scripts = scripts;
        }

        /** The hints of {@code scripts} (the history's up scripts, in order), with every enum they create. */
        public static PerScript of(List<String> scripts) {
            Map<String, List<String>> enums = enums(scripts);
            return new PerScript(scripts.stream().map(s -> SeedHints.of(s, enums)).toList());
        }

        /** The hints of the scripts from position {@code first} on, as {@link #fromLaterScripts} finds them. */
        public SeedHints from(int first) {
            Map<String, Hint> hints = new LinkedHashMap<>();
            for (int i = Math.max(0, first); i < scripts.size(); i++) {
                scripts.get(i).forEach(hints::putIfAbsent);
            }
            return new SeedHints(hints);
        }
    }

    private static Map<String, List<String>> enums(Collection<String> scripts) {
        Map<String, List<String>> enums = new HashMap<>();
        for (String sql : scripts) {
            Matcher m = ENUM.matcher(strip(sql));
            while (m.find()) {
                enums.put(simple(m.group(1)), literals(m.group(2)));
            }
        }
        return enums;
    }

    /** One script's hints, in the order it states them (the first for a column wins). */
    private static Map<String, Hint> of(String script, Map<String, List<String>> enums) {
        Map<String, Hint> hints = new LinkedHashMap<>();
        Matcher alter = ALTER_TABLE.matcher(strip(script));
        while (alter.find()) {
            String table = simple(alter.group(1));
            String body = alter.group(2);
            Matcher type = TYPE_CHANGE.matcher(body);
            while (type.find()) {
                String column = simple(type.group(1));
                String target = type.group(2).toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
                Hint hint = enums.containsKey(simple(target)) ? new OneOf(enums.get(simple(target)))
                        : normalized(target).<Hint>map(CastsTo::new).orElse(null);
                if (hint != null) {
                    hints.putIfAbsent(key(table, column), hint);
                }
            }
            Matcher check = CHECK_IN.matcher(body);
            while (check.find()) {
                List<String> labels = literals(check.group(2));
                if (!labels.isEmpty()) {
                    hints.putIfAbsent(key(table, simple(check.group(1))), new OneOf(labels));
                }
            }
            Matcher fk = FOREIGN_KEY.matcher(body);
            while (fk.find()) {
                hints.putIfAbsent(key(table, simple(fk.group(1))),
                        new References(simple(fk.group(2)), fk.group(3) == null ? "id" : simple(fk.group(3))));
            }
        }
        return hints;
    }

    /** The hint for a column, if the history gives one. */
    public Optional<Hint> forColumn(String table, String column) {
        String t = table.toLowerCase(Locale.ROOT).startsWith("public.") ? table.substring("public.".length()) : table;
        return Optional.ofNullable(hints.get(key(t, column)));
    }

    /**
     * These hints with the casts the schema applies now ({@link SchemaCasts}: generated columns and views), which
     * win over a later migration's: they hold for every row from now on.
     */
    SeedHints withSchemaCasts(Map<String, Map<String, String>> casts) {
        if (casts.isEmpty()) {
            return this;
        }
        Map<String, Hint> all = new LinkedHashMap<>(hints);
        casts.forEach((table, columns) -> {
            String t = table.toLowerCase(Locale.ROOT).startsWith("public.") ? table.substring("public.".length()) : table;
            columns.forEach((column, type) -> all.put(key(t, column), new CastsTo(type)));
        });
        return new SeedHints(all);
    }

    /** How many columns have a hint. */
    public int size() {
        return hints.size();
    }

    /**
     * The table a column without a foreign key points at by its name ({@code post_id}, {@code postid},
     * {@code userId} to {@code posts} or {@code post}, {@code users} or {@code user}), among {@code tables}; else the
     * one table named with a prefix ({@code target_id} to {@code sp_target} or {@code sp_targets}); empty when the
     * name points nowhere, at its own table, or at several prefixed tables.
     */
    public static Optional<String> linkedTable(String table, String column, Collection<String> tables) {
        String c = column.toLowerCase(Locale.ROOT);
        String stem;
        if (c.endsWith("_id")) {
            stem = c.substring(0, c.length() - 3);
        } else if (c.endsWith("id") && c.length() > 3 && !column.endsWith("_id")) {
            stem = c.substring(0, c.length() - 2);
        } else {
            return Optional.empty();
        }
        if (stem.isEmpty()) {
            return Optional.empty();
        }
        List<String> candidates = List.of(stem + "s", stem + "es", stem.endsWith("y") ? stem.substring(0, stem.length() - 1)
                + "ies" : stem + "s", stem);
        for (String candidate : candidates) {
            for (String t : tables) {
                String simpleName = t.contains(".") ? t.substring(t.lastIndexOf('.') + 1) : t;
                if (simpleName.equalsIgnoreCase(candidate) && !t.equals(table)) {
                    return Optional.of(t);
                }
            }
        }
        List<String> prefixed = new ArrayList<>();
        for (String t : tables) {
            String simpleName = (t.contains(".") ? t.substring(t.lastIndexOf('.') + 1) : t).toLowerCase(Locale.ROOT);
            if (!t.equals(table) && candidates.stream().anyMatch(cand -> simpleName.endsWith("_" + cand))) {
                prefixed.add(t);
            }
        }
        return prefixed.size() == 1 ? Optional.of(prefixed.get(0)) : Optional.empty();
    }

    static Optional<String> normalized(String type) {
        String t = type.replaceAll("\\(.*$", "").replaceAll("\\[\\]$", "").trim();
        if (t.matches("jsonb?")) {
            return Optional.of("json");
        }
        if (t.matches("smallint|integer|int|int2|int4|int8|bigint")) {
            return Optional.of("integer");
        }
        if (t.matches("numeric|decimal|real|double precision|float4|float8|float")) {
            return Optional.of("numeric");
        }
        if (t.matches("bool|boolean")) {
            return Optional.of("boolean");
        }
        if (t.equals("date")) {
            return Optional.of("date");
        }
        if (t.startsWith("timestamp")) {
            return Optional.of("timestamp");
        }
        if (t.equals("uuid")) {
            return Optional.of("uuid");
        }
        return Optional.empty();
    }

    private static List<String> literals(String list) {
        List<String> values = new ArrayList<>();
        Matcher m = LITERAL.matcher(list);
        while (m.find()) {
            values.add(m.group(1).replace("''", "'"));
        }
        return values;
    }

    private static String strip(String sql) {
        return sql.replaceAll("(?m)--[^\\n]*$", " ").replaceAll("(?s)/\\*.*?\\*/", " ");
    }

    private static String key(String table, String column) {
        return table + "\u0000" + column;
    }

    private static String simple(String raw) {
        return ScriptWrites.simple(raw);
    }

    /**
     * A generator that gives {@code c} the values the later migrations expect (labels an enum will take, text a
     * cast will accept); null when the hints say nothing that fits the column.
     */
    ValueGenerator generatorFor(String table, ColumnModel c, ValueGenerators values) {
        Optional<Hint> hint = forColumn(table, c.name());
        if (hint.isEmpty()) {
            return null;
        }
        int length = Seeder.textLength(c);
        if (hint.get() instanceof OneOf oneOf && c.labels() == null
                && (length < 0 || oneOf.labels().stream().allMatch(l -> length == 0 || l.length() <= length))) {
            return length >= 0 ? ValueGenerators.oneOf(oneOf.labels()) : null;
        }
        if (hint.get() instanceof CastsTo cast && length >= 0 && (length == 0 || length >= 5)) {
            return values.castableText(cast.type(), length);
        }
        return null;
    }
}
