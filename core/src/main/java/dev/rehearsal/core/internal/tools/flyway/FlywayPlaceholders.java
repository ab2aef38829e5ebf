package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.model.RehearsalException;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces Flyway placeholders ({@code ${name}}, and Flyway's built-in {@code ${flyway:...}} ones) in scripts that
 * Rehearsal runs itself (undo scripts), the way Flyway replaces them in the scripts it runs. Names compare without
 * regard to case, as in Flyway; a placeholder without a value is an error naming the script.
 */
final class FlywayPlaceholders {

    private FlywayPlaceholders() {
    }

    static String replace(String sql, Map<String, String> values, String script) {
        return replace(sql, values, script, "${", "}");
    }

    /** As {@link #replace(String, Map, String)}, with the team's {@code placeholderPrefix} and {@code placeholderSuffix}. */
    static String replace(String sql, Map<String, String> values, String script, String prefix, String suffix) {
        Matcher m = Pattern.compile(Pattern.quote(prefix) + "([A-Za-z0-9_:.\\-]+)" + Pattern.quote(suffix)).matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = values.get(name.toLowerCase(Locale.ROOT));
            if (value == null) {
                throw new RehearsalException("No value provided for placeholder " + prefix + name + suffix + " in " + script
                        + ". Give it with @MigrationTest(placeholders = \"" + name + "=...\")"
                        + " or the property rehearsal.placeholders." + name);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
