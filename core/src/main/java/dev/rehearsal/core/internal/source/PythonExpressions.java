package dev.rehearsal.core.internal.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough Python to read Alembic operations with literal arguments: strings (single, double, triple quoted,
 * adjacent ones joined, {@code r} and {@code u} prefixes), numbers, {@code None}/{@code True}/{@code False},
 * dotted names, lists and tuples, and calls with positional and keyword arguments. Anything else fails with the
 * position, so the caller can name the line.
 */
final class PythonExpressions {

    /** A parsed value. */
    sealed interface Value permits Str, Num, Const, Name, Seq, Call {
    }

    record Str(String value) implements Value {
    }

    record Num(String text) implements Value {
    }

    /** {@code None}, {@code True} or {@code False}. */
    record Const(String name) implements Value {
    }

    /** A dotted name such as {@code sa.Integer}. */
    record Name(String dotted) implements Value {
        String last() {
            return dotted.substring(dotted.lastIndexOf('.') + 1);
        }
    }

    record Seq(List<Value> items) implements Value {
    }

    record Call(String function, List<Value> args, Map<String, Value> kwargs) implements Value {
        String last() {
            return function.substring(function.lastIndexOf('.') + 1);
        }

        Value arg(int i, String keyword) {
            if (kwargs.containsKey(keyword)) {
                return kwargs.get(keyword);
            }
            return i < args.size() ? args.get(i) : null;
        }
    }

    /** Thrown for anything this reader does not understand. */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    private final String text;
    private int pos;

    private PythonExpressions(String text) {
        this.text = text;
    }

    /** Parses one expression that must fill {@code text}. */
    static Value parse(String text) {
        PythonExpressions p = new PythonExpressions(text);
        Value v = p.value();
        p.space();
        if (p.pos != text.length()) {
            throw new Unsupported("unexpected '" + text.substring(p.pos, Math.min(text.length(), p.pos + 20)) + "'");
        }
        return v;
    }

    private void space() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c) || c == '\\') {
                pos++;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private Value value() {
        space();
        if (pos >= text.length()) {
            throw new Unsupported("the expression ends too early");
        }
        char c = text.charAt(pos);
        if (isStringStart()) {
            StringBuilder sb = new StringBuilder();
            while (isStringStart()) {
                sb.append(string());
                space();
            }
            return new Str(sb.toString());
        }
        if (Character.isDigit(c) || c == '-' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1))) {
            int start = pos++;
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            return new Num(text.substring(start, pos));
        }
        if (c == '[' || c == '(') {
            char close = c == '[' ? ']' : ')';
            pos++;
            List<Value> items = new ArrayList<>();
            space();
            while (pos < text.length() && text.charAt(pos) != close) {
                items.add(value());
                space();
                if (pos < text.length() && text.charAt(pos) == ',') {
                    pos++;
                    space();
                }
            }
            expect(close);
            return c == '(' && items.size() == 1 ? items.get(0) : new Seq(items);
        }
        if (Character.isLetter(c) || c == '_') {
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
                    || text.charAt(pos) == '.')) {
                pos++;
            }
            String name = text.substring(start, pos);
            space();
            if (pos < text.length() && text.charAt(pos) == '(') {
                pos++;
                List<Value> args = new ArrayList<>();
                Map<String, Value> kwargs = new LinkedHashMap<>();
                space();
                while (pos < text.length() && text.charAt(pos) != ')') {
                    int save = pos;
                    String keyword = keyword();
                    if (keyword != null) {
                        kwargs.put(keyword, value());
                    } else {
                        pos = save;
                        if (!kwargs.isEmpty()) {
                            throw new Unsupported("a positional argument after keyword arguments");
                        }
                        args.add(value());
                    }
                    space();
                    if (pos < text.length() && text.charAt(pos) == ',') {
                        pos++;
                        space();
                    }
                }
                expect(')');
                return new Call(name, args, kwargs);
            }
            return switch (name) {
                case "None", "True", "False" -> new Const(name);
                default -> new Name(name);
            };
        }
        throw new Unsupported("unexpected '" + c + "'");
    }

    /** {@code name=} (not {@code ==}) at the position, or null. */
    private String keyword() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        if (pos == start) {
            return null;
        }
        String word = text.substring(start, pos);
        space();
        if (pos < text.length() && text.charAt(pos) == '=' && (pos + 1 >= text.length() || text.charAt(pos + 1) != '=')) {
            pos++;
            return word;
        }
        return null;
    }

    private boolean isStringStart() {
        if (pos >= text.length()) {
            return false;
        }
        char c = text.charAt(pos);
        if (c == '\'' || c == '"') {
            return true;
        }
        return (c == 'r' || c == 'R' || c == 'u' || c == 'U') && pos + 1 < text.length()
                && (text.charAt(pos + 1) == '\'' || text.charAt(pos + 1) == '"');
    }

    private String string() {
        boolean raw = false;
        char c = text.charAt(pos);
        if (c == 'r' || c == 'R') {
            raw = true;
            pos++;
        } else if (c == 'u' || c == 'U') {
            pos++;
        }
        char q = text.charAt(pos);
        boolean triple = text.startsWith(String.valueOf(q).repeat(3), pos);
        String end = triple ? String.valueOf(q).repeat(3) : String.valueOf(q);
        pos += end.length();
        StringBuilder sb = new StringBuilder();
        while (pos < text.length() && !text.startsWith(end, pos)) {
            char ch = text.charAt(pos);
            if (ch == '\\' && !raw && pos + 1 < text.length()) {
                char n = text.charAt(pos + 1);
                sb.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case '\\' -> '\\';
                    case '\'' -> '\'';
                    case '"' -> '"';
                    case '\n' -> "";
                    default -> "\\" + n;
                });
                pos += 2;
                continue;
            }
            sb.append(ch);
            pos++;
        }
        if (pos >= text.length()) {
            throw new Unsupported("a string is not closed");
        }
        pos += end.length();
        return sb.toString();
    }

    private void expect(char c) {
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw new Unsupported("expected '" + c + "'");
        }
        pos++;
    }
}
