package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.internal.data.Json;
import org.apiguardian.api.API;

import java.sql.Timestamp;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * Java values in PostgreSQL's text input form, and that form escaped for {@code COPY ... (FORMAT text)}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PgText {

    private PgText() {
    }

    /** {@code text} as a SQL string literal, its quotes doubled. */
    public static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /**
     * The text PostgreSQL parses back into {@code value} for a column of {@code type} ({@code format_type} output),
     * or null for NULL. Maps become JSON; collections become JSON for json columns and array literals otherwise.
     */
    public static String literal(Object value, String type) {
        if (value == null) {
            return null;
        }
        boolean json = type != null && (type.equals("json") || type.equals("jsonb"));
        if (value instanceof Map<?, ?> || (json && (value instanceof Collection<?> || value instanceof Number
                || value instanceof Boolean))) {
            return Json.write(value);
        }
        if (value instanceof Collection<?> items) {
            String element = type != null && type.endsWith("[]") ? type.substring(0, type.length() - 2) : null;
            return array(items, element);
        }
        if (value instanceof Object[] items) {
            String element = type != null && type.endsWith("[]") ? type.substring(0, type.length() - 2) : null;
            return array(Arrays.asList(items), element);
        }
        if (value instanceof byte[] bytes) {
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof Boolean b) {
            return b ? "t" : "f";
        }
        if (value instanceof Timestamp ts) {
            return ts.toLocalDateTime().toString();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (value instanceof Date d) {
            return d.toInstant().toString();
        }
        return value.toString();
    }

    private static String array(Collection<?> items, String elementType) {
        StringBuilder sb = new StringBuilder("{");
        Iterator<?> it = items.iterator();
        while (it.hasNext()) {
            Object item = it.next();
            String text = literal(item, elementType);
            if (text == null) {
                sb.append("NULL");
            } else {
                sb.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        return sb.append('}').toString();
    }

    /** Appends one field of a COPY text row: {@code \N} for NULL, else the text with backslash escapes. */
    public static void appendCopyField(StringBuilder sb, String text) {
        if (text == null) {
            sb.append("\\N");
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
    }
}
