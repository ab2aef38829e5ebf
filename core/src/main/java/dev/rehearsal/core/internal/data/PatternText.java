package dev.rehearsal.core.internal.data;

import java.util.Optional;

/**
 * Turns the patterns a CHECK states into a regular expression the seeder's generator (Datafaker's {@code regexify})
 * reads: PostgreSQL's regular expressions ({@code ~}, {@code ~*}) with their POSIX classes, escapes and anchors, and
 * SQL {@code LIKE} patterns. A pattern that uses what the generator cannot make (back references, lookarounds) is
 * left to the database, which filters the rows.
 */
final class PatternText {

    private PatternText() {
    }

    /** A generator-ready form of a PostgreSQL regular expression, or empty when it cannot be generated from. */
    static Optional<String> fromPostgresRegex(String regex) {
        if (regex.contains("(?") || regex.matches(".*\\\\[1-9].*")) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder();
        boolean inClass = false;
        int classStart = 0;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char n = regex.charAt(i + 1);
                i++;
                switch (n) {
                    case 'm', 'M', 'y', 'Y', 'A', 'Z' -> {
                        // word and string boundaries: nothing to generate
                    }
                    case 'D', 'W', 'S' -> {
                        return Optional.empty(); // a negated class: left to the database
                    }
                    case 'd' -> out.append(inClass ? "0-9" : "[0-9]");
                    case 'w' -> out.append(inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]");
                    case 's' -> out.append(inClass ? " " : " ");
                    default -> out.append('\\').append(n);
                }
                continue;
            }
            if (inClass) {
                if (c == '[' && regex.startsWith("[:", i)) {
                    int end = regex.indexOf(":]", i + 2);
                    if (end < 0) {
                        return Optional.empty();
                    }
                    String posix = posix(regex.substring(i + 2, end));
                    if (posix == null) {
                        return Optional.empty();
                    }
                    out.append(posix);
                    i = end + 1;
                    continue;
                }
                if (c == ']' && out.length() > classStart) {
                    inClass = false;
                }
                out.append(c);
                continue;
            }
            switch (c) {
                case '[' -> {
                    inClass = true;
                    out.append(c);
                    if (i + 1 < regex.length() && regex.charAt(i + 1) == '^') {
                        out.append('^');
                        i++;
                    }
                    classStart = out.length(); // a ']' right here is a member of the class, not its end
                }
                case '^', '$' -> {
                    // anchors: a generated value is the whole string anyway
                }
                default -> out.append(c);
            }
        }
        return inClass ? Optional.empty() : Optional.of(out.toString());
    }

    /** A generator-ready regular expression for a SQL {@code LIKE} pattern ({@code %} some letters, {@code _} one). */
    static String fromLike(String like) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char c = like.charAt(i);
            if (c == '\\' && i + 1 < like.length()) {
                out.append(literal(like.charAt(++i)));
            } else if (c == '%') {
                out.append("[a-z0-9]{1,10}");
            } else if (c == '_') {
                out.append("[a-z0-9]");
            } else {
                out.append(literal(c));
            }
        }
        return out.toString();
    }

    private static String literal(char c) {
        return Character.isLetterOrDigit(c) || c == ' ' || c == '_' ? String.valueOf(c) : "\\" + c;
    }

    private static String posix(String name) {
        return switch (name) {
            case "alpha" -> "a-zA-Z";
            case "digit" -> "0-9";
            case "alnum" -> "a-zA-Z0-9";
            case "upper" -> "A-Z";
            case "lower" -> "a-z";
            case "space", "blank" -> " ";
            case "xdigit" -> "0-9a-fA-F";
            case "punct" -> ".,!?\\-";
            case "word" -> "a-zA-Z0-9_";
            default -> null;
        };
    }
}
