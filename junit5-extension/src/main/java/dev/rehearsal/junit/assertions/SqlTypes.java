package dev.rehearsal.junit.assertions;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Lets tests write types the short way ({@code varchar(255)}, {@code timestamptz}) and compare with the catalog's. */
final class SqlTypes {

    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("varchar", "character varying"), Map.entry("char", "character"), Map.entry("bpchar", "character"),
            Map.entry("int", "integer"), Map.entry("int4", "integer"), Map.entry("int8", "bigint"),
            Map.entry("int2", "smallint"), Map.entry("serial", "integer"), Map.entry("bigserial", "bigint"),
            Map.entry("bool", "boolean"), Map.entry("float8", "double precision"), Map.entry("float4", "real"),
            Map.entry("decimal", "numeric"), Map.entry("timestamptz", "timestamp with time zone"),
            Map.entry("timestamp", "timestamp without time zone"), Map.entry("timetz", "time with time zone"),
            Map.entry("time", "time without time zone"), Map.entry("varbit", "bit varying"));

    private static final Pattern TYPE = Pattern.compile("^([a-z0-9_ ]+?)\\s*(\\(.*\\))?(\\[\\])?$");

    private SqlTypes() {
    }

    static String normalize(String type) {
        String t = type.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        Matcher m = TYPE.matcher(t);
        if (!m.matches()) {
            return t;
        }
        String base = ALIASES.getOrDefault(m.group(1), m.group(1));
        String args = m.group(2) == null ? "" : m.group(2).replace(" ", "");
        if (base.startsWith("timestamp ") || base.startsWith("time ")) {
            // timestamp(3) with time zone
            String[] words = base.split(" ", 2);
            return words[0] + args + " " + words[1] + (m.group(3) == null ? "" : "[]");
        }
        return base + args + (m.group(3) == null ? "" : "[]");
    }
}
