package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Values at the edges of what a column allows, mixed into seeded rows (one in {@link #EVERY} values), because
 * production holds them and generated values rarely reach them: text of exactly the declared length (with a letter
 * of two bytes in UTF-8, so byte and character limits both show), the empty string where no CHECK forbids it, numbers
 * at the precision of {@code numeric(p, s)} and at CHECK bounds, timestamps and dates at the edges of 32-bit epoch
 * seconds (1970-01-02 and 2038-01-18: a day inside, so every time zone and MariaDB's {@code TIMESTAMP} hold them). Integer columns get CHECK bounds only: a type's own maximum is rarely a real value.
 * A failure over seeded rows says which of these the tables it names hold ({@link #probes}), so a team can tell a
 * real limit from an unlikely one.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class BoundaryValues {

    /** One value in this many is a boundary value. */
    public static final int EVERY = 16;

    static final OffsetDateTime FAR_PAST = OffsetDateTime.of(1970, 1, 2, 0, 0, 0, 0, ZoneOffset.UTC);
    static final OffsetDateTime FAR_FUTURE = OffsetDateTime.of(2038, 1, 18, 0, 0, 0, 0, ZoneOffset.UTC);

    private static final Pattern LENGTH = Pattern.compile("^(character varying|varchar|character|char)\\((\\d+)\\)$");
    private static final Pattern NUMERIC = Pattern.compile("^numeric\\((\\d+),(\\d+)\\)$");
    private static final Pattern TIMESTAMP = Pattern.compile("^timestamp(\\(\\d\\))? (with|without) time zone$");

    private BoundaryValues() {
    }

    /**
     * {@code base} with a boundary value instead of its own one time in {@link #EVERY}, or {@code base} itself when
     * the column has no boundary worth seeding (booleans, uuids, a CHECK with a pattern).
     */
    static ValueGenerator around(ValueGenerator base, ColumnModel column, List<CheckConstraints.ColumnRule> rules) {
        List<Object> edges = edges(column, CheckBounds.of(rules));
        if (edges.isEmpty()) {
            return base;
        }
        return new ValueGenerator() {
            private int given;

            @Override
            public Object next(Random r) {
                Object own = base.next(r);
                // the edges in turn, so that a few hundred rows hold each of them
                return r.nextInt(EVERY) == 0 ? edges.get(given++ % edges.size()) : own;
            }

            @Override
            public boolean canVary() {
                return base.canVary();
            }

            @Override
            public Object variant(Object value, long counter) {
                return base.variant(value, counter);
            }
        };
    }

    private static List<Object> edges(ColumnModel column, CheckBounds bounds) {
        String type = column.baseType();
        List<Object> edges = new ArrayList<>();
        if (bounds.allowed != null || bounds.regex != null || column.labels() != null) {
            return edges;
        }
        Matcher m;
        if ((m = LENGTH.matcher(type)).matches() || type.equals("text") || type.equals("citext")
                || type.equals("character varying") || type.equals("varchar")) {
            int declared = m.matches() ? Integer.parseInt(m.group(2)) : 0;
            int max = bounds.maxLength == null ? declared : declared == 0 ? bounds.maxLength : Math.min(declared, bounds.maxLength);
            int min = bounds.minLength == null ? 0 : bounds.minLength;
            if (max > 0 && max >= min) {
                edges.add(fullLength(max, column.name().toLowerCase(Locale.ROOT).contains("email"), bounds.octets));
            }
            if (min == 0 && !fixedLength(type)) {
                edges.add("");
            }
        } else if ((m = NUMERIC.matcher(type)).matches()) {
            int precision = Integer.parseInt(m.group(1));
            int scale = Integer.parseInt(m.group(2));
            BigDecimal typeMax = BigDecimal.TEN.pow(Math.max(0, precision - scale)).subtract(BigDecimal.ONE.movePointLeft(scale));
            BigDecimal step = BigDecimal.ONE.movePointLeft(scale);
            BigDecimal hi = bounds.max == null ? typeMax : typeMax.min(bounds.maxInclusive ? bounds.max : bounds.max.subtract(step));
            edges.add(hi.setScale(scale, RoundingMode.DOWN));
            if (bounds.min != null) {
                edges.add((bounds.minInclusive ? bounds.min : bounds.min.add(step)).setScale(scale, RoundingMode.UP));
            }
        } else if (type.matches("smallint|integer|bigint|tinyint|mediumint")) {
            if (bounds.max != null) {
                edges.add(bounds.maxLong(Long.MAX_VALUE));
            }
            if (bounds.min != null) {
                edges.add(bounds.minLong(Long.MIN_VALUE));
            }
        } else if ((m = TIMESTAMP.matcher(type)).matches() || type.equals("datetime")) {
            boolean zoned = m.matches() && m.group(2).equals("with");
            edges.add(zoned ? FAR_PAST : FAR_PAST.toLocalDateTime());
            edges.add(zoned ? FAR_FUTURE : FAR_FUTURE.toLocalDateTime());
        } else if (type.equals("date")) {
            edges.add(FAR_PAST.toLocalDate());
            edges.add(FAR_FUTURE.toLocalDate());
        }
        return edges;
    }

    /** Letters to exactly {@code length} characters, one of them {@code é}; an e-mail address when the column is one. */
    /** Text of exactly {@code length} characters, one of them beyond ASCII unless the length counts bytes. */
    private static String fullLength(int length, boolean email, boolean octets) {
        String tail = email && length >= 12 ? "@example.org" : "";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; sb.length() < length - tail.length(); i++) {
            sb.append(i == 1 && !octets ? 'é' : (char) ('a' + i % 26));
        }
        return sb.append(tail).toString();
    }

    /**
     * The count queries that tell which boundary values the given tables hold: one per column, with what it is
     * ({@code users.handle: text of exactly 128 characters}), for a failure message.
     */
    public static List<Probe> probes(SchemaSnapshot schema, Collection<String> tables, UnaryOperator<String> quote) {
        List<Probe> probes = new ArrayList<>();
        for (SchemaObject c : schema.objects(ObjectKind.COLUMN)) {
            if (!tables.contains(c.table())) {
                continue;
            }
            String type = c.fact(SchemaFact.TYPE).orElse("").toLowerCase(Locale.ROOT);
            String column = quote.apply(c.simpleName());
            String from = " FROM " + quote.apply(c.table()) + " WHERE ";
            Matcher m;
            if ((m = LENGTH.matcher(type)).matches() && !fixedLength(type)) {
                probes.add(new Probe(c.table() + "." + c.simpleName() + ": text of exactly " + m.group(2) + " characters",
                        "SELECT count(*)" + from + "char_length(" + column + ") = " + m.group(2)));
            } else if ((m = NUMERIC.matcher(type)).matches()) {
                int precision = Integer.parseInt(m.group(1));
                int scale = Integer.parseInt(m.group(2));
                BigDecimal max = BigDecimal.TEN.pow(Math.max(0, precision - scale)).subtract(BigDecimal.ONE.movePointLeft(scale));
                probes.add(new Probe(c.table() + "." + c.simpleName() + ": " + max.toPlainString() + ", the largest "
                        + type + " holds", "SELECT count(*)" + from + "abs(" + column + ") = " + max.toPlainString()));
            } else if (TIMESTAMP.matcher(type).matches() || type.equals("datetime") || type.equals("date")) {
                probes.add(new Probe(c.table() + "." + c.simpleName() + ": dates on 1970-01-02 or 2038-01-18",
                        "SELECT count(*)" + from + "(" + column + " >= '1970-01-01' AND " + column + " < '1970-01-03') OR "
                                + column + " > '2038-01-17'"));
            }
        }
        return probes;
    }

    /** {@code char(n)}, {@code character(n)}: padded to their length, so every value is "at" it. */
    private static boolean fixedLength(String type) {
        return type.startsWith("char(") || type.startsWith("character(");
    }

    /** A count query and what the values it counts are. */
    public record Probe(String what, String query) {
    }
}
