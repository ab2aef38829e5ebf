package dev.rehearsal.core.internal.data;

import org.apiguardian.api.API;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the simple CHECK constraints the seeder can satisfy directly from PostgreSQL's normalized definitions
 * ({@code pg_get_constraintdef}): an IN list ({@code status = ANY (ARRAY['new'::text, ...])}), bounds
 * ({@code qty > 0}, {@code price >= 0::numeric}, a BETWEEN), length bounds, a regular expression match and a LIKE.
 * Anything else is not understood here; the seeder still honours it by filtering rows in the database.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CheckConstraints {

    private static final String IDENT = "(?:\"((?:[^\"]|\"\")+)\"|`?([a-z_][a-z0-9_$]*)`?)";
    private static final String CAST = "(?:::[a-z ]+(?:\\(\\d+(?:,\\d+)?\\))?(?:\\[\\])?)?";
    private static final Pattern IN_LIST = Pattern.compile(
            "^\\(*" + IDENT + "\\)?" + CAST + " = ANY \\(+ARRAY\\[(.*)\\]\\)?" + CAST + "\\)*$", Pattern.DOTALL);
    /** MariaDB and MySQL write {@code `status` in ('new','paid')}. */
    private static final Pattern IN_PARENS = Pattern.compile(
            "^\\(*" + IDENT + "\\)? in \\((.*)\\)\\)*$", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern COMPARISON = Pattern.compile(
            "^\\(*(?:(length|char_length|octet_length)\\()?\\(?" + IDENT + "\\)?" + CAST + "\\)?\\s*(>=|<=|<>|>|<|=)\\s*\\(*'?(-?\\d+(?:\\.\\d+)?)'?\\)?"
                    + CAST + "\\)*$");
    private static final Pattern REGEX = Pattern.compile(
            "^\\(*" + IDENT + "\\)?" + CAST + " ~\\*? '((?:[^']|'')*)'" + CAST + "\\)*$");
    /** {@code slug ~~ 'acct-%'::text}: PostgreSQL's form of LIKE (and {@code ~~*}, ILIKE). */
    private static final Pattern LIKE = Pattern.compile(
            "^\\(*" + IDENT + "\\)?" + CAST + " ~~\\*? '((?:[^']|'')*)'" + CAST + "\\)*$");
    private static final Pattern LITERAL = Pattern.compile("'((?:[^']|'')*)'|(-?\\d+(?:\\.\\d+)?)");

    private CheckConstraints() {
    }

    /**
     * What a check says about one column, as far as understood; {@code octets}: the length bounds count bytes
     * ({@code octet_length}), so text must be ASCII for characters to count as bytes.
     */
    public record ColumnRule(String column, List<String> allowed, BigDecimal min, boolean minInclusive,
                             BigDecimal max, boolean maxInclusive, Integer minLength, Integer maxLength, String regex,
                             boolean octets) {
        public ColumnRule(String column, List<String> allowed, BigDecimal min, boolean minInclusive, BigDecimal max,
                          boolean maxInclusive, Integer minLength, Integer maxLength, String regex) {
            this(column, allowed, min, minInclusive, max, maxInclusive, minLength, maxLength, regex, false);
        }
    }

    /** The expression inside {@code CHECK (...)}, without {@code NOT VALID}. */
    public static String expression(String definition) {
        String d = definition.trim();
        d = d.replaceFirst("\\s+NOT VALID$", "");
        if (d.startsWith("CHECK ")) {
            d = d.substring("CHECK ".length());
        }
        return d;
    }

    /**
     * The column rules a check expression states, or empty when it is not understood in full (an OR, a function,
     * two columns).
     */
    public static Optional<List<ColumnRule>> parse(String expression) {
        String e = stripParens(expression.trim());
        if (e.contains(" OR ")) {
            return Optional.empty();
        }
        List<ColumnRule> rules = new ArrayList<>();
        for (String part : e.split(" AND ")) {
            Optional<ColumnRule> rule = parsePart(stripParens(part.trim()));
            if (rule.isEmpty()) {
                return Optional.empty();
            }
            rules.add(rule.get());
        }
        return Optional.of(rules);
    }

    private static Optional<ColumnRule> parsePart(String p) {
        Matcher m = IN_LIST.matcher(p);
        if (!m.matches()) {
            m = IN_PARENS.matcher(p);
        }
        if (m.matches()) {
            List<String> allowed = new ArrayList<>();
            Matcher lit = LITERAL.matcher(m.group(3));
            while (lit.find()) {
                allowed.add(lit.group(1) != null ? lit.group(1).replace("''", "'") : lit.group(2));
            }
            return Optional.of(new ColumnRule(ident(m), allowed, null, false, null, false, null, null, null));
        }
        m = REGEX.matcher(p);
        if (m.matches()) {
            return Optional.of(new ColumnRule(ident(m), null, null, false, null, false, null, null,
                    m.group(3).replace("''", "'")));
        }
        m = LIKE.matcher(p);
        if (m.matches()) {
            return Optional.of(new ColumnRule(ident(m), null, null, false, null, false, null, null,
                    "^" + PatternText.fromLike(m.group(3).replace("''", "'")) + "$"));
        }
        m = COMPARISON.matcher(p);
        if (m.matches()) {
            String column = m.group(2) != null ? m.group(2).replace("\"\"", "\"") : m.group(3);
            String op = m.group(4);
            BigDecimal value = new BigDecimal(m.group(5));
            if (m.group(1) != null) {
                int n = value.intValue();
                boolean octets = m.group(1).equals("octet_length");
                return Optional.of(switch (op) {
                    case ">" -> new ColumnRule(column, null, null, false, null, false, n + 1, null, null, octets);
                    case ">=" -> new ColumnRule(column, null, null, false, null, false, n, null, null, octets);
                    case "<" -> new ColumnRule(column, null, null, false, null, false, null, n - 1, null, octets);
                    case "<=" -> new ColumnRule(column, null, null, false, null, false, null, n, null, octets);
                    case "=" -> new ColumnRule(column, null, null, false, null, false, n, n, null, octets);
                    default -> new ColumnRule(column, null, null, false, null, false, null, null, null, octets);
                });
            }
            return Optional.of(switch (op) {
                case ">" -> new ColumnRule(column, null, value, false, null, false, null, null, null);
                case ">=" -> new ColumnRule(column, null, value, true, null, false, null, null, null);
                case "<" -> new ColumnRule(column, null, null, false, value, false, null, null, null);
                case "<=" -> new ColumnRule(column, null, null, false, value, true, null, null, null);
                case "=" -> new ColumnRule(column, List.of(value.toPlainString()), null, false, null, false, null, null, null);
                default -> new ColumnRule(column, null, null, false, null, false, null, null, null); // <>: rarely hit
            });
        }
        return Optional.empty();
    }

    private static String ident(Matcher m) {
        return m.group(1) != null ? m.group(1).replace("\"\"", "\"") : m.group(2);
    }

    private static String stripParens(String s) {
        String t = s;
        while (t.startsWith("(") && t.endsWith(")") && balanced(t.substring(1, t.length() - 1))) {
            t = t.substring(1, t.length() - 1).trim();
        }
        return t;
    }

    private static boolean balanced(String s) {
        int depth = 0;
        boolean quote = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                quote = !quote;
            } else if (!quote && c == '(') {
                depth++;
            } else if (!quote && c == ')') {
                if (--depth < 0) {
                    return false;
                }
            }
        }
        return depth == 0;
    }
}
