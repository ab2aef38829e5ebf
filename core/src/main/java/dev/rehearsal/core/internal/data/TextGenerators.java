package dev.rehearsal.core.internal.data;

import net.datafaker.Faker;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * Text values fitted to a column: its declared length and what its CHECK constraints say of the text (a pattern,
 * a minimum or maximum length, one byte a character), drawn from the column's pool of Datafaker values.
 */
final class TextGenerators {

    private final Faker faker;
    private final TextPools pools;

    TextGenerators(Faker faker, TextPools pools) {
        this.faker = faker;
        this.pools = pools;
    }

    /**
     * Text for column {@code name} of {@code table}, at most {@code maxLength} characters (0: no limit) and within
     * the CHECK's {@code bounds}: values made from its pattern where the generator can, e-mail addresses for an
     * e-mail column, else drawn from the column's pool; lengthened, shortened or kept to ASCII as the bounds ask.
     * Variants append a counter (inside an address, before its {@code @}) so unique columns get distinct values.
     */
    ValueGenerator forColumn(String name, String table, int maxLength, CheckBounds bounds) {
        ValueGenerator base;
        boolean email = false;
        Optional<String> pattern = bounds.regex == null ? Optional.empty() : generable(bounds.regex);
        if (pattern.isPresent()) {
            String regex = pattern.get();
            base = r -> faker.regexify(regex);
        } else if (name.contains("email")) {
            email = true;
            // cleaned once in the pool, not per row: a regex per value was a sixth of the seeder's own time
            List<String> locals = pools.of(() -> (faker.name().firstName().toLowerCase(Locale.ROOT) + "."
                    + faker.name().lastName().toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "")).replaceAll("[^a-z.]", ""));
            List<String> domains = pools.of(() -> faker.internet().domainName());
            base = r -> locals.get(r.nextInt(locals.size())) + "@" + domains.get(r.nextInt(domains.size()));
        } else {
            List<String> pool = pools.forColumn(name, table, maxLength);
            base = r -> pool.get(r.nextInt(pool.size()));
        }
        int minLength = bounds.minLength == null ? 0 : bounds.minLength;
        int max = bounds.maxLength == null ? maxLength : maxLength == 0 ? bounds.maxLength : Math.min(maxLength, bounds.maxLength);
        boolean isEmail = email;
        boolean octets = bounds.octets;
        ValueGenerator source = base;
        return new ValueGenerator() {
            @Override
            public Object next(Random r) {
                return fit((String) source.next(r), r);
            }

            private String fit(String s, Random r) {
                String v = octets ? ascii(s) : s;
                while (v.length() < minLength) {
                    v = v + (char) ('a' + r.nextInt(26));
                }
                return max > 0 && v.length() > max ? v.substring(0, max) : v;
            }

            @Override
            public boolean canVary() {
                return max == 0 || max >= 4;
            }

            @Override
            public Object variant(Object value, long counter) {
                String s = (String) value;
                String suffix = Long.toString(counter);
                if (isEmail && s.indexOf('@') > 0) {
                    int at = s.indexOf('@');
                    String v = s.substring(0, at) + suffix + s.substring(at);
                    if (max == 0 || v.length() <= max) {
                        return v;
                    }
                }
                suffix = (max > 0 && max <= 8 ? "" : "-") + suffix;
                if (max > 0 && s.length() + suffix.length() > max) {
                    s = s.substring(0, Math.max(0, max - suffix.length()));
                }
                return s + suffix;
            }
        };
    }

    /**
     * The generator-ready form of a CHECK's regular expression when the generator can make values from it (tried
     * once), else empty: values are then drawn as for any text and the database keeps those that match.
     */
    private Optional<String> generable(String postgresRegex) {
        Optional<String> regex = PatternText.fromPostgresRegex(postgresRegex);
        if (regex.isEmpty()) {
            return regex;
        }
        try {
            faker.regexify(regex.get());
            return regex;
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The text with accents taken off and any other character beyond ASCII left out: one byte a character. */
    private static String ascii(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("[^\\x20-\\x7E]", "");
    }
}
